package flags

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRepositoryIsSelfContained fails if any file of the repository refers
// to a file outside it: the semantics live in docs/semantics.md, and a
// reader of the repository alone must find every reference it makes.
func TestRepositoryIsSelfContained(t *testing.T) {
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := []string{"DECISIONS.md", "posthog-reference.md", "shared/spec", "/work/"}
	relative := regexp.MustCompile(`(?:\.\./)+[A-Za-z0-9_.-]+`)
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".gz", ".test", ".prof":
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil || bytes.IndexByte(b, 0) >= 0 {
			return err // a binary file holds no references
		}
		files++
		rel, _ := filepath.Rel(root, path)
		for _, s := range forbidden {
			if path == filepath.Join(root, "repo_test.go") {
				break // this file names them
			}
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s refers to %q, outside the repository", rel, s)
			}
		}
		for _, m := range relative.FindAll(b, -1) {
			target := filepath.Join(filepath.Dir(path), string(m))
			if !strings.HasPrefix(target, root+string(filepath.Separator)) && target != root {
				t.Errorf("%s refers to %s, which is outside the repository", rel, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("only %d files read; the walk is broken", files)
	}
	for _, required := range []string{"LICENSE", "CHANGELOG.md", "docs/semantics.md", "README.md"} {
		if _, err := os.Stat(required); err != nil {
			t.Errorf("the repository lacks %s", required)
		}
	}
}
