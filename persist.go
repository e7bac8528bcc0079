package flags

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cespare/xxhash/v2"
)

// WithPersistence keeps the last good definitions in the file at path. Every
// newly loaded document is written there atomically (a temporary file in the
// same directory, fsync, rename, fsync of the directory), with its ETag and
// fetch time, and at startup the file is loaded as the bootstrap. A restart
// during an outage therefore serves the last known flags. The file carries
// its own length and checksum: a torn or truncated file is detected, logged
// and ignored, never half-loaded. A valid persisted file takes precedence
// over WithSnapshot, being newer.
func WithPersistence(path string) Option {
	return func(c *config) error {
		if path == "" {
			return errors.New("flags: WithPersistence: empty path")
		}
		c.persistPath = path
		return nil
	}
}

// The persisted file is a magic line, a metadata line, a checksum line and
// the document:
//
//	localflags-definitions v1
//	{"etag":"...","fetched_at":"...","source":"poll","length":N}
//	xxhash 0123456789abcdef
//	<N bytes: the definitions document, as received>
//
// The checksum is the xxhash64 of the metadata line (with its newline) and
// the document, so damage anywhere after the magic line is detected before
// anything is trusted.
const persistMagic = "localflags-definitions v1\n"

type persistMeta struct {
	ETag      string    `json:"etag"`
	FetchedAt time.Time `json:"fetched_at"`
	Source    Source    `json:"source"`
	Length    int       `json:"length"`
}

// persisted is a document read back from the persisted file.
type persisted struct {
	doc  []byte
	meta persistMeta
}

func persistSum(metaLine, doc []byte) string {
	h := xxhash.New()
	h.Write(metaLine)
	h.Write([]byte{'\n'})
	h.Write(doc)
	return fmt.Sprintf("xxhash %016x", h.Sum64())
}

// encodePersisted builds the file contents for doc.
func encodePersisted(doc []byte, meta persistMeta) []byte {
	meta.Length = len(doc)
	m, _ := json.Marshal(meta) // strings, an int and a time: cannot fail
	sum := persistSum(m, doc)
	out := make([]byte, 0, len(persistMagic)+len(m)+len(sum)+2+len(doc))
	out = append(out, persistMagic...)
	out = append(out, m...)
	out = append(out, '\n')
	out = append(out, sum...)
	out = append(out, '\n')
	return append(out, doc...)
}

// decodePersisted checks and splits the file contents.
func decodePersisted(b []byte) (persisted, error) {
	rest, ok := bytes.CutPrefix(b, []byte(persistMagic))
	if !ok {
		return persisted{}, errors.New("not a localflags definitions file, or truncated in its header")
	}
	metaLine, rest, ok := bytes.Cut(rest, []byte{'\n'})
	if !ok {
		return persisted{}, errors.New("truncated in its metadata")
	}
	sumLine, doc, ok := bytes.Cut(rest, []byte{'\n'})
	if !ok {
		return persisted{}, errors.New("truncated in its checksum")
	}
	if want := persistSum(metaLine, doc); string(sumLine) != want {
		return persisted{}, fmt.Errorf("damaged or truncated: checksum %q, content gives %q", sumLine, want)
	}
	var p persisted
	if err := json.Unmarshal(metaLine, &p.meta); err != nil {
		return persisted{}, fmt.Errorf("unreadable metadata: %w", err)
	}
	if len(doc) != p.meta.Length {
		return persisted{}, fmt.Errorf("holds %d bytes of definitions, its metadata says %d", len(doc), p.meta.Length)
	}
	p.doc = doc
	return p, nil
}

// readPersisted reads and checks the persisted file. A missing file is
// reported with an error satisfying errors.Is(err, fs.ErrNotExist).
func readPersisted(path string) (persisted, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return persisted{}, err
	}
	p, err := decodePersisted(b)
	if err != nil {
		return persisted{}, fmt.Errorf("persisted definitions %s: %w", path, err)
	}
	return p, nil
}

// writePersisted replaces the file at path with doc and meta, atomically:
// readers (and a restart after a crash) see the old file or the new one,
// never a mix.
func writePersisted(path string, doc []byte, meta persistMeta) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(encodePersisted(doc, meta)); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Make the rename itself durable. Not every platform can sync a
	// directory; the rename is already atomic, so that failure is ignored.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
