package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/localflags/flags"
)

func get(t *testing.T, srv *httptest.Server, path string, header map[string]string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestCheckoutGate(t *testing.T) {
	c, err := flags.New(flags.WithSnapshotFile("../../testdata/snapshot.json"), flags.WithOverrides(map[string]any{"new-checkout": true}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newServer(c))
	defer srv.Close()
	if got := get(t, srv, "/checkout", map[string]string{"X-User-ID": "u1"}); got != "new checkout\n" {
		t.Errorf("with the flag on: %q", got)
	}
	if err := c.Override("new-checkout", false); err != nil {
		t.Fatal(err)
	}
	if got := get(t, srv, "/checkout", map[string]string{"X-User-ID": "u1"}); got != "classic checkout\n" {
		t.Errorf("with the flag off: %q", got)
	}
}

func TestPricingPayload(t *testing.T) {
	c, err := flags.New(flags.WithSnapshotFile("../../testdata/snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newServer(c))
	defer srv.Close()
	var body struct {
		Variant string `json:"variant"`
		Price   int    `json:"price"`
		Annual  bool   `json:"annual"`
	}
	// Staff emails always get the "test" variant (the flag's first condition).
	out := get(t, srv, "/pricing", map[string]string{"X-User-ID": "u1", "X-User-Email": "ada@posthog.com"})
	if err := json.Unmarshal([]byte(out), &body); err != nil || body.Variant != "test" || body.Price != 9 || !body.Annual {
		t.Errorf("staff pricing: %s (%v)", out, err)
	}
	// Without a distinct id the flag still evaluates; an override pins it.
	if err := c.Override("pricing-page", "control"); err != nil {
		t.Fatal(err)
	}
	out = get(t, srv, "/pricing", nil)
	if err := json.Unmarshal([]byte(out), &body); err != nil || body.Variant != "control" || body.Price != 12 {
		t.Errorf("overridden pricing: %s (%v)", out, err)
	}
}
