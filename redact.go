package flags

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
)

// A client's keys must never show in the text it produces, whatever that
// text came from: a transport error quotes the request URL, which carries
// the project key; a server can echo the Authorization header into a flag
// key, which a warning, a log line and a cause then quote. Each place text
// leaves the client goes through one redactor:
//
//   - every log line, by a slog.Handler wrapped around the configured one;
//   - every error New, Load, Reload and FetchDefinitions return, and
//     Status().LastError;
//   - a snapshot's warnings and causes, once when it is compiled, and the
//     causes built during an evaluation, when they reach a Result or an
//     Explanation.
//
// Data is not redacted: a payload is served as PostHog sent it.

// redacted replaces a key in text.
const redacted = "[redacted]"

// redactor removes keys from text. A nil redactor removes nothing.
type redactor struct {
	keys []string
	r    *strings.Replacer
}

// newRedactor returns the redactor for the non-empty keys, or nil if there
// are none.
func newRedactor(keys ...string) *redactor {
	var ks []string
	for _, k := range keys {
		if k != "" && !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return nil
	}
	// A Replacer tries its pairs in order: the longest key first, so that
	// a key holding the other is replaced whole.
	slices.SortFunc(ks, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	pairs := make([]string, 0, 2*len(ks))
	for _, k := range ks {
		pairs = append(pairs, k, redacted)
	}
	return &redactor{keys: ks, r: strings.NewReplacer(pairs...)}
}

// string returns s without the keys. It allocates only when s holds one.
func (r *redactor) string(s string) string {
	if r == nil {
		return s
	}
	for _, k := range r.keys {
		if strings.Contains(s, k) {
			return r.r.Replace(s)
		}
	}
	return s
}

// error returns err, or, when its text holds a key, an error with the
// redacted text that still matches what err matches with errors.Is.
func (r *redactor) error(err error) error {
	if r == nil || err == nil {
		return err
	}
	if _, done := err.(*redactedError); done {
		return err
	}
	msg := err.Error()
	if red := r.string(msg); red != msg {
		return &redactedError{msg: red, err: err}
	}
	return err
}

// cause returns e, or a copy with the redacted text when it holds a key.
func (r *redactor) cause(e *inconclusiveError) *inconclusiveError {
	if r == nil || e == nil {
		return e
	}
	if red := r.string(e.cause); red != e.cause {
		return &inconclusiveError{cause: red}
	}
	return e
}

// redactedError is an error whose text had a key removed. It has no
// Unwrap, which would hand out the original text; Is answers for it.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

// Is reports whether the original error matches target, so that
// errors.Is(err, ErrUnauthorized) or context.DeadlineExceeded still work.
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

// redactHandler is a slog.Handler that removes the keys from the message
// and every attribute before passing a record on.
type redactHandler struct {
	next slog.Handler
	r    *redactor
}

func (h redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.string(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.attr(a)
	}
	return redactHandler{next: h.next.WithAttrs(red), r: h.r}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{next: h.next.WithGroup(name), r: h.r}
}

// attr redacts one attribute. A value of any other kind than string and
// group is redacted through its text, and replaced only if that text held
// a key.
func (h redactHandler) attr(a slog.Attr) slog.Attr {
	a.Key = h.r.string(a.Key)
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(h.r.string(v.String()))
	case slog.KindGroup:
		group := v.Group()
		red := make([]slog.Attr, len(group))
		for i, g := range group {
			red[i] = h.attr(g)
		}
		a.Value = slog.GroupValue(red...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			a.Value = slog.AnyValue(h.r.error(err))
			break
		}
		text := fmt.Sprint(v.Any())
		if red := h.r.string(text); red != text {
			a.Value = slog.StringValue(red)
		} else {
			a.Value = v
		}
	default:
		a.Value = v
	}
	return a
}

// redact removes r's keys from s's warnings and problems and from every cause compiled
// into it, and keeps r for the causes its evaluations build. It runs before
// s is published, so nothing reads what it writes; a cause shared with
// other snapshots (the package's fixed causes) holds no key and is never
// written.
func (s *Snapshot) redact(r *redactor) {
	if r == nil {
		return
	}
	s.red = r
	for i, w := range s.warnings {
		s.warnings[i] = r.string(w)
	}
	for i := range s.problems {
		p := &s.problems[i]
		p.Flag, p.Path, p.Message = r.string(p.Flag), r.string(p.Path), r.string(p.Message)
	}
	s.eachCause(func(c **inconclusiveError) { *c = r.cause(*c) })
}

// eachCause calls fn with every cause field of the snapshot: each flag's,
// each filter's and each cohort group's.
func (s *Snapshot) eachCause(fn func(**inconclusiveError)) {
	for i := range s.flags {
		fn(&s.flags[i].broken)
		fn(&s.flags[i].group.unknown)
	}
	s.eachFilter(func(_ int, f *filter) {
		fn(&f.bad)
		fn(&f.missing)
		fn(&f.unportable)
		fn(&f.fatal)
		if f.exact != nil {
			fn(&f.exact.unspellable)
		}
		if f.dep != nil {
			fn(&f.dep.broken)
		}
	})
	for i := range s.cohorts {
		fn(&s.cohorts[i].loop)
		eachGroup(&s.cohorts[i].root, func(g *propertyGroup) { fn(&g.why) })
	}
}

// eachGroup calls fn for g and every group nested in it.
func eachGroup(g *propertyGroup, fn func(*propertyGroup)) {
	fn(g)
	for i := range g.groups {
		eachGroup(&g.groups[i], fn)
	}
}
