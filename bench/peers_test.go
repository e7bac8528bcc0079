package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/launchdarkly/go-sdk-common/v3/ldcontext"
	"github.com/launchdarkly/go-sdk-common/v3/ldvalue"
	evaluation "github.com/launchdarkly/go-server-sdk-evaluation/v3"
	"github.com/launchdarkly/go-server-sdk-evaluation/v3/ldmodel"
	"github.com/posthog/posthog-go"

	"github.com/localflags/flags"
	"github.com/localflags/flags/internal/realistic"
)

// This file sets up each library for a workload: a localflags client, a
// posthog-go client polling a local PostHog stand-in, and a LaunchDarkly
// evaluator over an in-memory store. It also turns the generated users into
// each library's input, once, before anything is timed.

// now is the evaluation time of every workload: relative date filters are
// measured from it, and LaunchDarkly's absolute dates are computed from it.
var now = realistic.ReferenceTime()

const nUsers = 256 // users cycled through by the benchmarks (a power of two)

// user is one generated user in each library's form.
type user struct {
	lf     flags.User
	phID   string
	phProp posthog.Properties
	phGrp  posthog.Groups
	phGrpP map[string]posthog.Properties
	ld     ldcontext.Context
}

func makeUsers(n int) []user {
	out := make([]user, n)
	for i := range out {
		u := realistic.User(i)
		out[i] = user{lf: u, phID: u.DistinctID, ld: ldContext(u)}
		out[i].phProp, out[i].phGrp, out[i].phGrpP = posthogInput(u)
	}
	return out
}

var (
	usersOnce sync.Once
	users     []user
)

// benchUsers returns the users the benchmarks cycle through, built once.
func benchUsers() []user {
	usersOnce.Do(func() { users = makeUsers(nUsers) })
	return users
}

// --- localflags ---

func newLocalflags(tb testing.TB, doc []byte) *flags.Client {
	tb.Helper()
	c, err := flags.New(flags.WithSnapshot(doc), flags.WithClock(func() time.Time { return now }))
	if err != nil {
		tb.Fatal(err)
	}
	if w := c.Snapshot().Warnings(); len(w) > 0 {
		tb.Fatalf("localflags warnings: %v", w)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

func localAnswer(c *flags.Client, key string, u *user) string {
	r := c.Evaluate(context.Background(), key, u.lf)
	switch {
	case r.Err != nil:
		return undecided
	case r.Variant != "":
		return r.Variant
	}
	return strconv.FormatBool(r.Enabled)
}

// undecided is the answer of a library that cannot decide locally.
const undecided = "(undecided)"

// --- posthog-go ---

const (
	posthogProjectKey  = "phc_bench_project_key"
	posthogPersonalKey = "phx_bench_personal_key"
)

// posthogPeer is a posthog-go client with local evaluation, fed by a local
// server that serves the definitions document and records every other
// request (events, remote /flags calls), which the tests require to be none.
type posthogPeer struct {
	client posthog.Client
	srv    *httptest.Server

	mu     sync.Mutex
	polls  int
	other  []string // method and path of every request that is not a poll
	closed sync.Once
}

// startPostHog starts a posthog-go client whose poller loads doc, and waits
// until the definitions are loaded.
func startPostHog(tb testing.TB, doc []byte) *posthogPeer {
	tb.Helper()
	p := &posthogPeer{}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		// posthog-go v1.5.2 polls the legacy endpoint; newer releases poll
		// /flags/definitions. Both serve the same document.
		case "/api/feature_flag/local_evaluation", "/api/feature_flag/local_evaluation/", "/flags/definitions":
			if r.Header.Get("Authorization") != "Bearer "+posthogPersonalKey || r.URL.Query().Get("token") != posthogProjectKey {
				http.Error(w, `{"detail":"bad credentials"}`, http.StatusUnauthorized)
				return
			}
			p.mu.Lock()
			p.polls++
			p.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.Write(doc)
		default:
			io.Copy(io.Discard, r.Body)
			p.mu.Lock()
			p.other = append(p.other, r.Method+" "+r.URL.Path)
			p.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"status":1}`)
		}
	}))
	c, err := posthog.NewWithConfig(posthogProjectKey, posthog.Config{
		Endpoint:                           p.srv.URL,
		PersonalApiKey:                     posthogPersonalKey,
		DefaultFeatureFlagsPollingInterval: time.Hour,
		Logger:                             discardLogger{},
	})
	if err != nil {
		p.srv.Close()
		tb.Fatal(err)
	}
	p.client = c
	tb.Cleanup(p.close)
	// GetFeatureFlags blocks until the poller's first fetch has finished.
	defs, err := c.GetFeatureFlags()
	if err != nil || len(defs) == 0 {
		tb.Fatalf("posthog-go did not load the definitions: %d flags, %v", len(defs), err)
	}
	return p
}

// close stops the client, which flushes any queued event to the server,
// then the server.
func (p *posthogPeer) close() {
	p.closed.Do(func() {
		p.client.Close()
		p.srv.Close()
	})
}

// requests returns the requests other than polls seen so far.
func (p *posthogPeer) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.other...)
}

type discardLogger struct{}

func (discardLogger) Logf(string, ...any)   {}
func (discardLogger) Errorf(string, ...any) {}

var noEvents = new(bool) // SendFeatureFlagEvents: false

func (u *user) posthogPayload(key string) posthog.FeatureFlagPayload {
	return posthog.FeatureFlagPayload{
		Key:                   key,
		DistinctId:            u.phID,
		PersonProperties:      u.phProp,
		Groups:                u.phGrp,
		GroupProperties:       u.phGrpP,
		OnlyEvaluateLocally:   true,
		SendFeatureFlagEvents: noEvents,
	}
}

func (u *user) posthogAllPayload() posthog.FeatureFlagPayloadNoKey {
	return posthog.FeatureFlagPayloadNoKey{
		DistinctId:            u.phID,
		PersonProperties:      u.phProp,
		Groups:                u.phGrp,
		GroupProperties:       u.phGrpP,
		OnlyEvaluateLocally:   true,
		SendFeatureFlagEvents: noEvents,
	}
}

func posthogAnswer(p *posthogPeer, key string, u *user) string {
	v, err := p.client.GetFeatureFlag(u.posthogPayload(key))
	if err != nil {
		return undecided
	}
	return answerOf(v)
}

func answerOf(v any) string {
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x)
	case string:
		return x
	}
	return undecided
}

// posthogInput converts a user to posthog-go's arguments. The property maps
// are the same values; posthog-go's Properties is a map[string]any too.
func posthogInput(u flags.User) (posthog.Properties, posthog.Groups, map[string]posthog.Properties) {
	props := posthog.Properties(u.Properties)
	groups := posthog.Groups{}
	gprops := map[string]posthog.Properties{}
	for name, g := range u.Groups {
		groups[name] = g.Key
		gprops[name] = posthog.Properties(g.Properties)
	}
	return props, groups, gprops
}

// posthogGoDocument adapts a definitions document to what posthog-go v1.5.2
// can load: it decodes every rollout_percentage into a *uint8, so a single
// fractional percentage makes json.Unmarshal fail and the poller keep no
// flags at all. Fractional percentages are rounded to whole ones; nothing
// else changes.
func posthogGoDocument(doc []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		panic(err)
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if n, ok := e.(json.Number); ok && k == "rollout_percentage" {
					if f, err := n.Float64(); err == nil && f != math.Trunc(f) {
						x[k] = json.Number(strconv.Itoa(int(math.Round(f))))
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return out
}

// --- LaunchDarkly ---

// ldStore is the LaunchDarkly evaluator's data provider: map lookups over
// flags and segments built with ldbuilders.
type ldStore struct {
	flags    map[string]*ldmodel.FeatureFlag
	segments map[string]*ldmodel.Segment
}

func newLDStore(fs []ldmodel.FeatureFlag, ss []ldmodel.Segment) *ldStore {
	s := &ldStore{flags: map[string]*ldmodel.FeatureFlag{}, segments: map[string]*ldmodel.Segment{}}
	for i := range fs {
		s.flags[fs[i].Key] = &fs[i]
	}
	for i := range ss {
		s.segments[ss[i].Key] = &ss[i]
	}
	return s
}

// GetFeatureFlag returns the flag with that key, or nil.
func (s *ldStore) GetFeatureFlag(key string) *ldmodel.FeatureFlag { return s.flags[key] }

// GetSegment returns the segment with that key, or nil.
func (s *ldStore) GetSegment(key string) *ldmodel.Segment { return s.segments[key] }

// ldPeer is a LaunchDarkly evaluator over a store.
type ldPeer struct {
	store *ldStore
	eval  evaluation.Evaluator
}

func newLDPeer(s *ldStore) *ldPeer {
	return &ldPeer{store: s, eval: evaluation.NewEvaluator(s)}
}

// evaluate looks the flag up in the store, as an SDK does, and evaluates it.
func (p *ldPeer) evaluate(key string, c ldcontext.Context) ldvalue.Value {
	return p.eval.Evaluate(p.store.flags[key], c, nil).Detail.Value
}

func ldAnswer(p *ldPeer, key string, u *user) string {
	v := p.evaluate(key, u.ld)
	switch {
	case v.IsBool():
		return strconv.FormatBool(v.BoolValue())
	case v.IsString():
		return v.StringValue()
	}
	return undecided
}

var dateOnly = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ldContext converts a user to a LaunchDarkly context: a multi-context of
// the "user" kind, keyed by the distinct id, and one context per group,
// keyed by the group key, each with the same attributes. LaunchDarkly's
// date operators need a date-time (RFC 3339) or epoch milliseconds, so
// date-only strings ("2025-03-14") become midnight UTC ("2025-03-14T00:00:00Z"),
// which is how PostHog reads them.
func ldContext(u flags.User) ldcontext.Context {
	person := ldcontext.NewBuilder(u.DistinctID)
	setAttributes(person, u.Properties)
	if len(u.Groups) == 0 {
		return person.Build()
	}
	multi := ldcontext.NewMultiBuilder().Add(person.Build())
	for name, g := range u.Groups {
		b := ldcontext.NewBuilder(g.Key).Kind(ldcontext.Kind(name))
		setAttributes(b, g.Properties)
		multi.Add(b.Build())
	}
	return multi.Build()
}

func setAttributes(b *ldcontext.Builder, props map[string]any) {
	for k, v := range props {
		if s, ok := v.(string); ok && dateOnly.MatchString(s) {
			v = s + "T00:00:00Z"
		}
		b.SetValue(k, ldvalue.CopyArbitraryValue(v))
	}
}
