package main

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestPollerExample builds and runs the example against a local stand-in
// for PostHog: it must poll with the keys from the environment, print the
// flag's value and payload, keep the definitions in FLAGS_CACHE, and stop on
// an interrupt.
func TestPollerExample(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("stops the example with os.Interrupt")
	}
	const doc = `{"flags":[{"key":"on","active":true,"filters":{"groups":[{"rollout_percentage":100}],"payloads":{"true":"{\"x\":1}"}}}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/flags/definitions" || r.URL.Query().Get("token") != "phc_test" || r.Header.Get("Authorization") != "Bearer phs_test" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		w.Write([]byte(doc))
	}))
	defer srv.Close()

	dir := t.TempDir()
	bin := filepath.Join(dir, "poller")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cache := filepath.Join(dir, "flags.cache")
	cmd := exec.Command(bin, "-flag", "on", "-user", "ada")
	cmd.Env = append(os.Environ(), "POSTHOG_HOST="+srv.URL, "POSTHOG_PROJECT_API_KEY=phc_test",
		"POSTHOG_SECRET_KEY=phs_test", "FLAGS_CACHE="+cache)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.HasPrefix(sc.Text(), "polling;") {
			break
		}
	}
	want := []string{"on for ada: true (matched)", `payload: {"x":1}`, "polling; press Ctrl-C to stop"}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("output:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after an interrupt: %v", err)
		}
	case <-time.After(30 * time.Second): // a hang guard, not a timing assertion
		cmd.Process.Kill()
		t.Fatal("the example did not stop on an interrupt")
	}
	// The poll was persisted by the time the client closed.
	if b, err := os.ReadFile(cache); err != nil || !strings.Contains(string(b), `"key":"on"`) {
		t.Errorf("FLAGS_CACHE: %v, %q", err, b)
	}
}
