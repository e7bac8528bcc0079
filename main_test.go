package flags

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: every
// client a test creates must stop all its background work on Close.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
