package ecma

import (
	"encoding/json"
	"testing"
)

func TestMarkLoneSurrogates(t *testing.T) {
	for in, want := range map[string]string{
		`"plain"`:                       `"plain"`,
		`"emoji \ud83d\ude00"`:          `"emoji \ud83d\ude00"`, // a pair
		`"emoji \ud83d"`:                `"emoji \ufdd0"`,       // a high alone
		`"\ude00 tail"`:                 `"\ufdd0 tail"`,        // a low alone
		`"\ud83d\ud83d\ude00"`:          `"\ufdd0\ud83d\ude00"`, // a high, then a pair
		`"\\ud83d"`:                     `"\\ud83d"`,            // an escaped backslash, not an escape
		`{"\ud83d":"x","k":["\uD83D"]}`: `{"\ufdd0":"x","k":["\ufdd0"]}`,
		`"\u00e9 \ud83d" "\ude00"`:      `"\u00e9 \ufdd0" "\ufdd0"`, // no pair across strings
		`"\ud83d\u0041"`:                `"\ufdd0\u0041"`,
		`"truncated \ud83`:              `"truncated \ud83`,
	} {
		got, changed := MarkLoneSurrogates([]byte(in))
		if string(got) != want || changed != (in != want) {
			t.Errorf("%s: %s (changed %v), want %s", in, got, changed, want)
		}
	}
	// What a mark decodes to.
	got, _ := MarkLoneSurrogates([]byte(`"a\ud83d"`))
	var s string
	if err := json.Unmarshal(got, &s); err != nil || !HasLoneSurrogate(s) || DecodedAsGo(s) != "a\uFFFD" {
		t.Errorf("%q, %v", s, err)
	}
	// No escape: the document itself, not a copy.
	doc := []byte(`{"flags":[]}`)
	if got, changed := MarkLoneSurrogates(doc); changed || &got[0] != &doc[0] {
		t.Error("a document without escapes was copied")
	}
}
