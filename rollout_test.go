package flags

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
)

// TestHashVectors checks bucket against the independently verified hashes of
// published with PostHog's hashing rules, which its server and SDK tests assert.
func TestHashVectors(t *testing.T) {
	var file struct {
		Vectors []struct {
			Input string  `json:"input"`
			Hex15 string  `json:"hex15"`
			Hash  float64 `json:"hash"`
		} `json:"vectors"`
	}
	readJSON(t, "testdata/vectors/hash.json", &file)
	if len(file.Vectors) < 16 {
		t.Fatalf("only %d hash vectors", len(file.Vectors))
	}
	for _, v := range file.Vectors {
		sum := sha1.Sum([]byte(v.Input))
		if got := hex.EncodeToString(sum[:])[:15]; got != v.Hex15 {
			t.Errorf("sha1(%q)[:15] = %s, want %s", v.Input, got, v.Hex15)
		}
		// The hash is exactly the 15 hex digits over 2^60; the decimal in
		// the table is printed to at least 15 significant digits.
		n, err := strconv.ParseUint(v.Hex15, 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		want := float64(n) / (1 << 60)
		if math.Abs(want-v.Hash) > 1e-15*want {
			t.Errorf("table entry for %q: %v does not match its hex digits (%v)", v.Input, v.Hash, want)
		}
		// Split the input anywhere: only the concatenation is hashed.
		mid := len(v.Input) / 2
		if got := bucket(v.Input[:mid], v.Input[mid:], ""); got != want {
			t.Errorf("bucket(%q) = %v, want %v", v.Input, got, want)
		}
	}
}

// TestSimpleFlagCalculation is posthog-go's: key "a", id "b" hashes to
// 0.4139..., inside 42% and outside 40%.
func TestSimpleFlagCalculation(t *testing.T) {
	if new(rolloutHash).out(0.42, "a.", "b") {
		t.Error("a.b should be inside a 42% rollout")
	}
	if !new(rolloutHash).out(0.40, "a.", "b") {
		t.Error("a.b should be outside a 40% rollout")
	}
}

// TestConsistencyVectors replays the 2 x 1000 vectors that posthog-python,
// posthog-node and posthog-go all assert through
// the public API.
func TestConsistencyVectors(t *testing.T) {
	var file struct {
		Simple struct {
			Flag     json.RawMessage `json:"flag"`
			Expected []bool          `json:"expected"`
		} `json:"simple"`
		Multivariate struct {
			Flag     json.RawMessage `json:"flag"`
			Expected []any           `json:"expected"`
		} `json:"multivariate"`
	}
	readJSON(t, "testdata/vectors/consistency.json", &file)
	if len(file.Simple.Expected) != 1000 || len(file.Multivariate.Expected) != 1000 {
		t.Fatalf("want 1000 + 1000 vectors, have %d + %d", len(file.Simple.Expected), len(file.Multivariate.Expected))
	}
	ctx := context.Background()
	simple := newTestClient(t, `{"flags":[`+string(file.Simple.Flag)+`]}`)
	multi := newTestClient(t, `{"flags":[`+string(file.Multivariate.Flag)+`]}`)
	trues := 0
	for i := 0; i < 1000; i++ {
		u := User{DistinctID: fmt.Sprintf("distinct_id_%d", i)}
		got := simple.IsEnabled(ctx, "simple-flag", u)
		if got != file.Simple.Expected[i] {
			t.Errorf("simple-flag for %s: got %v, want %v", u.DistinctID, got, file.Simple.Expected[i])
		}
		if got {
			trues++
		}
		r := multi.Evaluate(ctx, "multivariate-flag", u)
		if want := file.Multivariate.Expected[i]; r.Value() != want {
			t.Errorf("multivariate-flag for %s: got %v, want %v", u.DistinctID, r.Value(), want)
		}
	}
	if trues != 446 {
		t.Errorf("simple-flag: %d users in, the reference has 446", trues)
	}
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func newTestClient(t testing.TB, doc string, opts ...Option) *Client {
	t.Helper()
	c, err := New(append([]Option{WithSnapshot([]byte(doc))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
