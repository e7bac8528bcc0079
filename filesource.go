package flags

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cespare/xxhash/v2"
)

// WithFileSource loads definitions from the file at path, and reloads it
// every interval when its content changes. Changes are detected by an
// xxhash fingerprint of the content, not by modification time, so a file
// rewritten with the same content is not recompiled and a change that
// keeps the mtime is not missed. It suits teams that ship definitions
// through their own configuration system. The first read happens in New; a
// file that is missing or does not parse then is an error in Status, and
// the client keeps trying.
func WithFileSource(path string, interval time.Duration) Option {
	return func(c *config) error {
		if path == "" || interval <= 0 {
			return errors.New("flags: WithFileSource: a path and a positive interval are required")
		}
		c.filePath, c.fileInterval = path, interval
		return nil
	}
}

// fileSource is the state of the watched file. mu serializes checks (the
// loop and Reload).
type fileSource struct {
	path     string
	interval time.Duration
	mu       sync.Mutex
	last     uint64 // fingerprint of the content last loaded or rejected
	lastErr  error  // why that content was rejected, or nil
	failing  bool
}

// checkFile reads the file and loads it if its content changed.
func (c *Client) checkFile() error {
	f := c.files
	f.mu.Lock()
	defer f.mu.Unlock()
	changed, err := c.loadFile(f)
	if !changed {
		return err // already reported
	}
	if err != nil {
		c.recordError(err)
		if !f.failing {
			c.cfg.logger.Warn("flags: reading the definitions file failed; serving the last good definitions", "error", err)
		}
	} else if f.failing {
		c.cfg.logger.Info("flags: the definitions file loads again")
	}
	f.failing = err != nil
	return err
}

// loadFile reads the file and loads it if its content changed. changed is
// false when the content is the one last seen, loaded or rejected: a broken
// file is reported once, not at every check, until it changes again.
func (c *Client) loadFile(f *fileSource) (changed bool, err error) {
	doc, err := readFile(f.path, c.docLimit())
	if err != nil {
		f.last, f.lastErr = 0, nil
		return true, fmt.Errorf("flags: definitions file: %w", err)
	}
	fp := xxhash.Sum64(doc)
	if fp == f.last {
		if f.lastErr == nil {
			c.recordCheck() // the file still holds the definitions served
		}
		return false, f.lastErr
	}
	f.last = fp
	if err := c.load(doc, loaded{source: SourceFile, at: c.cfg.now(), fingerprint: fp}, true); err != nil {
		f.lastErr = fmt.Errorf("flags: definitions file %s: %w", f.path, err)
		return true, f.lastErr
	}
	f.lastErr = nil
	c.recordCheck()
	return true, nil
}

// runFileSource checks the file every interval until ctx is done.
func (c *Client) runFileSource(ctx context.Context) {
	defer c.wg.Done()
	for c.cfg.sleep(ctx, c.files.interval) == nil {
		c.checkFile()
	}
}
