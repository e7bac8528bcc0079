package flags

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/localflags/flags/internal/ecma"
)

// PostHog stores each payload as a JSON-encoded string under the key of the
// value it belongs to: "true" for a boolean flag, or a variant key. This file
// turns a stored payload into the JSON posthog-node would hand back, once, at
// load time:
//
//   - a string holding valid JSON is that JSON ("{\"a\":1}" is {"a":1});
//   - a string that is not valid JSON is itself, as a JSON string;
//   - an empty string, or a stored value JavaScript treats as false (null,
//     false, 0), means no payload, and so does JSON null;
//   - any other stored value (a number, object or array stored without
//     encoding) is that value.

// compilePayload returns the payload for a stored value, or nil for none.
func compilePayload(stored any) (json.RawMessage, error) {
	p, err := compileStoredPayload(stored)
	if bytes.ContainsRune(p, ecma.LoneSurrogateMarker) {
		// A payload is served, not compared: an unpaired surrogate in it
		// reads as U+FFFD, as Go's decoder spells it.
		p = bytes.ReplaceAll(p, []byte(string(ecma.LoneSurrogateMarker)), []byte("\uFFFD"))
	}
	return p, err
}

func compileStoredPayload(stored any) (json.RawMessage, error) {
	switch x := stored.(type) {
	case nil:
		return nil, nil
	case string:
		if x == "" {
			return nil, nil
		}
		var buf bytes.Buffer
		if json.Compact(&buf, []byte(x)) != nil {
			return json.Marshal(x) // not JSON: the string itself
		}
		if bytes.Equal(buf.Bytes(), []byte("null")) {
			return nil, nil
		}
		return clip(buf.Bytes()), nil
	case bool:
		if !x {
			return nil, nil
		}
	case float64:
		if x == 0 {
			return nil, nil
		}
	}
	b, err := json.Marshal(stored)
	if err != nil {
		return nil, err
	}
	return clip(b), nil
}

// clip caps a slice's capacity at its length, so that a caller appending to
// a payload it was handed cannot write into memory the snapshot shares.
func clip(b []byte) []byte { return b[:len(b):len(b)] }

// PayloadAs decodes the payload of r into a value of type T. It returns an
// error wrapping r.Err when r has no value, and an error when the payload is
// absent or does not decode into T.
func PayloadAs[T any](r Result) (T, error) {
	var v T
	if r.Err != nil {
		return v, fmt.Errorf("flags: flag %q has no payload: %w", r.Key, r.Err)
	}
	if r.Payload == nil {
		return v, fmt.Errorf("flags: flag %q has no payload for value %v", r.Key, r.Value())
	}
	if err := json.Unmarshal(r.Payload, &v); err != nil {
		return v, fmt.Errorf("flags: decoding payload of flag %q: %w", r.Key, err)
	}
	return v, nil
}
