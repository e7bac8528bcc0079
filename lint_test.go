package flags

import (
	"strings"
	"testing"
)

// TestValidateCauses checks that Validate reports each problem once, with
// the cause compile found: a cohort entry that is not a filter, a duplicate
// key (even one whose text looks like a malformed flag's), and a malformed
// flag, reported by flag rather than again as a document warning.
func TestValidateCauses(t *testing.T) {
	doc := `{"flags":[
	  {"key":"k is malformed","active":true,"filters":{"groups":[]}},
	  {"key":"k is malformed","active":true,"filters":{"groups":[]}},
	  {"key":"bad","active":"yes","filters":{"groups":[]}}],
	 "cohorts":{"1":{"type":"AND","values":[{"key":"plan","value":"pro"},7]}}}`
	var got []string
	for _, p := range Validate([]byte(doc)) {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"has an entry that is a number, not a filter",
		`flag "k is malformed" is defined more than once`,
		`active is a string`,
	} {
		if strings.Count(all, want) != 1 {
			t.Errorf("want %q once in:\n%s", want, all)
		}
	}
	if strings.Contains(all, "unknown operator") || strings.Contains(all, `flag "bad" is malformed`) {
		t.Errorf("a cause was replaced or repeated:\n%s", all)
	}
}
