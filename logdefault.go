package flags

import (
	"context"
	"log/slog"
)

// defaultHandler is the client's logger without WithLogger: warnings and
// errors go to slog.Default(), read at each record so that a later
// slog.SetDefault applies, and nothing else is logged.
type defaultHandler struct {
	attrs []slog.Attr
	group string
}

func (h defaultHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && slog.Default().Handler().Enabled(ctx, l)
}

func (h defaultHandler) Handle(ctx context.Context, r slog.Record) error {
	next := slog.Default().Handler()
	if len(h.attrs) > 0 {
		next = next.WithAttrs(h.attrs)
	}
	if h.group != "" {
		next = next.WithGroup(h.group)
	}
	return next.Handle(ctx, r)
}

func (h defaultHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return defaultHandler{attrs: append(h.attrs[:len(h.attrs):len(h.attrs)], attrs...), group: h.group}
}

// WithGroup keeps one group, which is all the client uses (none).
func (h defaultHandler) WithGroup(name string) slog.Handler {
	return defaultHandler{attrs: h.attrs, group: name}
}
