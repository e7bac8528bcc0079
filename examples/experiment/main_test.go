package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestExperiment runs the example: every user gets a variant, and the
// stand-in receives exactly one exposure per user, with that variant.
func TestExperiment(t *testing.T) {
	var out bytes.Buffer
	if err := run("../../testdata/snapshot.json", &out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		`user-1 sees the "test" pricing page`, // @posthog.com is pinned to test
		"PostHog received $feature_flag_called: user-1 saw pricing-page = test",
		"exposures: 3 sent, 0 dropped",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	for _, user := range []string{"user-1", "user-2", "user-3"} {
		if n := strings.Count(text, "PostHog received $feature_flag_called: "+user+" "); n != 1 {
			t.Errorf("%s: %d exposures received, want 1:\n%s", user, n, text)
		}
		// The exposure carries the variant the user was shown.
		shown := text[strings.Index(text, user+` sees the "`)+len(user+` sees the "`):]
		shown = shown[:strings.IndexByte(shown, '"')]
		if !strings.Contains(text, "PostHog received $feature_flag_called: "+user+" saw pricing-page = "+shown+"\n") {
			t.Errorf("%s was shown %q, but its exposure says otherwise:\n%s", user, shown, text)
		}
	}
}
