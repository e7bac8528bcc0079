package flags

import (
	"strconv"
	"strings"

	"github.com/localflags/flags/internal/ecma"
)

// PostHog compares versions with its own small grammar rather than SemVer
// 2.0: it trims the string, drops one leading "v" or "V", cuts everything
// from the first "-" and then from the first "+", and reads up to three
// dot-separated numeric parts, padding missing ones with 0 and ignoring any
// beyond the third. A part must be ASCII digits without a leading zero; an
// empty minor or patch part reads as 0. Pre-release and build information
// is discarded, so 1.2.3-alpha equals 1.2.3.
//
// Parts are float64 because posthog-node parses them with parseInt into
// JavaScript numbers: parts beyond 2^53 lose precision exactly as they do
// there.
type version [3]float64

// parseVersion parses s with PostHog's grammar. ok is false for a string
// posthog-node would reject as "Invalid semver".
func parseVersion(s string) (v version, ok bool) {
	if v, ok := parsePlainVersion(s); ok {
		return v, true
	}
	return parseAnyVersion(s)
}

// parseAnyVersion is parseVersion without the fast path.
func parseAnyVersion(s string) (v version, ok bool) {
	s = ecma.TrimSpace(s)
	if s != "" && (s[0] == 'v' || s[0] == 'V') {
		s = s[1:]
	}
	if i := strings.IndexByte(s, '-'); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '+'); i >= 0 {
		s = s[:i]
	}
	if s == "" || s[0] == '.' {
		return v, false
	}
	for i := 0; i < 3 && s != ""; i++ {
		part := s
		if j := strings.IndexByte(s, '.'); j >= 0 {
			part, s = s[:j], s[j+1:]
		} else {
			s = ""
		}
		if part == "" {
			continue // an empty part reads as 0
		}
		n, ok := versionPart(part)
		if !ok {
			return v, false
		}
		v[i] = n
	}
	return v, true
}

// parsePlainVersion parses the common shape, one to three dot-separated
// parts of at most 15 digits without leading zeros and nothing else, in one
// pass. ok is false for anything else, which parseVersion then reads with
// the general grammar.
func parsePlainVersion(s string) (v version, ok bool) {
	part, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if digits == 15 || (digits == 1 && s[i-1] == '0') {
				return v, false
			}
			v[part] = v[part]*10 + float64(c-'0')
			digits++
		case c == '.' && digits > 0 && part < 2:
			part, digits = part+1, 0
		default:
			return v, false
		}
	}
	return v, digits > 0
}

// versionPart parses one numeric part: ASCII digits, no leading zero.
func versionPart(p string) (float64, bool) {
	if p == "" || (len(p) > 1 && p[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return 0, false
		}
	}
	if len(p) <= 15 {
		// Fifteen digits stay below 2^53, so accumulating is exact.
		n := 0.0
		for i := 0; i < len(p); i++ {
			n = n*10 + float64(p[i]-'0')
		}
		return n, true
	}
	n, err := strconv.ParseFloat(p, 64) // correctly rounded, like parseInt
	if err != nil && !isRangeError(err) {
		return 0, false
	}
	return n, true
}

func (a version) compare(b version) int {
	for i := range a {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	return 0
}

// versionRange is a half-open interval [lo, hi) of versions, the form the
// tilde, caret and wildcard operators reduce to.
type versionRange struct{ lo, hi version }

func (r versionRange) contains(v version) bool {
	return v.compare(r.lo) >= 0 && v.compare(r.hi) < 0
}

// tildeRange is ~X.Y.Z: [X.Y.Z, X.(Y+1).0).
func tildeRange(s string) (versionRange, bool) {
	v, ok := parseVersion(s)
	return versionRange{v, version{v[0], v[1] + 1, 0}}, ok
}

// caretRange is ^X.Y.Z: up to the next change in the first non-zero part.
func caretRange(s string) (versionRange, bool) {
	v, ok := parseVersion(s)
	hi := version{0, 0, v[2] + 1}
	switch {
	case v[0] > 0:
		hi = version{v[0] + 1, 0, 0}
	case v[1] > 0:
		hi = version{0, v[1] + 1, 0}
	}
	return versionRange{v, hi}, ok
}

// wildcardRange is posthog-node's X.* and X.Y.*: it trims, drops a leading
// v, removes one trailing ".*" and then one trailing "*", and reads the first
// one or two parts strictly. Parts after the second are ignored, whatever
// they hold, and no pre-release suffix is cut.
func wildcardRange(s string) (versionRange, bool) {
	s = ecma.TrimSpace(s)
	if s != "" && (s[0] == 'v' || s[0] == 'V') {
		s = s[1:]
	}
	s = strings.TrimSuffix(s, ".*")
	s = strings.TrimSuffix(s, "*")
	if s == "" {
		return versionRange{}, false
	}
	majorPart, rest, hasMinor := strings.Cut(s, ".")
	major, ok := versionPart(majorPart)
	if !ok {
		return versionRange{}, false
	}
	if !hasMinor {
		return versionRange{version{major, 0, 0}, version{major + 1, 0, 0}}, true
	}
	minorPart, _, _ := strings.Cut(rest, ".")
	minor, ok := versionPart(minorPart)
	if !ok {
		return versionRange{}, false
	}
	return versionRange{version{major, minor, 0}, version{major, minor + 1, 0}}, true
}
