// Command experiment runs an A/B test behind Variant and sends the
// $feature_flag_called events that make PostHog count each user in the
// experiment. The events go to a local stand-in for PostHog's capture
// endpoint, which prints what it receives.
//
//	go run ./examples/experiment
//
// Against PostHog itself, drop the stand-in and give WithCapture your
// project's key (or let it take the poller's).
package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"time"

	"github.com/localflags/flags"
)

func main() {
	path := flag.String("snapshot", "testdata/snapshot.json", "definitions document to evaluate")
	flag.Parse()
	if err := run(*path, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(snapshot string, out io.Writer) error {
	posthog := newCaptureStandIn(out)
	defer posthog.Close()

	client, err := flags.New(
		flags.WithSnapshotFile(snapshot),
		flags.WithCapture(flags.CaptureConfig{
			Host:          posthog.URL, // default: https://us.i.posthog.com, or the poller's Host
			ProjectAPIKey: "phc_example",
			FlushInterval: time.Second,
		}),
	)
	if err != nil {
		return err
	}

	ctx := context.Background()
	users := []flags.User{
		{DistinctID: "user-1", Properties: map[string]any{"email": "ada@posthog.com"}},
		{DistinctID: "user-2", Properties: map[string]any{"email": "grace@example.com"}},
		{DistinctID: "user-3", Properties: map[string]any{"email": "alan@example.com"}},
	}
	for _, u := range users {
		// Each page view asks again; only the first sends an exposure.
		for range 3 {
			switch client.Variant(ctx, "pricing-page", u) {
			case "test":
				// render the annual-plans-first page
			default:
				// render the current page
			}
		}
		fmt.Fprintf(out, "%s sees the %q pricing page\n", u.DistinctID, client.Variant(ctx, "pricing-page", u))
	}

	// Deliver what is queued before reporting; Close would too.
	if err := client.Flush(ctx); err != nil {
		return err
	}
	st := client.Status().Exposures
	if err := client.Close(); err != nil {
		return err
	}
	fmt.Fprintf(out, "exposures: %d sent, %d dropped\n", st.Sent, st.Dropped)
	return nil
}

// captureStandIn is a local server that accepts PostHog's /batch/ requests
// and prints the events.
type captureStandIn struct {
	*httptest.Server
	mu  sync.Mutex
	out io.Writer
}

func newCaptureStandIn(out io.Writer) *captureStandIn {
	s := &captureStandIn{out: out}
	s.Server = httptest.NewServer(http.HandlerFunc(s.batch))
	return s
}

func (s *captureStandIn) batch(w http.ResponseWriter, r *http.Request) {
	body := io.Reader(r.Body)
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	var req struct {
		Batch []struct {
			Event      string         `json:"event"`
			DistinctID string         `json:"distinct_id"`
			Properties map[string]any `json:"properties"`
		} `json:"batch"`
	}
	if r.URL.Path != "/batch/" || json.NewDecoder(body).Decode(&req) != nil {
		http.Error(w, "not a batch", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	for _, e := range req.Batch {
		fmt.Fprintf(s.out, "PostHog received %s: %s saw %v = %v\n", e.Event, e.DistinctID, e.Properties["$feature_flag"], e.Properties["$feature_flag_response"])
	}
	s.mu.Unlock()
	w.Write([]byte(`{"status":1}`))
}
