package flags

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/localflags/flags/internal/ecma"
)

// This file models the JavaScript values posthog-node compares. Filter values
// come from the definitions document and are converted once, at load time,
// into the canonical forms nil, bool, float64, string, []any and
// map[string]any (plus undefined for an absent field). Property values come
// from the caller as Go values and are read in place, composites included,
// without converting or allocating.

// undefined is the JavaScript undefined: a field that is absent.
type undefined struct{}

// jsKind classifies a value as JavaScript's typeof would see it.
type jsKind uint8

const (
	kindUndefined jsKind = iota
	kindNull
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
	kindDate        // a time.Time property value: a JavaScript Date
	kindUnsupported // a Go type this library does not map to a JavaScript value
)

// scalar is a property value read without allocating: its kind, and for
// scalars the value itself. Composite values keep the original in raw.
type scalar struct {
	kind jsKind
	b    bool
	num  float64
	str  string
	raw  any
}

// readValue classifies v. It never allocates for scalars.
func readValue(v any) scalar {
	switch x := v.(type) {
	case nil:
		return scalar{kind: kindNull}
	case string:
		return scalar{kind: kindString, str: x}
	case bool:
		return scalar{kind: kindBool, b: x}
	case float64:
		return scalar{kind: kindNumber, num: x}
	case int:
		return scalar{kind: kindNumber, num: float64(x)}
	case int64:
		return scalar{kind: kindNumber, num: float64(x)}
	case int32:
		return scalar{kind: kindNumber, num: float64(x)}
	case int16:
		return scalar{kind: kindNumber, num: float64(x)}
	case int8:
		return scalar{kind: kindNumber, num: float64(x)}
	case uint:
		return scalar{kind: kindNumber, num: float64(x)}
	case uint64:
		return scalar{kind: kindNumber, num: float64(x)}
	case uint32:
		return scalar{kind: kindNumber, num: float64(x)}
	case uint16:
		return scalar{kind: kindNumber, num: float64(x)}
	case uint8:
		return scalar{kind: kindNumber, num: float64(x)}
	case uintptr:
		return scalar{kind: kindNumber, num: float64(x)}
	case float32:
		// The shortest decimal spelling, so float32(0.1) reads as 0.1 rather
		// than 0.10000000149011612.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
		return scalar{kind: kindNumber, num: f}
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil && !isRangeError(err) {
			return scalar{kind: kindUnsupported, raw: v}
		}
		return scalar{kind: kindNumber, num: f} // overflow reads as ±Inf, as JSON.parse does
	case []any, []string:
		return scalar{kind: kindArray, raw: v}
	case map[string]any:
		return scalar{kind: kindObject, raw: v}
	case time.Time:
		return scalar{kind: kindDate, raw: v}
	case undefined:
		return scalar{kind: kindUndefined, raw: v}
	}
	return scalar{kind: kindUnsupported, raw: v}
}

func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// unsupportedType is the cause reported for a property value of a Go type
// this library does not map to JSON.
func unsupportedType(key string, v any) *inconclusiveError {
	if n, ok := v.(json.Number); ok {
		return inconclusive("property %q holds json.Number %q, which is not a number", key, string(n))
	}
	return inconclusive("property %q has unsupported type %s", key, typeName(v))
}

func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}

// Values are spelled, tested for truthiness and checked for a JSON spelling
// from a scalar (readValue's result), so that the evaluator, which has read
// a property already, and the compiler, which has canonical filter values,
// share one implementation. Composites ([]any, []string, map[string]any)
// are walked in place, never converted.

// appendString appends String(v) for the value s. ok is false for an
// unsupported type, anywhere inside it.
func appendString(dst []byte, s scalar) ([]byte, bool) {
	switch s.kind {
	case kindString:
		return append(dst, s.str...), true
	case kindNull:
		return append(dst, "null"...), true
	case kindBool:
		return strconv.AppendBool(dst, s.b), true
	case kindNumber:
		return ecma.AppendNumber(dst, s.num), true
	case kindUndefined:
		return append(dst, "undefined"...), true
	case kindDate:
		return appendISO(dst, s.raw.(time.Time)), true
	case kindObject:
		if !supported(s) {
			return dst, false
		}
		return append(dst, "[object Object]"...), true
	case kindArray:
		// Elements are joined with commas; null and undefined elements are
		// empty, and nested arrays are flattened the same way.
		switch a := s.raw.(type) {
		case []string:
			for i, e := range a {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, e...)
			}
			return dst, true
		case []any:
			for i, e := range a {
				if i > 0 {
					dst = append(dst, ',')
				}
				es := readValue(e)
				if es.kind == kindNull || es.kind == kindUndefined {
					continue
				}
				var ok bool
				if dst, ok = appendString(dst, es); !ok {
					return dst, false
				}
			}
			return dst, true
		}
	}
	return dst, false
}

// appendJSON appends the JSON exact compares for the value s: object keys
// sorted by code point, no integral or non-finite numbers, valid UTF-8 only
// (posthog-core's serializeJsonValue). why is non-empty when the value has
// no such spelling.
func appendJSON(dst []byte, s scalar) ([]byte, string) {
	switch s.kind {
	case kindNull:
		return append(dst, "null"...), ""
	case kindBool:
		return strconv.AppendBool(dst, s.b), ""
	case kindNumber:
		if why := numberProblem(s.num); why != "" {
			return dst, why
		}
		return ecma.AppendNumber(dst, s.num), ""
	case kindString:
		if !utf8.ValidString(s.str) {
			return dst, "a string that is not valid UTF-8"
		}
		return ecma.AppendQuote(dst, s.str), ""
	case kindDate:
		dst = append(dst, '"')
		return append(appendISO(dst, s.raw.(time.Time)), '"'), ""
	case kindArray:
		dst = append(dst, '[')
		var why string
		switch a := s.raw.(type) {
		case []string:
			for i, e := range a {
				if i > 0 {
					dst = append(dst, ',')
				}
				if dst, why = appendJSON(dst, scalar{kind: kindString, str: e}); why != "" {
					return dst, why
				}
			}
		case []any:
			for i, e := range a {
				if i > 0 {
					dst = append(dst, ',')
				}
				if dst, why = appendJSON(dst, readValue(e)); why != "" {
					return dst, why
				}
			}
		}
		return append(dst, ']'), ""
	case kindObject:
		m := s.raw.(map[string]any)
		var stack [16]string
		keys := stack[:0]
		for k := range m {
			if !utf8.ValidString(k) {
				return dst, "an object key that is not valid UTF-8"
			}
			keys = append(keys, k)
		}
		slices.Sort(keys) // code point order is UTF-8 byte order
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = ecma.AppendQuote(dst, k)
			dst = append(dst, ':')
			var why string
			if dst, why = appendJSON(dst, readValue(m[k])); why != "" {
				return dst, why
			}
		}
		return append(dst, '}'), ""
	}
	return dst, "a value of unsupported type " + typeName(s.raw)
}

// truthy is posthog-core's isTruthyPropertyValue: true, "true" in any
// case, or a list whose items are all truthy.
func truthy(s scalar) bool {
	switch s.kind {
	case kindBool:
		return s.b
	case kindString:
		return ecma.EqualLower(s.str, "true")
	case kindArray:
		switch a := s.raw.(type) {
		case []string:
			for _, e := range a {
				if !ecma.EqualLower(e, "true") {
					return false
				}
			}
		case []any:
			for _, e := range a {
				if !truthy(readValue(e)) {
					return false
				}
			}
		}
		return true
	}
	return false
}

// representable reports whether the value s has a JSON spelling
// (posthog-core's assertJsonRepresentable): finite numbers, valid strings
// and keys, supported types throughout.
func representable(s scalar) bool {
	switch s.kind {
	case kindString:
		return utf8.ValidString(s.str)
	case kindNumber:
		return isFinite(s.num)
	case kindNull, kindBool, kindDate:
		return true
	case kindArray:
		switch a := s.raw.(type) {
		case []string:
			for _, e := range a {
				if !utf8.ValidString(e) {
					return false
				}
			}
		case []any:
			for _, e := range a {
				if !representable(readValue(e)) {
					return false
				}
			}
		}
		return true
	case kindObject:
		for k, e := range s.raw.(map[string]any) {
			if !utf8.ValidString(k) || !representable(readValue(e)) {
				return false
			}
		}
		return true
	}
	return false
}

// supported reports whether the value s and everything inside it are of
// supported types.
func supported(s scalar) bool {
	switch s.kind {
	case kindUnsupported:
		return false
	case kindArray, kindObject:
		switch x := s.raw.(type) {
		case []any:
			for _, e := range x {
				if !supported(readValue(e)) {
					return false
				}
			}
		case map[string]any:
			for _, e := range x {
				if !supported(readValue(e)) {
					return false
				}
			}
		}
	}
	return true
}

// bytesString views b as a string without copying. It is only used for
// strings handed to functions that do not keep them (the ecma comparisons),
// while b, a buffer on the caller's stack, is neither modified nor gone.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// appendISO appends what JSON.stringify writes for a Date: UTC, millisecond
// precision.
func appendISO(dst []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000Z")
}

// jsString returns String(v) for a canonical filter value.
func jsString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := appendString(nil, readValue(v))
	return string(b)
}

// scalarString returns String(v) for a property value: a string as it is,
// anything else written into buf, which the result then aliases (so the
// caller must not keep it). ok is false for unsupported types.
func scalarString(s scalar, buf []byte) (string, bool) {
	if s.kind == kindString {
		return s.str, true
	}
	b, ok := appendString(buf[:0], s)
	return bytesString(b), ok
}

// jsTruthy is JavaScript's ToBoolean for a canonical value.
func jsTruthy(v any) bool {
	switch x := v.(type) {
	case nil, undefined:
		return false
	case bool:
		return x
	case float64:
		return x != 0 && !math.IsNaN(x)
	case string:
		return x != ""
	}
	return true
}

// numberProblem says why exact cannot spell a number, or "".
func numberProblem(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "the non-finite number " + ecma.FormatNumber(x)
	}
	if x == math.Trunc(x) {
		return "the integer " + ecma.FormatNumber(x) + " (posthog-node cannot tell it from " + ecma.FormatNumber(x) + ".0)"
	}
	return ""
}

// fromJSON converts a value decoded by encoding/json with UseNumber into the
// canonical model: json.Number becomes float64 (overflow is ±Inf, as in
// JSON.parse).
func fromJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	case []any:
		for i, e := range x {
			x[i] = fromJSON(e)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = fromJSON(e)
		}
	}
	return v
}
