package realistic

// rng is SplitMix64: tiny, fast and, unlike math/rand, fully specified here,
// so that the generated documents and users stay byte-for-byte identical
// across Go releases.
type rng struct{ s uint64 }

func newRNG(seed, stream uint64) *rng {
	r := &rng{s: seed ^ stream*0xD1B54A32D192ED03}
	r.next()
	return r
}

func (r *rng) next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// intn returns a number in [0, n); n must be positive. The modulo bias is
// negligible for the small n used here.
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// weighted returns an index into weights, with probability proportional to
// its weight.
func (r *rng) weighted(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.intn(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// sample returns k distinct elements of xs in their original order.
func sample[T any](r *rng, xs []T, k int) []T {
	if k >= len(xs) {
		return append([]T(nil), xs...)
	}
	chosen := make([]bool, len(xs))
	for n := 0; n < k; {
		i := r.intn(len(xs))
		if !chosen[i] {
			chosen[i] = true
			n++
		}
	}
	out := make([]T, 0, k)
	for i, x := range xs {
		if chosen[i] {
			out = append(out, x)
		}
	}
	return out
}
