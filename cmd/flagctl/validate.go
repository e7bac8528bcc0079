package main

import (
	"fmt"
	"io"
	"os"

	"github.com/localflags/flags"
)

const validateHelp = `Usage: flagctl validate [--warnings=false] FILE

Lints a definitions document and lists its problems, one a line, with the
flag key and the place in the document (or the line and column of a syntax
error). Errors are what makes a flag undecidable locally or a document
unloadable: a document that does not parse, unknown operators, regexes that
do not compile or are outside posthog-node's portable subset, invalid
versions and dates in filter values, malformed flags, cohorts the document
does not ship (static cohorts), dependency cycles and missing dependencies,
flags with experience continuity. Warnings are likely mistakes: variant
percentages that do not sum to 100, variant overrides that name no variant,
conditions made unreachable by an earlier one, duplicate keys, client-only
flags.

The exit status is 1 when there is an error, 0 otherwise, and 2 for a usage
problem.

Flags:
`

func runValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("validate", validateHelp, stderr)
	warnings := fs.Bool("warnings", true, "list warnings as well as errors")
	if code, ok := parseArgs(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "flagctl validate: one definitions file is required")
		fs.Usage()
		return 2
	}
	path := fs.Arg(0)
	doc, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "flagctl validate: %v\n", err)
		return 1
	}
	errs, warns := 0, 0
	for _, p := range flags.Validate(doc) {
		if p.Severity == flags.Error {
			errs++
		} else {
			warns++
			if !*warnings {
				continue
			}
		}
		fmt.Fprintf(stdout, "%s: %s\n", path, p)
	}
	fmt.Fprintf(stderr, "%s: %s, %s\n", path, count(errs, "error"), count(warns, "warning"))
	if errs > 0 {
		return 1
	}
	return 0
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
