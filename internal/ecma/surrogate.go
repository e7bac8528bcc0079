package ecma

import (
	"bytes"
	"strings"
)

// JSON can hold an unpaired UTF-16 surrogate, such as "\ud83d": the first
// half of an emoji, cut off. JavaScript keeps it as a code unit and compares
// strings code unit by code unit, so in posthog-node "emoji \ud83d" is a
// prefix of "emoji 😀". Go's decoder turns the escape into U+FFFD, which
// would answer such comparisons differently. Rather than compare UTF-16,
// the library keeps the surrogate visible, as LoneSurrogateMarker, and
// leaves every comparison that reads one inconclusive.

// LoneSurrogateMarker stands for an unpaired surrogate in decoded text. It
// is U+FDD0, a noncharacter, which interchanged text does not carry.
const LoneSurrogateMarker = '\uFDD0'

// LoneSurrogates is a property value that held an unpaired surrogate (as
// LoneSurrogateMarker). The library treats it as a value it cannot compare.
type LoneSurrogates string

// MarkLoneSurrogates rewrites, in the JSON text doc, every \u escape of an
// unpaired surrogate into the escape of LoneSurrogateMarker, so that it
// survives decoding. It returns doc itself, and false, when there is none
// (or no escape at all, which it finds with one scan).
func MarkLoneSurrogates(doc []byte) ([]byte, bool) {
	if !bytes.Contains(doc, []byte(`\u`)) {
		return doc, false
	}
	var out []byte
	changed := false
	inString := false
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if !inString {
			if c == '"' {
				inString = true
			}
			continue
		}
		switch c {
		case '"':
			inString = false
		case '\\':
			if i+1 < len(doc) && doc[i+1] == 'u' && i+6 <= len(doc) {
				u, ok := hex4(doc[i+2 : i+6])
				switch {
				case !ok:
				case u >= 0xD800 && u <= 0xDBFF: // high: paired only if a low follows
					if i+12 <= len(doc) && doc[i+6] == '\\' && doc[i+7] == 'u' {
						if l, ok := hex4(doc[i+8 : i+12]); ok && l >= 0xDC00 && l <= 0xDFFF {
							i += 11
							continue
						}
					}
					out, changed = mark(out, doc, i, changed), true
				case u >= 0xDC00 && u <= 0xDFFF: // a low with no high before it
					out, changed = mark(out, doc, i, changed), true
				}
				i += 5
				continue
			}
			i++ // the escaped character
		}
	}
	if !changed {
		return doc, false
	}
	return out, true
}

// mark rewrites the escape at i in the copy out (made on the first mark).
func mark(out, doc []byte, i int, started bool) []byte {
	if !started {
		out = bytes.Clone(doc)
	}
	copy(out[i:i+6], `\ufdd0`)
	return out
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// HasLoneSurrogate reports whether decoded text held an unpaired surrogate.
func HasLoneSurrogate(s string) bool { return strings.ContainsRune(s, LoneSurrogateMarker) }

// DecodedAsGo is s as Go's decoder would have left it: the marker back to
// U+FFFD.
func DecodedAsGo(s string) string {
	return strings.ReplaceAll(s, string(LoneSurrogateMarker), "\uFFFD")
}
