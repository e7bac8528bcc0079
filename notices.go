package flags

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// This file keeps what an operator should notice about evaluations, without
// slowing the evaluations that go well: unknown keys (a mistyped key is
// silently false) and flags answered inconclusive (a request context that
// lacks a property). Both are written only on their own paths, never on a
// decided answer.

// Bounds of what the client remembers for operators.
const (
	// maxUnknownKeys bounds the unknown keys logged, once each; past it,
	// new unknown keys are only counted.
	maxUnknownKeys = 1000
	// MaxInconclusiveRecord bounds the flags [Client.Inconclusive]
	// reports; past it, the flag answered inconclusive longest ago is
	// forgotten.
	MaxInconclusiveRecord = 256
)

// InconclusiveFlag is a flag that single-flag calls (IsEnabled, Variant,
// Evaluate) recently answered inconclusive.
type InconclusiveFlag struct {
	Key string
	// Cause is the cause of the latest inconclusive answer, such as
	// `property "plan" is not in the context`.
	Cause string
	// Count is how many inconclusive answers the flag has had.
	Count uint64
	// Last is when the latest was, by the client's clock.
	Last time.Time
}

type notices struct {
	unknownEvals atomic.Uint64

	mu          sync.Mutex
	unknown     map[string]struct{}
	unknownFull bool
	undecided   map[string]*InconclusiveFlag
}

// noteUnknown counts an evaluation of a key no flag has, and logs the key
// the first time.
func (c *Client) noteUnknown(key string) {
	n := &c.notes
	n.unknownEvals.Add(1)
	n.mu.Lock()
	if _, seen := n.unknown[key]; seen || n.unknownFull {
		n.mu.Unlock()
		return
	}
	if n.unknown == nil {
		n.unknown = make(map[string]struct{})
	}
	full := len(n.unknown) >= maxUnknownKeys
	if full {
		n.unknownFull = true
	} else {
		n.unknown[key] = struct{}{}
	}
	n.mu.Unlock()
	if full {
		c.cfg.logger.Warn("flags: more unknown flag keys than are logged; counting them only", "logged", maxUnknownKeys)
		return
	}
	c.cfg.logger.Warn("flags: a flag key that the definitions do not have was evaluated (logged once per key)", "flag", key)
}

// noteInconclusive records an inconclusive answer of the flag key.
func (c *Client) noteInconclusive(key string, cause *inconclusiveError) {
	n := &c.notes
	now := c.cfg.now()
	n.mu.Lock()
	defer n.mu.Unlock()
	if r := n.undecided[key]; r != nil {
		r.Count++
		r.Last = now
		if cause != nil {
			r.Cause = cause.cause
		}
		return
	}
	if n.undecided == nil {
		n.undecided = make(map[string]*InconclusiveFlag)
	}
	if len(n.undecided) >= MaxInconclusiveRecord {
		var oldest *InconclusiveFlag
		for _, r := range n.undecided {
			if oldest == nil || r.Last.Before(oldest.Last) {
				oldest = r
			}
		}
		delete(n.undecided, oldest.Key)
	}
	r := &InconclusiveFlag{Key: key, Count: 1, Last: now}
	if cause != nil {
		r.Cause = cause.cause
	}
	n.undecided[key] = r
}

// Inconclusive returns the flags that single-flag calls recently answered
// inconclusive, most frequent first, at most [MaxInconclusiveRecord] of
// them. Operators can tell from the causes which request contexts lack
// which properties. Bulk evaluations are not recorded.
func (c *Client) Inconclusive() []InconclusiveFlag {
	n := &c.notes
	n.mu.Lock()
	out := make([]InconclusiveFlag, 0, len(n.undecided))
	for _, r := range n.undecided {
		out = append(out, *r)
	}
	n.mu.Unlock()
	for i := range out {
		out[i].Key, out[i].Cause = c.red.string(out[i].Key), c.red.string(out[i].Cause)
	}
	slices.SortFunc(out, func(a, b InconclusiveFlag) int {
		if d := cmp.Compare(b.Count, a.Count); d != 0 {
			return d
		}
		if d := b.Last.Compare(a.Last); d != 0 {
			return d
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}
