package evalio

import (
	"testing"

	"github.com/localflags/flags/internal/ecma"
)

// TestParseCaseMarksLoneSurrogates: a property string cut inside a
// surrogate pair reaches the client as ecma.LoneSurrogates, at any depth;
// whole pairs and other strings are untouched.
func TestParseCaseMarksLoneSurrogates(t *testing.T) {
	c, err := ParseCase([]byte(`{"flag":"f","distinct_id":"u","person_properties":{"a":"emoji \ud83d","b":["x\ude00",{"k":"\ud83d"}],"c":"emoji \ud83d\ude00"},` +
		`"groups":{"company":"acme"},"group_properties":{"company":{"d":"\ud83d"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	p := c.PersonProperties
	if _, ok := p["a"].(ecma.LoneSurrogates); !ok {
		t.Errorf("a: %T", p["a"])
	}
	list := p["b"].([]any)
	if _, ok := list[0].(ecma.LoneSurrogates); !ok {
		t.Errorf("b[0]: %T", list[0])
	}
	if _, ok := list[1].(map[string]any)["k"].(ecma.LoneSurrogates); !ok {
		t.Errorf("b[1].k: %T", list[1].(map[string]any)["k"])
	}
	if p["c"] != "emoji 😀" {
		t.Errorf("c: %#v", p["c"])
	}
	if _, ok := c.GroupProperties["company"]["d"].(ecma.LoneSurrogates); !ok {
		t.Errorf("a group property: %T", c.GroupProperties["company"]["d"])
	}
}
