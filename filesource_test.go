package flags

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFileSourceConfirms checks that a check which finds the file unchanged
// still counts as the source confirming the definitions (Status.CheckedAt),
// and that one which finds it unchanged but broken does not.
func TestFileSourceConfirms(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.json")
	if err := os.WriteFile(path, []byte(docOn("v1")), 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := newClock()
	c, err := New(WithFileSource(path, time.Second), withClock(k), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	k.next(t)
	first := c.Status().CheckedAt
	if first.IsZero() {
		t.Fatal("the first read did not set CheckedAt")
	}
	now = now.Add(time.Minute)
	k.poll(t) // same content
	if got := c.Status().CheckedAt; !got.Equal(now) {
		t.Errorf("CheckedAt after an unchanged read: %v, want %v", got, now)
	}
	if err := os.WriteFile(path, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	k.poll(t) // broken: reported
	now = now.Add(time.Minute)
	k.poll(t) // still broken, unchanged: not a confirmation
	if st := c.Status(); !st.CheckedAt.Equal(now.Add(-time.Minute)) || st.LastError == nil || servedVersion(c) != "v1" {
		t.Errorf("after the file broke: CheckedAt %v, error %v, serving %q", st.CheckedAt, st.LastError, servedVersion(c))
	}
}
