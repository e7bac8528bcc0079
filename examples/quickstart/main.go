// Command quickstart evaluates a few flags from the bundled snapshot
// (testdata/snapshot.json) for a few users and prints the answers.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"text/tabwriter"

	"github.com/localflags/flags"
)

func main() {
	path := flag.String("snapshot", "testdata/snapshot.json", "definitions document to evaluate")
	flag.Parse()

	client, err := flags.New(flags.WithSnapshotFile(*path))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	users := []flags.User{
		{DistinctID: "user-1", Properties: map[string]any{"email": "ada@posthog.com", "plan": "pro", "app_version": "2.5.1", "country": "US"}},
		{DistinctID: "user-2", Properties: map[string]any{"email": "grace@example.com", "plan": "free", "app_version": "2.5.1", "country": "FR"}},
		{DistinctID: "user-3", Properties: map[string]any{"email": "alan@example.com", "plan": "enterprise", "app_version": "2.3.9"},
			Groups: map[string]flags.Group{"company": {Key: "acme", Properties: map[string]any{"seats": 120}}}},
	}
	keys := []string{"new-checkout", "pricing-page", "pro-beta", "audit-log", "checkout-tips", "old-dashboard", "no-such-flag"}

	ctx := context.Background()
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "USER\tFLAG\tVALUE\tPAYLOAD\tREASON")
	for _, u := range users {
		for _, k := range keys {
			r := client.Evaluate(ctx, k, u)
			value := fmt.Sprint(r.Value())
			if !r.Conclusive() {
				value = "-"
			}
			payload := "-"
			if r.Payload != nil {
				payload = string(r.Payload)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", u.DistinctID, k, value, payload, r.Reason)
		}
	}
	w.Flush()
}
