package flags

import (
	"encoding/json"
	"fmt"
	"maps"
)

// Overrides fix a flag's value regardless of the definitions, for tests and
// for local development. They apply to the flag asked for (IsEnabled,
// Variant, Evaluate, EvaluateAll, Explain); flags that depend on an
// overridden flag still evaluate it from the definitions, as in
// posthog-node. To exercise dependencies, build real definitions (see the
// flagstest package).

// override is one fixed value.
type override struct {
	on      bool
	variant string
	payload json.RawMessage
	// hasPayload: a payload was given; otherwise the payload the
	// definitions attach to this value is used.
	hasPayload bool
}

// overrideSet is an immutable map of overrides; changes replace it.
type overrideSet map[string]override

// WithOverrides fixes the values of flags from the start: true or false, or
// a variant key. An override wins over evaluation, reports
// [ReasonOverride], and works for keys the definitions lack and before any
// definitions are loaded. New fails on a value of another type.
func WithOverrides(values map[string]any) Option {
	return func(c *config) error {
		set := make(overrideSet, len(values))
		for k, v := range values {
			o, err := newOverride(k, v, nil)
			if err != nil {
				return err
			}
			set[k] = o
		}
		c.overrides = set
		return nil
	}
}

func newOverride(key string, value any, payload []json.RawMessage) (override, error) {
	var o override
	switch v := value.(type) {
	case bool:
		o.on = v
	case string:
		if v == "" {
			return o, fmt.Errorf("flags: override of %q: a variant key must not be empty", key)
		}
		o.on, o.variant = true, v
	default:
		return o, fmt.Errorf("flags: override of %q: the value must be a bool or a variant key, not %T", key, value)
	}
	switch len(payload) {
	case 0:
	case 1:
		if payload[0] != nil && !json.Valid(payload[0]) {
			return o, fmt.Errorf("flags: override of %q: the payload is not valid JSON", key)
		}
		o.hasPayload = true
		if string(payload[0]) != "null" && payload[0] != nil {
			o.payload = clip(append(json.RawMessage(nil), payload[0]...))
		}
	default:
		return o, fmt.Errorf("flags: override of %q: at most one payload", key)
	}
	return o, nil
}

// Override fixes the value of the flag key while the client runs: true or
// false, or a variant key, optionally with a payload (JSON). Without a
// payload, the payload the definitions attach to that value is served. The
// key need not exist in the definitions. It is safe to call while other
// goroutines evaluate; they see the old or the new overrides, never a mix.
func (c *Client) Override(key string, value any, payload ...json.RawMessage) error {
	o, err := newOverride(key, value, payload)
	if err != nil {
		return err
	}
	c.ovMu.Lock()
	defer c.ovMu.Unlock()
	set := make(overrideSet, 1)
	if old := c.overrides.Load(); old != nil {
		set = maps.Clone(*old)
	}
	set[key] = o
	c.overrides.Store(&set)
	return nil
}

// ClearOverrides removes every override, including those of WithOverrides.
func (c *Client) ClearOverrides() {
	c.ovMu.Lock()
	defer c.ovMu.Unlock()
	c.overrides.Store(nil)
}

// ClearOverride removes the override of key, if there is one; the flag is
// evaluated from the definitions again.
func (c *Client) ClearOverride(key string) {
	c.ovMu.Lock()
	defer c.ovMu.Unlock()
	old := c.overrides.Load()
	if old == nil {
		return
	}
	if _, ok := (*old)[key]; !ok {
		return
	}
	if len(*old) == 1 {
		c.overrides.Store(nil)
		return
	}
	set := maps.Clone(*old)
	delete(set, key)
	c.overrides.Store(&set)
}

// result is the answer of the overridden key, with the payload the
// definitions s attach to its value unless the override has one.
func (set *overrideSet) result(key string, s *Snapshot) Result {
	o := (*set)[key]
	r := Result{Key: key, Enabled: o.on, Variant: o.variant, Reason: ReasonOverride, Condition: -1, Payload: o.payload}
	if !o.hasPayload && o.on && s != nil {
		r.Payload = s.payload(key, o.variant)
	}
	return r
}

// payload is the payload the definitions attach to a value of the flag
// key: its variant's, or the "true" payload.
func (s *Snapshot) payload(key, variant string) json.RawMessage {
	i, ok := s.byKey[key]
	if !ok {
		return nil
	}
	f := &s.flags[i]
	if variant == "" {
		return f.truePayload
	}
	for _, v := range f.variants {
		if v.key == variant {
			return v.payload
		}
	}
	if f.holdout != nil && f.holdout.variant == variant {
		return f.holdout.payload
	}
	return nil
}
