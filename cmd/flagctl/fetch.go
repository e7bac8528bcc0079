package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/localflags/flags"
)

const fetchHelp = `Usage: flagctl fetch [--host URL] --project-api-key KEY [--secret-key KEY] [--mode 0644] -o FILE

Downloads the definitions document of a PostHog project with the client's
own poller code, checks that it parses, and writes it to FILE (atomically),
for use as a bootstrap snapshot (WithSnapshotFile) or as a test fixture.
The secret key can also come from the POSTHOG_SECRET_KEY environment
variable, which keeps it out of the process list; it is never printed.
The file gets mode 0644 unless --mode says otherwise: the document holds no
secret.

Flags:
`

func runFetch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("fetch", fetchHelp, stderr)
	host := fs.String("host", flags.DefaultHost, "PostHog's API host")
	project := fs.String("project-api-key", os.Getenv("POSTHOG_PROJECT_API_KEY"), "the project API key (phc_...); default $POSTHOG_PROJECT_API_KEY")
	secret := fs.String("secret-key", "", "a project secret key (phs_...) or a personal key (phx_...); default $POSTHOG_SECRET_KEY")
	out := fs.String("o", "", "the file to write")
	timeout := fs.Duration("timeout", 30*time.Second, "how long the download may take")
	mode := fs.String("mode", "0644", "the file's permission bits, in octal")
	if code, ok := parseArgs(fs, args); !ok {
		return code
	}
	if *secret == "" {
		*secret = os.Getenv("POSTHOG_SECRET_KEY")
	}
	perm, perr := strconv.ParseUint(*mode, 8, 32)
	if perr != nil || perm > 0o777 {
		fmt.Fprintf(stderr, "flagctl fetch: --mode %q is not permission bits in octal, such as 0644\n", *mode)
		return 2
	}
	if *project == "" || *secret == "" || *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "flagctl fetch: --project-api-key, --secret-key (or their environment variables) and -o are required")
		fs.Usage()
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	doc, etag, err := flags.FetchDefinitions(ctx, flags.PollerConfig{Host: *host, ProjectAPIKey: *project, SecretKey: *secret, Timeout: *timeout})
	if err != nil {
		fmt.Fprintf(stderr, "flagctl fetch: %v\n", err)
		return 1
	}
	if err := writeFile(*out, doc, os.FileMode(perm)); err != nil {
		fmt.Fprintf(stderr, "flagctl fetch: %v\n", err)
		return 1
	}
	// The public API counts flags only through a client, so build one from
	// the document just written and close it once counted.
	if c, err := flags.New(flags.WithSnapshot(doc), flags.WithRuntime(flags.RuntimeAll)); err == nil {
		fmt.Fprintf(stderr, "wrote %s: %d bytes, %d flags, ETag %s\n", *out, len(doc), c.Snapshot().Len(), etag)
		c.Close()
	}
	return 0
}

// writeFile replaces path with data atomically, with the permission bits
// perm (os.CreateTemp makes the file 0600).
func writeFile(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".flagctl-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
