package flags

import (
	"context"
	"strings"
	"testing"

	"github.com/localflags/flags/internal/ecma"
)

// TestUnpairedSurrogates: JSON can hold half an emoji ("\ud83d"), which
// posthog-node compares code unit by code unit and Go would decode to
// U+FFFD. No such comparison may give a conclusive answer that differs from
// posthog-node's, so each is inconclusive with the cause (docs/semantics.md
// §4.7), and the rest of the document works as before.
func TestUnpairedSurrogates(t *testing.T) {
	doc := `{"flags":[
	  {"key":"contains","active":true,"filters":{"groups":[{"properties":[{"key":"v","operator":"icontains","value":"emoji \ud83d"}]}]}},
	  {"key":"regex","active":true,"filters":{"groups":[{"properties":[{"key":"v","operator":"regex","value":"^\ud83d"}]}]}},
	  {"key":"lt","active":true,"filters":{"groups":[{"properties":[{"key":"v","operator":"lt","value":"x\ude00"}]}]}},
	  {"key":"exact-list","active":true,"filters":{"groups":[{"properties":[{"key":"v","operator":"exact","value":["\ud83d","emoji 😀"]}]}]}},
	  {"key":"exact-after","active":true,"filters":{"groups":[{"properties":[{"key":"v","operator":"exact","value":["emoji 😀","\ud83d"]}]}]}},
	  {"key":"is-set","active":true,"filters":{"groups":[{"properties":[{"key":"v","operator":"is_set","value":"\ud83d"}]}]}},
	  {"key":"paired","active":true,"filters":{"groups":[{"properties":[{"key":"v","operator":"icontains","value":"emoji \ud83d\ude00"}]}],"payloads":{"true":"\"half \ud83d\""}}}]}`
	c := newTestClient(t, doc)
	ctx := context.Background()
	u := User{DistinctID: "u", Properties: map[string]any{"v": "emoji 😀"}}
	for key, want := range map[string]string{
		"contains":    "inconclusive",
		"regex":       "inconclusive",
		"lt":          "inconclusive",
		"exact-list":  "inconclusive", // posthog-node stops at the first item it cannot spell
		"exact-after": "matched",      // ...after an item that matched
		"is-set":      "matched",
		"paired":      "matched", // a whole pair is an ordinary emoji
	} {
		r := c.Evaluate(ctx, key, u)
		if r.Reason.String() != want {
			t.Errorf("%s: %v (%v), want %s", key, r.Reason, r.Err, want)
		}
		if want == "inconclusive" && !strings.Contains(errMsg(r.Err), "unpaired UTF-16 surrogate") {
			t.Errorf("%s: the cause should name the surrogate: %v", key, r.Err)
		}
	}
	// A payload is served as Go decodes it.
	if r := c.Evaluate(ctx, "paired", u); string(r.Payload) != "\"half \uFFFD\"" {
		t.Errorf("payload %q", r.Payload)
	}

	// A context value with an unpaired surrogate, as internal/evalio reads
	// one from JSON for flagctl eval and the conformance replay.
	lone := User{DistinctID: "u", Properties: map[string]any{"v": ecma.LoneSurrogates("emoji \uFDD0")}}
	r := c.Evaluate(ctx, "paired", lone)
	if r.Reason != ReasonInconclusive || !strings.Contains(errMsg(r.Err), "unpaired UTF-16 surrogate") {
		t.Errorf("a context string cut inside a pair: %v (%v)", r.Reason, r.Err)
	}
}
