// Package evalio is the line format of `flagctl eval`: one JSON case in, one
// JSON result out. The conformance suite uses the same format, so the
// command and the tests read and write cases identically.
package evalio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/localflags/flags"
	"github.com/localflags/flags/internal/ecma"
)

// markValues turns every string of m (nested ones included) that held an
// unpaired surrogate into an ecma.LoneSurrogates.
func markValues(m map[string]any) {
	for k, v := range m {
		m[k] = markValue(v)
	}
}

func markValue(v any) any {
	switch x := v.(type) {
	case string:
		if ecma.HasLoneSurrogate(x) {
			return ecma.LoneSurrogates(x)
		}
	case []any:
		for i, e := range x {
			x[i] = markValue(e)
		}
	case map[string]any:
		markValues(x)
	}
	return v
}

// Case is one input line: a context, and the flag to evaluate, or every
// flag when the line has no "flag" field.
type Case struct {
	Flag             string                    `json:"flag,omitempty"`
	AllFlags         bool                      `json:"-"` // the line has no "flag" field
	DistinctID       string                    `json:"distinct_id"`
	DeviceID         string                    `json:"device_id,omitempty"`
	PersonProperties map[string]any            `json:"person_properties,omitempty"`
	Groups           map[string]string         `json:"groups,omitempty"`
	GroupProperties  map[string]map[string]any `json:"group_properties,omitempty"`
}

// ParseCase decodes one input line. Numbers keep their spelling
// (json.Number), so a value such as 1e400 reaches the evaluator as written.
func ParseCase(line []byte) (Case, error) {
	var c Case
	// An unpaired surrogate in a property value reaches the client as an
	// ecma.LoneSurrogates, which no filter compares (see internal/ecma).
	line, marked := ecma.MarkLoneSurrogates(line)
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&c); err != nil {
		return Case{}, fmt.Errorf("not a case: %w", err)
	}
	if dec.More() {
		return Case{}, errors.New("not a case: more than one JSON value on the line")
	}
	var presence struct {
		Flag *string `json:"flag"`
	}
	if err := json.Unmarshal(line, &presence); err != nil {
		return Case{}, fmt.Errorf("not a case: %w", err)
	}
	c.AllFlags = presence.Flag == nil
	if marked {
		markValues(c.PersonProperties)
		for _, props := range c.GroupProperties {
			markValues(props)
		}
	}
	return c, nil
}

// User builds the flags.User of the case. Group properties of a group the
// case does not belong to are ignored, as posthog-node ignores them.
func (c Case) User() flags.User {
	u := flags.User{DistinctID: c.DistinctID, DeviceID: c.DeviceID, Properties: c.PersonProperties}
	if len(c.Groups) > 0 {
		u.Groups = make(map[string]flags.Group, len(c.Groups))
		for name, key := range c.Groups {
			u.Groups[name] = flags.Group{Key: key, Properties: c.GroupProperties[name]}
		}
	}
	return u
}

// Single is the output line for one flag.
type Single struct {
	Flag         string          `json:"flag"`
	Value        any             `json:"value"` // true, false, a variant, or nil when undecided
	Payload      json.RawMessage `json:"payload"`
	Reason       string          `json:"reason"`
	Inconclusive bool            `json:"inconclusive"`
	Error        *string         `json:"error"`
}

// FromResult converts a flags.Result into its output line.
func FromResult(r flags.Result) Single {
	s := Single{Flag: r.Key, Reason: r.Reason.String(), Inconclusive: r.Reason == flags.ReasonInconclusive}
	if r.Conclusive() {
		s.Value = r.Value()
		s.Payload = r.Payload
	}
	if s.Payload == nil {
		s.Payload = json.RawMessage("null")
	}
	if r.Err != nil {
		msg := r.Err.Error()
		s.Error = &msg
	}
	return s
}

// All is the output line for every flag. Undecided flags are left out of
// Flags and listed in Inconclusive; Payloads holds the payloads of decided
// flags that have one.
type All struct {
	Flags        map[string]any             `json:"flags"`
	Payloads     map[string]json.RawMessage `json:"payloads"`
	Inconclusive []string                   `json:"inconclusive"`
}

// FromResults converts the map EvaluateAll returns into its output line.
func FromResults(rs map[string]flags.Result) All {
	a := All{Flags: map[string]any{}, Payloads: map[string]json.RawMessage{}, Inconclusive: []string{}}
	for k, r := range rs {
		if !r.Conclusive() {
			if r.Reason == flags.ReasonInconclusive {
				a.Inconclusive = append(a.Inconclusive, k)
			}
			continue
		}
		a.Flags[k] = r.Value()
		if r.Payload != nil {
			a.Payloads[k] = r.Payload
		}
	}
	sort.Strings(a.Inconclusive)
	return a
}
