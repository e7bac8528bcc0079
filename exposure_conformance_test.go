package flags

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"
)

// TestExposureConformance replays testdata/conformance/exposures.jsonl.gz,
// made by conformance/exposures.mjs from posthog-node: sequences of flag
// calls with the $feature_flag_called event posthog-node sent after each,
// or none. The Go client must send the same event after the same call,
// with the same properties, except the values of $lib and $lib_version,
// which name this library.
func TestExposureConformance(t *testing.T) {
	f, err := os.Open("testdata/conformance/exposures.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	var header struct{ sequences, events int }
	sequences, events, calls := 0, 0, 0
	for sc.Scan() {
		var line struct {
			Kind        string          `json:"kind"`
			Sequences   int             `json:"sequences"`
			Events      int             `json:"events"`
			NowMs       int64           `json:"now_ms"`
			CacheSize   int             `json:"cache_size"`
			Definitions json.RawMessage `json:"definitions"`
			Calls       []exposureCall  `json:"calls"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		if line.Kind == "header" {
			header.sequences, header.events = line.Sequences, line.Events
			continue
		}
		sequences++
		calls += len(line.Calls)
		events += replayExposures(t, sequences-1, line.NowMs, line.CacheSize, line.Definitions, line.Calls)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if sequences == 0 || sequences != header.sequences || events != header.events {
		t.Fatalf("replayed %d sequences with %d events; the header says %d and %d", sequences, events, header.sequences, header.events)
	}
	t.Logf("%d sequences, %d calls, %d events", sequences, calls, events)
}

// exposureCall is one call of a sequence and the event posthog-node sent.
type exposureCall struct {
	Method           string            `json:"method"`
	Key              string            `json:"key"`
	DistinctID       string            `json:"distinct_id"`
	Groups           map[string]string `json:"groups"`
	PersonProperties map[string]any    `json:"person_properties"`
	NowMs            int64             `json:"now_ms"`
	Event            *struct {
		Event      string         `json:"event"`
		DistinctID string         `json:"distinct_id"`
		Properties map[string]any `json:"properties"`
	} `json:"event"`
}

// exposureLog records exposures for a test, safely across goroutines.
type exposureLog struct {
	mu     sync.Mutex
	events []Exposure
}

func (l *exposureLog) record(e Exposure) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *exposureLog) take() []Exposure {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.events
	l.events = nil
	return out
}

// replayExposures runs one sequence and returns how many events it checked.
func replayExposures(t *testing.T, seq int, nowMs int64, cacheSize int, doc []byte, calls []exposureCall) int {
	t.Helper()
	var mu sync.Mutex
	now := time.UnixMilli(nowMs)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	var log exposureLog
	c, err := New(WithSnapshot(doc), WithClock(clock), WithRuntime(RuntimeAll),
		WithExposureCacheSize(cacheSize), WithExposureHandler(log.record))
	if err != nil {
		t.Fatalf("sequence %d: %v", seq, err)
	}
	defer c.Close()
	ctx := context.Background()
	checked := 0
	for i, call := range calls {
		mu.Lock()
		now = time.UnixMilli(call.NowMs)
		mu.Unlock()
		u := User{DistinctID: call.DistinctID, Properties: call.PersonProperties}
		if call.Groups != nil {
			u.Groups = map[string]Group{}
			for name, key := range call.Groups {
				u.Groups[name] = Group{Key: key}
			}
		}
		switch call.Method {
		case "getFeatureFlag": // each of the three calls that send events, in turn
			switch i % 3 {
			case 0:
				c.Variant(ctx, call.Key, u)
			case 1:
				c.IsEnabled(ctx, call.Key, u)
			default:
				c.Evaluate(ctx, call.Key, u)
			}
		case "isFeatureEnabled":
			c.IsEnabled(ctx, call.Key, u)
		case "getFeatureFlagResult":
			c.Evaluate(ctx, call.Key, u)
		case "getFeatureFlagPayload": // reads that send none
			c.Explain(ctx, call.Key, u)
		case "getAllFlags":
			c.EvaluateAll(ctx, u)
		case "getFeatureFlagNoEvent":
			c.Evaluate(WithoutExposure(ctx), call.Key, u)
		default:
			t.Fatalf("sequence %d call %d: unknown method %q", seq, i, call.Method)
		}
		if err := c.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		got := log.take()
		where := fmt.Sprintf("sequence %d call %d (%s %q for %q)", seq, i, call.Method, call.Key, call.DistinctID)
		switch {
		case call.Event == nil && len(got) == 0:
			continue
		case call.Event == nil:
			t.Fatalf("%s: sent %+v; posthog-node sent nothing", where, got)
		case len(got) != 1:
			t.Fatalf("%s: sent %d events; posthog-node sent %+v", where, len(got), call.Event)
		}
		if d := exposureDiff(got[0], call.Event.Event, call.Event.DistinctID, call.Event.Properties); d != "" {
			t.Fatalf("%s: %s", where, d)
		}
		checked++
	}
	return checked
}

// exposureDiff compares an exposure with posthog-node's event, the values of
// $lib and $lib_version aside, through JSON as PostHog would receive it.
func exposureDiff(e Exposure, event, distinctID string, want map[string]any) string {
	b, err := json.Marshal(e.Properties)
	if err != nil {
		return err.Error()
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		return err.Error()
	}
	for _, k := range []string{"$lib", "$lib_version"} {
		if _, ok := got[k]; !ok {
			return "no " + k
		}
		got[k], want[k] = nil, nil
	}
	if e.Event != event || e.DistinctID != distinctID || !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("sent %s for %q %v\nposthog-node %s for %q %v", e.Event, e.DistinctID, got, event, distinctID, want)
	}
	return ""
}
