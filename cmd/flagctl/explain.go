package main

import (
	"context"
	"fmt"
	"io"

	"github.com/localflags/flags/internal/evalio"
)

const explainHelp = `Usage: flagctl explain --definitions FILE --flag KEY --user JSON [--now TIME] [--runtime R] [--contexts a,b]

Evaluates one flag for one user and prints every step: each condition set in
order, each filter with the value it saw and whether it passed, the rollout
and variant buckets, the dependencies followed and the holdout check.

--user is a JSON object like an eval input line:

  {"distinct_id": "u1", "device_id": "d1", "person_properties": {"plan": "pro"},
   "groups": {"company": "acme"}, "group_properties": {"company": {"seats": 20}}}

Flags:
`

func runExplain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("explain", explainHelp, stderr)
	var opts clientOptions
	opts.register(fs)
	key := fs.String("flag", "", "the flag to explain")
	userJSON := fs.String("user", "", "the user, as JSON (see above)")
	if code, ok := parseArgs(fs, args); !ok {
		return code
	}
	if opts.definitions == "" || *key == "" || *userJSON == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "flagctl explain: --definitions, --flag and --user are required and no arguments are accepted")
		fs.Usage()
		return 2
	}
	user, err := evalio.ParseCase([]byte(*userJSON))
	if err != nil {
		fmt.Fprintf(stderr, "flagctl explain: --user: %v\n", err)
		return 2
	}
	client, code := opts.client("explain", stderr)
	if client == nil {
		return code
	}
	defer client.Close()
	fmt.Fprint(stdout, client.Explain(context.Background(), *key, user.User()).String())
	return 0
}
