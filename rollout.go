package flags

import (
	"crypto/sha1"
	"encoding/binary"
)

// PostHog buckets a user by hashing "<flag key>.<id><salt>" with SHA-1 and
// reading the first 15 hex digits (60 bits) as a fraction of 0xFFFFFFFFFFFFFFF.
// That constant is not representable as a float64 and rounds to 2^60, in
// JavaScript, Python, Go and Rust alike, so the division below is exactly
// what every PostHog implementation computes.
const longScale = 0xFFFFFFFFFFFFFFF

// Salts that separate the rollout hash from the variant hash.
const (
	saltRollout = ""
	saltVariant = "variant"
)

// hashInputStack is how much of the hashed string fits on the stack: a long
// flag key, a UUID and the salt. Longer inputs cost one allocation.
const hashInputStack = 112

// bucket returns PostHog's hash of prefix+id+salt as a float64 in [0, 1].
// For flags the prefix is "<flag key>."; holdouts use "holdout-".
func bucket(prefix, id, salt string) float64 {
	var buf [hashInputStack]byte
	b := buf[:0]
	if n := len(prefix) + len(id) + len(salt); n > len(buf) {
		b = make([]byte, 0, n)
	}
	b = append(b, prefix...)
	b = append(b, id...)
	b = append(b, salt...)
	sum := sha1.Sum(b)
	// The 60-bit value converts exactly through int64 (one instruction,
	// unlike uint64), and dividing by longScale, which is 2^60 as a
	// float64, is exactly multiplying by 2^-60.
	return float64(int64(binary.BigEndian.Uint64(sum[:8])>>4)) * (1.0 / longScale)
}

// variant is one arm of a multivariate flag, holding the upper end of its
// bucket range. Ranges are precomputed at load time with the same float64
// additions posthog-node performs (valueMax = valueMin + pct/100), so the
// boundaries are bit-identical.
type variant struct {
	key     string
	min     float64
	max     float64
	payload []byte
	dedup   uint64 // the exposure dedup key of this variant (see dedupKey)
}

// pickVariant returns the index of the variant whose range [min, max) holds
// the variant hash of id, or -1 when the percentages leave it uncovered.
func pickVariant(variants []variant, hashKey, id string) int {
	if len(variants) == 0 {
		return -1
	}
	h := bucket(hashKey, id, saltVariant)
	for i := range variants {
		if h >= variants[i].min && h < variants[i].max {
			return i
		}
	}
	return -1
}

// rolloutHash is a flag's rollout hash for one bucketing id, computed at
// most once: every condition of a flag hashes the same string, its key and
// the id.
type rolloutHash struct {
	h  float64
	id string
	ok bool
}

// out reports whether id falls outside a rollout of the flag whose hash
// prefix is hashKey and whose threshold (percentage/100) is t. A hash is at
// most 1, so thresholds of 1 or more never exclude anyone and need no hash.
func (r *rolloutHash) out(t float64, hashKey, id string) bool {
	if t >= 1 {
		return false
	}
	if !r.ok || r.id != id {
		r.h, r.id, r.ok = bucket(hashKey, id, saltRollout), id, true
	}
	return r.h > t
}
