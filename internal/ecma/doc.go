// Package ecma reproduces the few ECMAScript behaviours that PostHog's reference
// SDK (posthog-node 5.74.0, running on V8) depends on when it evaluates flags:
// how numbers become strings, parseFloat, trim and toLowerCase, the relational
// order of strings, JSON.stringify of a string, the Date string formats, and the
// portable subset of RegExp that posthog-node decides locally.
//
// Everything here is written from the ECMAScript specification and checked
// against vectors produced by Node.js; no code is taken from other projects.
package ecma
