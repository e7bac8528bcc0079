package flags

import (
	"encoding/json"
	"fmt"
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
	case ecma.LoneSurrogates:
		return scalar{kind: kindUnsupported, raw: v}
	}
	return readNamed(v)
}

// readNamed reads a value of a named type whose underlying type is a
// supported one, such as type Plan string, as that type: it compares like
// its kind. The reflection this needs runs only here, for values that are
// not of a supported type itself; anything else is unsupported.
func readNamed(v any) scalar {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return scalar{kind: kindString, str: rv.String()}
	case reflect.Bool:
		return scalar{kind: kindBool, b: rv.Bool()}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return scalar{kind: kindNumber, num: float64(rv.Int())}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return scalar{kind: kindNumber, num: float64(rv.Uint())}
	case reflect.Float32:
		return readValue(float32(rv.Float()))
	case reflect.Float64:
		return scalar{kind: kindNumber, num: rv.Float()}
	case reflect.Slice, reflect.Map:
		// A named []any, []string or map[string]any.
		for _, t := range compositeTypes {
			if rv.Type().ConvertibleTo(t) && rv.Type().Elem() == t.Elem() && (rv.Kind() != reflect.Map || rv.Type().Key() == t.Key()) {
				return readValue(rv.Convert(t).Interface())
			}
		}
	}
	return scalar{kind: kindUnsupported, raw: v}
}

var compositeTypes = []reflect.Type{reflect.TypeFor[[]any](), reflect.TypeFor[[]string](), reflect.TypeFor[map[string]any]()}

func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// unsupportedType is the cause reported for a property value of a Go type
// this library does not map to JSON.
func unsupportedType(key string, v any) *inconclusiveError {
	if _, ok := v.(ecma.LoneSurrogates); ok {
		return propertyCause(key, "holds ", whyLoneSurrogate)
	}
	if n, ok := v.(json.Number); ok {
		return propertyValueCause(key, "holds json.Number ", string(n), ", which is not a number")
	}
	return propertyCause(key, "has unsupported type ", typeName(v))
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
//
// A property value comes from the caller's code, so it can be anything Go
// can build: a map that holds itself, one map shared at every level of a
// tree 40 levels deep (2^40 paths to walk), or a slice nested a million
// levels deep. Walked without a bound, the first two never end and the
// third overflows the goroutine's stack, a fatal error that no recover
// catches. Every walk of a composite property value therefore counts what
// it does, and stops past MaxValueDepth levels, MaxValueElements elements
// (a shared part counts each time it is reached) or MaxValueBytes of
// spelling; the filter is then inconclusive, with a cause that names the
// limit. A value that contains itself is one way of being too deep.
//
// The walkers return why they stopped as a phrase ("a value nested more
// than..."), or "" when they did not; the phrase becomes part of the cause.

// walk bounds one walk of a value. The zero value bounds a property value.
// Filter values are walked with unbounded set: they are decoded from a
// document of bounded size, so they cannot share parts or contain
// themselves, and encoding/json bounds their nesting.
type walk struct {
	elements  int
	unbounded bool
}

var (
	whyTooDeep = fmt.Sprintf("a value nested more than %d levels deep, or one that contains itself (MaxValueDepth)", MaxValueDepth)
	whyTooMany = fmt.Sprintf("a value of more than %d elements, counting a shared part each time it is reached (MaxValueElements)", MaxValueElements)
	whyTooLong = fmt.Sprintf("a value whose spelling is longer than %d bytes (MaxValueBytes)", MaxValueBytes)
)

// enter accounts for a composite of n elements at depth (0 for the value
// itself, 1 for its elements...) and says why the walk must stop there, or
// "". Counting all n on entry rejects a ten-million-element slice at once.
func (w *walk) enter(depth, n int) string {
	if w.unbounded {
		return ""
	}
	w.elements += n
	switch {
	case depth >= MaxValueDepth:
		return whyTooDeep
	case w.elements > MaxValueElements:
		return whyTooMany
	}
	return ""
}

// room says why dst must not grow by n bytes, or "". Only strings can make
// a spelling long: every other element adds at most a few dozen bytes, and
// there are at most MaxValueElements of them.
func (w *walk) room(dst []byte, n int) string {
	if !w.unbounded && len(dst)+n > MaxValueBytes {
		return whyTooLong
	}
	return ""
}

// unsupportedWhy is the phrase for a value of a type with no JavaScript
// counterpart. It allocates, and is only built on that failure.
func unsupportedWhy(v any) string {
	if _, ok := v.(ecma.LoneSurrogates); ok {
		return whyLoneSurrogate
	}
	return "a value of unsupported type " + typeName(v)
}

const whyLoneSurrogate = "a string with an unpaired UTF-16 surrogate, which posthog-node compares code unit by code unit (docs/semantics.md §4.7)"

// appendString appends String(v) for the property value s, as
// posthog-node's text operators see it.
func appendString(dst []byte, s scalar) ([]byte, string) {
	var w walk
	return w.appendString(dst, s, 0)
}

func (w *walk) appendString(dst []byte, s scalar, depth int) ([]byte, string) {
	switch s.kind {
	case kindString:
		if why := w.room(dst, len(s.str)); why != "" {
			return dst, why
		}
		return append(dst, s.str...), ""
	case kindNull:
		return append(dst, "null"...), ""
	case kindBool:
		return strconv.AppendBool(dst, s.b), ""
	case kindNumber:
		return ecma.AppendNumber(dst, s.num), ""
	case kindUndefined:
		return append(dst, "undefined"...), ""
	case kindDate:
		return appendISO(dst, s.raw.(time.Time)), ""
	case kindObject:
		if why := w.supported(s, depth); why != "" {
			return dst, why
		}
		return append(dst, "[object Object]"...), ""
	case kindArray:
		// Elements are joined with commas; null and undefined elements are
		// empty, and nested arrays are flattened the same way.
		switch a := s.raw.(type) {
		case []string:
			if why := w.enter(depth, len(a)); why != "" {
				return dst, why
			}
			for i, e := range a {
				if i > 0 {
					dst = append(dst, ',')
				}
				if why := w.room(dst, len(e)); why != "" {
					return dst, why
				}
				dst = append(dst, e...)
			}
			return dst, ""
		case []any:
			if why := w.enter(depth, len(a)); why != "" {
				return dst, why
			}
			for i, e := range a {
				if i > 0 {
					dst = append(dst, ',')
				}
				es := readValue(e)
				if es.kind == kindNull || es.kind == kindUndefined {
					continue
				}
				var why string
				if dst, why = w.appendString(dst, es, depth+1); why != "" {
					return dst, why
				}
			}
			return dst, ""
		}
	}
	return dst, unsupportedWhy(s.raw)
}

// appendJSON appends the JSON exact compares for the property value s:
// object keys sorted by code point, no integral or non-finite numbers,
// valid UTF-8 only (posthog-core's serializeJsonValue).
func appendJSON(dst []byte, s scalar) ([]byte, string) {
	var w walk
	return w.appendJSON(dst, s, 0)
}

func (w *walk) appendJSON(dst []byte, s scalar, depth int) ([]byte, string) {
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
		return w.appendQuote(dst, s.str)
	case kindDate:
		dst = append(dst, '"')
		return append(appendISO(dst, s.raw.(time.Time)), '"'), ""
	case kindArray:
		var why string
		switch a := s.raw.(type) {
		case []string:
			if why = w.enter(depth, len(a)); why != "" {
				return dst, why
			}
			dst = append(dst, '[')
			for i, e := range a {
				if i > 0 {
					dst = append(dst, ',')
				}
				if dst, why = w.appendQuote(dst, e); why != "" {
					return dst, why
				}
			}
		case []any:
			if why = w.enter(depth, len(a)); why != "" {
				return dst, why
			}
			dst = append(dst, '[')
			for i, e := range a {
				if i > 0 {
					dst = append(dst, ',')
				}
				if dst, why = w.appendJSON(dst, readValue(e), depth+1); why != "" {
					return dst, why
				}
			}
		}
		return append(dst, ']'), ""
	case kindObject:
		m := s.raw.(map[string]any)
		if why := w.enter(depth, len(m)); why != "" {
			return dst, why
		}
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
			var why string
			if dst, why = w.appendQuote(dst, k); why != "" {
				return dst, why
			}
			dst = append(dst, ':')
			if dst, why = w.appendJSON(dst, readValue(m[k]), depth+1); why != "" {
				return dst, why
			}
		}
		return append(dst, '}'), ""
	}
	return dst, unsupportedWhy(s.raw)
}

// appendQuote appends s as a JSON string. Escapes can make the spelling
// up to six times longer than s, so the room is checked again after.
func (w *walk) appendQuote(dst []byte, s string) ([]byte, string) {
	if !utf8.ValidString(s) {
		return dst, "a string that is not valid UTF-8"
	}
	if ecma.HasLoneSurrogate(s) {
		return dst, whyLoneSurrogate
	}
	if why := w.room(dst, len(s)+2); why != "" {
		return dst, why
	}
	dst = ecma.AppendQuote(dst, s)
	return dst, w.room(dst, 0)
}

// truthy is posthog-core's isTruthyPropertyValue: true, "true" in any
// case, or a list whose items are all truthy. It walks without bounds of
// its own, so it is only given filter values and property values that
// representable accepted: those are bounded already.
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

// representable says why the property value s has no JSON spelling
// (posthog-core's assertJsonRepresentable: finite numbers, valid strings
// and keys, supported types throughout), or "" when it has one.
func representable(s scalar) string {
	var w walk
	return w.representable(s, 0)
}

func (w *walk) representable(s scalar, depth int) string {
	switch s.kind {
	case kindString:
		if !utf8.ValidString(s.str) {
			return "a string that is not valid UTF-8"
		}
		return ""
	case kindNumber:
		if !isFinite(s.num) {
			return "the non-finite number " + ecma.FormatNumber(s.num)
		}
		return ""
	case kindNull, kindBool, kindDate:
		return ""
	case kindArray:
		switch a := s.raw.(type) {
		case []string:
			if why := w.enter(depth, len(a)); why != "" {
				return why
			}
			for _, e := range a {
				if !utf8.ValidString(e) {
					return "a string that is not valid UTF-8"
				}
			}
		case []any:
			if why := w.enter(depth, len(a)); why != "" {
				return why
			}
			for _, e := range a {
				if why := w.representable(readValue(e), depth+1); why != "" {
					return why
				}
			}
		}
		return ""
	case kindObject:
		m := s.raw.(map[string]any)
		if why := w.enter(depth, len(m)); why != "" {
			return why
		}
		for k, e := range m {
			if !utf8.ValidString(k) {
				return "an object key that is not valid UTF-8"
			}
			if why := w.representable(readValue(e), depth+1); why != "" {
				return why
			}
		}
		return ""
	}
	return unsupportedWhy(s.raw)
}

// supported says why the value s, or something inside it, is of a type
// with no JavaScript counterpart, or returns "".
func (w *walk) supported(s scalar, depth int) string {
	switch s.kind {
	case kindUnsupported:
		return unsupportedWhy(s.raw)
	case kindArray, kindObject:
		switch x := s.raw.(type) {
		case []any:
			if why := w.enter(depth, len(x)); why != "" {
				return why
			}
			for _, e := range x {
				if why := w.supported(readValue(e), depth+1); why != "" {
					return why
				}
			}
		case map[string]any:
			if why := w.enter(depth, len(x)); why != "" {
				return why
			}
			for _, e := range x {
				if why := w.supported(readValue(e), depth+1); why != "" {
					return why
				}
			}
		}
	}
	return ""
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

// jsString returns String(v) for a canonical filter value. Filter values
// hold supported types only, so there is no failure to report.
func jsString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	w := walk{unbounded: true}
	b, _ := w.appendString(nil, readValue(v), 0)
	return string(b)
}

// scalarString returns String(v) for a property value: a string as it is,
// anything else written into buf, which the result then aliases (so the
// caller must not keep it). why says why the value has no spelling (an
// unsupported type inside it, or a walk over its limits), or is "".
func scalarString(s scalar, buf []byte) (str, why string) {
	if s.kind == kindString {
		return s.str, ""
	}
	b, why := appendString(buf[:0], s)
	return bytesString(b), why
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
