package flags

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// readFile reads the file at path, refusing one over limit bytes. Every
// file the client reads goes through it (WithSnapshotFile, WithFileSource,
// WithPersistence): os.ReadFile on a path that names /dev/zero, a FIFO or a
// runaway file would read until memory ran out. It reads at most limit+1
// bytes.
func readFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		if fi.Size() > limit {
			return nil, fileTooLarge(path, limit)
		}
		buf.Grow(int(fi.Size()) + bytes.MinRead) // room to read the end of the file
	}
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, fileTooLarge(path, limit)
	}
	return buf.Bytes(), nil
}

func fileTooLarge(path string, limit int64) error {
	return fmt.Errorf("%s is larger than the limit of %d bytes (MaxDocumentBytes, or PollerConfig.MaxBodyBytes if larger)", path, limit)
}
