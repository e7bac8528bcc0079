package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/localflags/flags"
	"github.com/localflags/flags/internal/evalio"
)

const evalHelp = `Usage: flagctl eval --definitions FILE [--now TIME] [--runtime server|client|all] [--contexts a,b]
                    [--exposures FILE [--exposure-cache-size N]] < cases.jsonl

Evaluates flags for each context read from standard input, one JSON object
per line:

  {"flag": "key", "distinct_id": "u1", "device_id": "d1",
   "person_properties": {...}, "groups": {"company": "acme"},
   "group_properties": {"company": {...}}}

Omit "flag" to evaluate every flag. For each input line one line is written,
in order. For one flag:

  {"flag": "key", "value": true|false|"variant"|null, "payload": <JSON or null>,
   "reason": "...", "inconclusive": true|false, "error": "..." or null}

value is null when the flag is inconclusive, not found or filtered out. For
every flag:

  {"flags": {"key": value, ...}, "payloads": {"key": payload, ...}, "inconclusive": ["key", ...]}

A line that cannot be read gives {"error": "..."} and makes the exit status 1.

With --exposures, every $feature_flag_called event the run sends is written
to FILE, one JSON object per line, as PostHog would receive it:

  {"event": "$feature_flag_called", "distinct_id": "u1", "properties": {...}}

Each single-flag line is one Evaluate, which sends an exposure unless the
same user, flag, value and groups were sent already (the dedup cache holds
--exposure-cache-size distinct ids); all-flags lines send none. The file is
complete when flagctl exits.

Flags:
`

func runEval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("eval", evalHelp, stderr)
	var opts clientOptions
	opts.register(fs)
	exposures := fs.String("exposures", "", "write every exposure event to this file, one JSON object per line")
	cacheSize := fs.Int("exposure-cache-size", flags.DefaultExposureCacheSize, "distinct ids the exposure dedup cache remembers (with --exposures)")
	if code, ok := parseArgs(fs, args); !ok {
		return code
	}
	if opts.definitions == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "flagctl eval: --definitions is required and no arguments are accepted")
		fs.Usage()
		return 2
	}
	var sink *exposureFile
	var extra []flags.Option
	if *exposures != "" {
		var err error
		if sink, err = createExposureFile(*exposures); err != nil {
			fmt.Fprintf(stderr, "flagctl eval: --exposures: %v\n", err)
			return 1
		}
		extra = append(extra, flags.WithExposureHandler(sink.write), flags.WithExposureCacheSize(*cacheSize))
	}
	client, code := opts.client("eval", stderr, extra...)
	if client == nil {
		if sink != nil {
			sink.close()
		}
		return code
	}
	status := evalLines(client, stdin, stdout, stderr)
	if sink != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := client.Flush(ctx); err != nil {
			fmt.Fprintf(stderr, "flagctl eval: delivering the exposures: %v\n", err)
			status = 1
		}
	}
	if err := client.Close(); err != nil {
		fmt.Fprintf(stderr, "flagctl eval: %v\n", err)
		status = 1
	}
	if sink != nil {
		if err := sink.close(); err != nil {
			fmt.Fprintf(stderr, "flagctl eval: --exposures: %v\n", err)
			status = 1
		}
	}
	return status
}

// exposureFile writes exposures as JSON lines. The client calls write from
// one goroutine; close comes after the client is flushed and closed.
type exposureFile struct {
	f   *os.File
	w   *bufio.Writer
	enc *json.Encoder
	err error
}

func createExposureFile(path string) (*exposureFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &exposureFile{f: f, w: w, enc: enc}, nil
}

func (x *exposureFile) write(e flags.Exposure) {
	if x.err != nil {
		return
	}
	x.err = x.enc.Encode(struct {
		Event      string         `json:"event"`
		DistinctID string         `json:"distinct_id"`
		Properties map[string]any `json:"properties"`
	}{e.Event, e.DistinctID, e.Properties})
}

func (x *exposureFile) close() error {
	err := x.err
	if ferr := x.w.Flush(); err == nil {
		err = ferr
	}
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// evalLines evaluates each case line of in and writes one result line each.
func evalLines(c *flags.Client, in io.Reader, out, stderr io.Writer) int {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	ctx := context.Background()
	status := 0
	for n := 1; sc.Scan(); n++ {
		cs, err := evalio.ParseCase(sc.Bytes())
		var line any
		switch {
		case err != nil:
			line = map[string]string{"error": fmt.Sprintf("line %d: %v", n, err)}
			status = 1
		case cs.AllFlags:
			line = evalio.FromResults(c.EvaluateAll(ctx, cs.User()))
		default:
			line = evalio.FromResult(c.Evaluate(ctx, cs.Flag, cs.User()))
		}
		if err := enc.Encode(line); err != nil {
			fmt.Fprintf(stderr, "flagctl eval: writing: %v\n", err)
			return 1
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(stderr, "flagctl eval: reading input: %v\n", err)
		status = 1
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "flagctl eval: writing: %v\n", err)
		return 1
	}
	return status
}

// clientOptions are the flags that build a client from a definitions file,
// shared by eval and explain.
type clientOptions struct {
	definitions, now, runtime, contexts string
}

func (o *clientOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.definitions, "definitions", "", "the definitions document (JSON), as served by /flags/definitions")
	fs.StringVar(&o.now, "now", "", "pin the clock for relative dates, as RFC 3339 (default: the current time)")
	fs.StringVar(&o.runtime, "runtime", "server", "which flags to evaluate by evaluation_runtime: server, client or all")
	fs.StringVar(&o.contexts, "contexts", "", "comma-separated evaluation contexts; flags tagged with none of them are filtered out")
}

// client builds the client, with extra options after its own, or reports
// why it cannot with an exit status.
func (o *clientOptions) client(cmd string, stderr io.Writer, extra ...flags.Option) (*flags.Client, int) {
	opts := []flags.Option{flags.WithSnapshotFile(o.definitions)}
	switch o.runtime {
	case "server":
		opts = append(opts, flags.WithRuntime(flags.RuntimeServer))
	case "client":
		opts = append(opts, flags.WithRuntime(flags.RuntimeClient))
	case "all":
		opts = append(opts, flags.WithRuntime(flags.RuntimeAll))
	default:
		fmt.Fprintf(stderr, "flagctl %s: --runtime must be server, client or all, not %q\n", cmd, o.runtime)
		return nil, 2
	}
	if o.now != "" {
		t, err := time.Parse(time.RFC3339Nano, o.now)
		if err != nil {
			fmt.Fprintf(stderr, "flagctl %s: --now: %v\n", cmd, err)
			return nil, 2
		}
		opts = append(opts, flags.WithClock(func() time.Time { return t }))
	}
	if o.contexts != "" {
		opts = append(opts, flags.WithEvaluationContexts(strings.Split(o.contexts, ",")...))
	}
	c, err := flags.New(append(opts, extra...)...)
	if err != nil {
		fmt.Fprintf(stderr, "flagctl %s: %v\n", cmd, err)
		return nil, 1
	}
	return c, 0
}
