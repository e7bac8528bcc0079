// Command testing is a small piece of application code that reads flags,
// and main_test.go shows how to test it: with overrides, for the branches,
// and with the flagstest fixture builder, for the targeting rules.
//
//	go run ./examples/testing
//	go test ./examples/testing
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/localflags/flags"
)

// pricing is the payload of the "pricing-page" flag.
type pricing struct {
	Price  int  `json:"price"`
	Annual bool `json:"annual"`
}

// checkoutBanner is the application code under test: what the checkout page
// says, depending on two flags.
func checkoutBanner(ctx context.Context, c *flags.Client, u flags.User) string {
	price := 12 // the price when the experiment has no answer
	r := c.Evaluate(ctx, "pricing-page", u)
	if p, err := flags.PayloadAs[pricing](r); err == nil {
		price = p.Price
		if p.Annual {
			return fmt.Sprintf("$%d/month, billed yearly", price)
		}
	}
	if c.IsEnabled(ctx, "new-checkout", u) {
		return fmt.Sprintf("One-step checkout: $%d/month", price)
	}
	return fmt.Sprintf("$%d/month", price)
}

func main() {
	c, err := flags.New(flags.WithSnapshotFile("testdata/snapshot.json"))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	for _, u := range []flags.User{
		{DistinctID: "user-1", Properties: map[string]any{"email": "ada@posthog.com"}},
		{DistinctID: "user-3"},
	} {
		fmt.Printf("%s: %s\n", u.DistinctID, checkoutBanner(context.Background(), c, u))
	}
}
