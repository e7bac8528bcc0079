// Command gen writes the realistic definitions document the tests and
// benchmarks use, Document(1000, 1). Run it from the module root:
//
//	go run ./internal/realistic/gen -o testdata/realistic-1000.json
//
// or, equivalently,
//
//	go run ./internal/realistic/gen > testdata/realistic-1000.json
//
// -n and -seed choose another document; -o - (the default) writes to
// standard output.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/localflags/flags/internal/realistic"
)

func main() {
	n := flag.Int("n", 1000, "number of flags")
	seed := flag.Uint64("seed", 1, "generator seed")
	out := flag.String("o", "-", "output file, or - for standard output")
	flag.Parse()
	doc := realistic.Document(*n, *seed)
	var err error
	if *out == "-" {
		_, err = os.Stdout.Write(doc)
	} else {
		err = os.WriteFile(*out, doc, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
