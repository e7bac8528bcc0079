package main

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the command's tests if a goroutine outlives them: fetch
// and eval must close every client and connection they open.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
