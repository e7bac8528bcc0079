package flags

import (
	"context"
	goflag "flag"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var soakPolls = goflag.Int("soak.polls", 2000, "polls in TestPollerSoak; raise it for a longer soak")

// TestPollerSoak runs the poller against a flaky server for thousands of
// polls with short waits: random status codes, cut-off bodies, garbage and
// slow responses. The last good definitions must always be served, and the
// goroutine count and the heap must stay flat.
func TestPollerSoak(t *testing.T) {
	good := []string{docOn("good-a"), docOn("good-b")}
	var polls atomic.Int64
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(1, 2))
	srv := newFakeServer(t)
	srv.then(func(w http.ResponseWriter, r *http.Request) {
		polls.Add(1)
		mu.Lock()
		roll := rng.IntN(100)
		which := rng.IntN(2)
		mu.Unlock()
		switch {
		case roll < 30:
			w.Header().Set("ETag", strconv.Itoa(which))
			w.Write([]byte(good[which]))
		case roll < 40:
			w.WriteHeader(http.StatusNotModified)
		case roll < 65:
			codes := []int{401, 402, 403, 404, 429, 500, 502, 503}
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(codes[roll%len(codes)])
		case roll < 75: // cut off mid-body
			w.Header().Set("Content-Length", "1000")
			w.Write([]byte(good[which][:20]))
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
		case roll < 85: // garbage
			w.Write([]byte(`{"flags": [{"key": `))
		default: // slower than the timeout
			select {
			case <-r.Context().Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	})
	cfg := pollerConfig(srv.URL)
	cfg.Timeout = 20 * time.Millisecond
	fast := withSleep(func(ctx context.Context, d time.Duration) error { return ctx.Err() })
	c, err := New(WithPoller(cfg), fast, WithSnapshot([]byte(good[0])))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var minG, maxG int
	var heapMid uint64
	for n := int64(0); n < int64(*soakPolls); n = polls.Load() {
		switch v := servedVersion(c); v {
		case "good-a", "good-b":
		default:
			t.Fatalf("after %d polls, serving %q", n, v)
		}
		g := runtime.NumGoroutine()
		if minG == 0 || g < minG {
			minG = g
		}
		maxG = max(maxG, g)
		if heapMid == 0 && n >= int64(*soakPolls)/2 {
			heapMid = heap()
		}
		time.Sleep(time.Millisecond)
	}
	heapEnd := heap()
	st := c.Status()
	t.Logf("%d polls; goroutines %d..%d; heap %d KiB at half time, %d KiB at the end; last error: %v",
		polls.Load(), minG, maxG, heapMid>>10, heapEnd>>10, st.LastError)
	if maxG-minG > 20 {
		t.Errorf("the goroutine count moved from %d to %d", minG, maxG)
	}
	if heapEnd > heapMid+heapMid/2+1<<20 {
		t.Errorf("the heap grew from %d to %d bytes over the second half", heapMid, heapEnd)
	}
}
