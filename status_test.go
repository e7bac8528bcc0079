package flags

import (
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"
)

// TestStatusSources checks what Status says of bootstrapped and loaded
// definitions: the source, the load time from the client's clock and the
// document's fingerprint.
func TestStatusSources(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	boot, next := []byte(docOn("boot")), []byte(docOn("next"))
	c, err := New(WithSnapshot(boot), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if st := c.Status(); st.Source != SourceBootstrap || !st.LoadedAt.Equal(now) || st.Fingerprint != xxhash.Sum64(boot) {
		t.Errorf("after bootstrap: %+v", st)
	}
	now = now.Add(time.Hour)
	if err := c.Load(next); err != nil {
		t.Fatal(err)
	}
	if st := c.Status(); st.Source != SourceLoad || !st.LoadedAt.Equal(now) || st.Fingerprint != xxhash.Sum64(next) {
		t.Errorf("after Load: %+v", st)
	}
	if err := c.Load([]byte("{")); err == nil {
		t.Fatal("a broken document loaded")
	}
	if st := c.Status(); st.Source != SourceLoad || st.Fingerprint != xxhash.Sum64(next) || servedVersion(c) != "next" {
		t.Errorf("after a failed Load: %+v, serving %q", st, servedVersion(c))
	}
}
