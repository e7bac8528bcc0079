package flags_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sort"
	"time"

	"github.com/localflags/flags"
)

const exampleDoc = `{
  "flags": [
    {"key": "new-checkout", "active": true,
     "filters": {"groups": [{"properties": [{"key": "plan", "type": "person", "operator": "exact", "value": ["pro", "enterprise"]}], "rollout_percentage": 100}]}},
    {"key": "pricing", "active": true,
     "filters": {"groups": [{"properties": [], "rollout_percentage": 100}],
                 "multivariate": {"variants": [{"key": "control", "rollout_percentage": 50}, {"key": "annual", "rollout_percentage": 50}]},
                 "payloads": {"control": "{\"price\": 12}", "annual": "{\"price\": 9}"}}}
  ]
}`

func ExampleNew() {
	c, err := flags.New(flags.WithSnapshotFile("testdata/snapshot.json"))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Println(c.Snapshot().Len(), "flags loaded")
	// Output: 6 flags loaded
}

func ExampleClient_IsEnabled() {
	c, err := flags.New(flags.WithSnapshot([]byte(exampleDoc)))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	pro := flags.User{DistinctID: "user-1", Properties: map[string]any{"plan": "PRO"}}
	free := flags.User{DistinctID: "user-2", Properties: map[string]any{"plan": "free"}}
	anonymous := flags.User{DistinctID: "user-3"} // no plan: inconclusive, so false
	fmt.Println(c.IsEnabled(ctx, "new-checkout", pro), c.IsEnabled(ctx, "new-checkout", free), c.IsEnabled(ctx, "new-checkout", anonymous))
	// Output: true false false
}

func ExampleClient_Variant() {
	c, err := flags.New(flags.WithSnapshot([]byte(exampleDoc)))
	if err != nil {
		log.Fatal(err)
	}
	for _, id := range []string{"alice", "bob", "carol"} {
		fmt.Println(id, c.Variant(context.Background(), "pricing", flags.User{DistinctID: id}))
	}
	// Output:
	// alice annual
	// bob annual
	// carol control
}

func ExampleClient_Evaluate() {
	c, err := flags.New(flags.WithSnapshot([]byte(exampleDoc)))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	r := c.Evaluate(ctx, "new-checkout", flags.User{DistinctID: "user-3"})
	fmt.Println(r.Enabled, r.Reason)
	fmt.Println(r.Err)
	// Output:
	// false inconclusive
	// flags: inconclusive: property "plan" is not in the context
}

func ExamplePayloadAs() {
	c, err := flags.New(flags.WithSnapshot([]byte(exampleDoc)))
	if err != nil {
		log.Fatal(err)
	}
	type pricing struct {
		Price int `json:"price"`
	}
	r := c.Evaluate(context.Background(), "pricing", flags.User{DistinctID: "user-1"})
	p, err := flags.PayloadAs[pricing](r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Variant, p.Price)
	// Output: annual 9
}

func ExampleClient_EvaluateAll() {
	c, err := flags.New(flags.WithSnapshot([]byte(exampleDoc)))
	if err != nil {
		log.Fatal(err)
	}
	all := c.EvaluateAll(context.Background(), flags.User{DistinctID: "carol", Properties: map[string]any{"plan": "enterprise"}})
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Println(k, all[k].Value())
	}
	// Output:
	// new-checkout true
	// pricing control
}

// A handler that evaluates every flag per request can keep one map per
// worker and reuse it, so the evaluation allocates nothing.
func ExampleClient_EvaluateAllInto() {
	c, err := flags.New(flags.WithSnapshot([]byte(exampleDoc)))
	if err != nil {
		log.Fatal(err)
	}
	var all map[string]flags.Result
	for _, id := range []string{"carol", "dave"} {
		all = c.EvaluateAllInto(context.Background(), flags.User{DistinctID: id, Properties: map[string]any{"plan": "enterprise"}}, all)
		fmt.Println(id, len(all), all["new-checkout"].Enabled)
	}
	// Output:
	// carol 2 true
	// dave 2 true
}

func ExampleClient_Load() {
	c, err := flags.New() // nothing loaded yet: every flag is "not ready"
	if err != nil {
		log.Fatal(err)
	}
	u := flags.User{DistinctID: "user-1", Properties: map[string]any{"plan": "pro"}}
	fmt.Println(c.Evaluate(context.Background(), "new-checkout", u).Reason)
	if err := c.Load([]byte(exampleDoc)); err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Evaluate(context.Background(), "new-checkout", u).Reason)
	fmt.Println(c.Load([]byte(`{"flags": [`)) != nil, c.IsEnabled(context.Background(), "new-checkout", u))
	// Output:
	// not ready
	// matched
	// true true
}

func ExampleWithPoller() {
	// A stand-in for PostHog, serving a definitions document.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		w.Write([]byte(exampleDoc))
	}))
	defer srv.Close()

	c, err := flags.New(flags.WithPoller(flags.PollerConfig{
		Host:          srv.URL,
		ProjectAPIKey: "phc_example",
		SecretKey:     "phs_example",
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.WaitReady(ctx); err != nil {
		log.Fatal(err)
	}
	st := c.Status()
	fmt.Println(st.Source, st.Flags, st.ETag)
	fmt.Println(c.IsEnabled(ctx, "new-checkout", flags.User{DistinctID: "u", Properties: map[string]any{"plan": "pro"}}))
	// Output:
	// poll 2 "v1"
	// true
}

func ExampleWithOverrides() {
	c, err := flags.New(
		flags.WithSnapshot([]byte(exampleDoc)),
		flags.WithOverrides(map[string]any{"new-checkout": false, "pricing": "annual", "not-yet-defined": true}),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	u := flags.User{DistinctID: "carol", Properties: map[string]any{"plan": "pro"}}
	r := c.Evaluate(ctx, "pricing", u)
	fmt.Println(c.IsEnabled(ctx, "new-checkout", u), r.Variant, string(r.Payload), r.Reason, c.IsEnabled(ctx, "not-yet-defined", u))

	if err := c.Override("new-checkout", true); err != nil { // change one while the client runs
		log.Fatal(err)
	}
	c.ClearOverride("new-checkout") // drop one
	c.ClearOverrides()              // or all of them
	fmt.Println(c.Variant(ctx, "pricing", u))
	// Output:
	// false annual {"price":9} override true
	// control
}

func ExampleClient_Explain() {
	c, err := flags.New(flags.WithSnapshot([]byte(exampleDoc)))
	if err != nil {
		log.Fatal(err)
	}
	e := c.Explain(context.Background(), "new-checkout", flags.User{DistinctID: "bob", Properties: map[string]any{"plan": "free"}})
	fmt.Print(e)
	// Output:
	// flag "new-checkout": false (no condition matched)
	//   bucketing id: "bob"
	//   condition 0: no match
	//     plan exact ["pro","enterprise"]: saw "free": fail
	//   value: false
}

func ExampleWithExposureHandler() {
	// A team with a posthog-go client sends exposures through it:
	//
	//	flags.WithExposureHandler(func(e flags.Exposure) {
	//		ph.Enqueue(posthog.Capture{DistinctId: e.DistinctID, Event: e.Event,
	//			Properties: e.Properties, Timestamp: e.Timestamp})
	//	})
	//
	// Here the handler prints them.
	c, err := flags.New(flags.WithSnapshot([]byte(exampleDoc)), flags.WithExposureHandler(func(e flags.Exposure) {
		fmt.Println(e.Event, e.DistinctID, e.Properties["$feature_flag"], e.Properties["$feature_flag_response"])
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	user := flags.User{DistinctID: "user-42"}
	c.Variant(ctx, "pricing", user)
	c.Variant(ctx, "pricing", user)                                                    // sent already: no second event
	c.Variant(flags.WithoutExposure(ctx), "pricing", flags.User{DistinctID: "user-7"}) // opted out
	if err := c.Flush(ctx); err != nil {                                               // the handler runs on a goroutine of the client's
		log.Fatal(err)
	}
	// Output: $feature_flag_called user-42 pricing control
}

func ExampleWithCapture() {
	// A stand-in for PostHog's capture endpoint, counting the events.
	var received int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received++ // one request a batch; this example sends one event
	}))
	defer srv.Close()

	c, err := flags.New(flags.WithSnapshot([]byte(exampleDoc)),
		flags.WithCapture(flags.CaptureConfig{Host: srv.URL, ProjectAPIKey: "phc_example"}))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	c.IsEnabled(ctx, "pricing", flags.User{DistinctID: "user-42"})
	if err := c.Close(); err != nil { // Close delivers what is queued
		log.Fatal(err)
	}
	st := c.Status().Exposures
	fmt.Println(st.Sent, "sent,", st.Dropped, "dropped; requests:", received)
	// Output: 1 sent, 0 dropped; requests: 1
}
