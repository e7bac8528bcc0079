// Command flagctl works with PostHog flag definitions from the command line.
//
// Usage:
//
//	flagctl eval --definitions defs.json [--now T] [--runtime R] [--contexts a,b] < cases.jsonl > results.jsonl
//	flagctl explain --definitions defs.json --flag KEY --user '{"distinct_id": "u1", "person_properties": {...}}'
//	flagctl validate defs.json
//	flagctl fetch --project-api-key phc_... --secret-key phs_... -o snapshot.json
//
// Run "flagctl help" for the subcommands and "flagctl <subcommand> -h" for
// their flags.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = []command{
	{"eval", "evaluate flags for contexts read as JSON lines", runEval},
	{"explain", "show every step of one flag's evaluation for one user", runExplain},
	{"validate", "lint a definitions document", runValidate},
	{"fetch", "download the definitions document of a PostHog project", runFetch},
}

// run is the whole program, with its streams passed in so tests can drive
// it. It returns the exit status: 0 for success, 1 when the work found a
// problem, 2 for a usage error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "flagctl: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "flagctl works with PostHog flag definitions.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: flagctl <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "flagctl <command> -h" for a command's flags.`)
}

// newFlagSet returns the flag set of the subcommand name, writing its errors
// and its help (help, then the flags' defaults) to stderr.
func newFlagSet(name, help string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), help)
		fs.PrintDefaults()
	}
	return fs
}

// parseArgs parses args into fs. When it returns ok false the subcommand
// must stop and exit with code: 0 after -h (the help has been printed), 2
// for a usage error (the error and the help have been printed).
func parseArgs(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}
