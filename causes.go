package flags

import (
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// This file builds the causes of inconclusive answers that depend on the
// caller's values, on the hot path's failure branch. Two rules shape it:
//
//   - A cause quotes at most maxQuoted bytes of a value, then says how long
//     the value was. A cause that quoted a 50 MiB property in full would cost
//     a 50 MiB allocation on every evaluation, and land in the caller's logs.
//   - A cause costs two allocations, its text and the error. Built with fmt,
//     each argument would be boxed as well.
//
// Causes that depend only on the definitions are built once, at load time,
// and cost nothing here.

// maxQuoted is how much of a value a cause quotes.
const maxQuoted = 120

// propertyCause is the cause `property "key" ` followed by text, its parts
// joined.
func propertyCause(key string, text ...string) *inconclusiveError {
	n := len(`property "" `) + len(key) + 8
	for _, t := range text {
		n += len(t)
	}
	b := make([]byte, 0, n)
	b = append(b, "property "...)
	b = strconv.AppendQuote(b, key)
	b = append(b, ' ')
	for _, t := range text {
		b = append(b, t...)
	}
	return causeOf(b)
}

// causeOf makes the error for the cause text b without copying it: b is
// not touched again, so the string may share its memory.
func causeOf(b []byte) *inconclusiveError {
	return &inconclusiveError{cause: unsafe.String(unsafe.SliceData(b), len(b))}
}

// propertyValueCause is the cause `property "key" ` followed by before,
// the value quoted as appendQuoted does, and after.
func propertyValueCause(key, before, value, after string) *inconclusiveError {
	b := make([]byte, 0, len(`property "" `)+len(key)+len(before)+min(len(value), maxQuoted)+len(after)+48)
	b = append(b, "property "...)
	b = strconv.AppendQuote(b, key)
	b = append(b, ' ')
	b = append(b, before...)
	b = appendQuoted(b, value)
	b = append(b, after...)
	return causeOf(b)
}

// appendQuoted appends s quoted as Go does, cut to its first maxQuoted
// bytes (at a character boundary) and marked with its length when longer:
//
//	"aaaa…"… (1048576 bytes)
func appendQuoted(dst []byte, s string) []byte {
	if len(s) <= maxQuoted {
		return strconv.AppendQuote(dst, s)
	}
	cut := maxQuoted
	for cut > maxQuoted-utf8.UTFMax && !utf8.RuneStart(s[cut]) {
		cut--
	}
	dst = strconv.AppendQuote(dst, s[:cut])
	dst = append(dst, "… ("...)
	dst = strconv.AppendInt(dst, int64(len(s)), 10)
	return append(dst, " bytes)"...)
}

// quoted is appendQuoted as a string, for the text of traces and logs.
func quoted(s string) string { return string(appendQuoted(nil, s)) }

// valueCause is the cause for a property whose value a walk gave up on, or
// that holds something with no spelling: why is the walker's phrase.
func valueCause(key, why string) *inconclusiveError {
	return propertyCause(key, "holds ", why)
}
