package flags

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
//
// Writes happen in the order of the loads they follow, so the file ends up
// holding the definitions served last. A write interrupted by a crash
// leaves a temporary file beside path; New removes those whose writer's
// process is gone, and any older than ten minutes.
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
	ETag string `json:"etag"`
	// ETagBase64 holds an ETag that is not valid UTF-8 (a header may carry
	// any bytes), which JSON cannot hold losslessly; ETag is then empty.
	ETagBase64 string    `json:"etag_base64,omitempty"`
	FetchedAt  time.Time `json:"fetched_at"`
	Source     Source    `json:"source"`
	Length     int       `json:"length"`
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
	if !utf8.ValidString(meta.ETag) {
		meta.ETag, meta.ETagBase64 = "", base64.StdEncoding.EncodeToString([]byte(meta.ETag))
	}
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
	if p.meta.ETagBase64 != "" {
		etag, err := base64.StdEncoding.DecodeString(p.meta.ETagBase64)
		if err != nil {
			return persisted{}, fmt.Errorf("unreadable ETag: %w", err)
		}
		p.meta.ETag, p.meta.ETagBase64 = string(etag), ""
	}
	p.doc = doc
	return p, nil
}

// maxPersistHeader bounds the persisted file's lines before the document.
// The metadata holds an ETag, which a response header bounds (Go's client
// reads at most 10 MiB of headers).
const maxPersistHeader = 16 << 20

// readPersisted reads and checks the persisted file, whose document may be
// up to limit bytes. A missing file is reported with an error satisfying
// errors.Is(err, fs.ErrNotExist).
func readPersisted(path string, limit int64) (persisted, error) {
	b, err := readFile(path, limit+maxPersistHeader)
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
	tmp, err := os.CreateTemp(dir, tempPrefix(path)+strconv.Itoa(os.Getpid())+"-*")
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

// A write that is killed between creating its temporary file and renaming
// it leaves the file behind: ".<name>.tmp-<pid>-<random>", beside the
// persisted file. New sweeps them. A file whose writer's process is gone is
// removed at once; any other (a writer still at work, in this process or
// another, or a file named before the pid was part of the name) only once
// it is older than staleTemp, which no write takes.
const staleTemp = 10 * time.Minute

// tempPrefix is the start of the names of path's temporary files.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// sweepTemp removes the stale temporary files of path and returns how many
// it removed. It never fails: a file it cannot remove stays for the next
// sweep.
func sweepTemp(path string, now time.Time) int {
	dir, prefix := filepath.Dir(path), tempPrefix(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	removed := 0
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		stale := false
		if pid, _, ok := strings.Cut(rest, "-"); ok {
			if n, err := strconv.Atoi(pid); err == nil && n > 0 && n != os.Getpid() && processGone(n) {
				stale = true
			}
		}
		if !stale {
			info, err := e.Info()
			stale = err == nil && now.Sub(info.ModTime()) > staleTemp
		}
		if stale && os.Remove(filepath.Join(dir, e.Name())) == nil {
			removed++
		}
	}
	return removed
}

// checkWritable checks, once at New, that the persistence file's directory
// takes new files: a missing or read-only directory would otherwise only
// show when the first definitions are written.
func checkWritable(path string) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPrefix(path)+strconv.Itoa(os.Getpid())+"-check-*")
	if err != nil {
		return fmt.Errorf("flags: WithPersistence: cannot write in %s: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}
