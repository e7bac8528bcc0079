package flagstest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"testing"

	"github.com/localflags/flags"
	"github.com/localflags/flags/flagstest"
)

// The main flow: describe flags, write the document, load it into a real
// client.
func Example() {
	doc := flagstest.NewFixture().
		Bool("new-ui", true).
		Rollout("beta", 30).
		Variants("pricing", map[string]float64{"control": 50, "test": 50}).
		Payload("pricing", "test", `{"price": 9}`).
		Where("pro-only", flagstest.Prop("plan", "exact", "pro")).
		JSON()
	c, err := flags.New(flags.WithSnapshot(doc))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	ctx := context.Background()
	ada := flags.User{DistinctID: "ada", Properties: map[string]any{"plan": "pro"}}
	bob := flags.User{DistinctID: "bob", Properties: map[string]any{"plan": "free"}}
	fmt.Println("new-ui:", c.IsEnabled(ctx, "new-ui", ada))
	fmt.Println("pro-only:", c.IsEnabled(ctx, "pro-only", ada), c.IsEnabled(ctx, "pro-only", bob))
	r := c.Evaluate(ctx, "pro-only", flags.User{DistinctID: "carol"}) // no plan property
	fmt.Println("pro-only without a plan:", r.Reason)
	// Output:
	// new-ui: true
	// pro-only: true false
	// pro-only without a plan: inconclusive
}

func ExampleFixture_JSON() {
	fmt.Printf("%s", flagstest.NewFixture().Rollout("beta", 12.5).JSON())
	// Output:
	// {
	//   "flags": [
	//     {
	//       "id": 1,
	//       "key": "beta",
	//       "active": true,
	//       "deleted": false,
	//       "ensure_experience_continuity": false,
	//       "bucketing_identifier": null,
	//       "evaluation_runtime": "all",
	//       "evaluation_contexts": [],
	//       "filters": {
	//         "groups": [
	//           {
	//             "properties": [],
	//             "rollout_percentage": 12.5,
	//             "variant": null
	//           }
	//         ],
	//         "multivariate": null,
	//         "aggregation_group_type_index": null,
	//         "payloads": {}
	//       }
	//     }
	//   ],
	//   "group_type_mapping": {},
	//   "cohorts": {}
	// }
}

func ExampleFixture_Variants() {
	doc := flagstest.NewFixture().
		Variants("pricing", map[string]float64{"test": 50, "control": 50}). // written as control, test
		Payload("pricing", "control", `{"price": 12}`).
		Payload("pricing", "test", `{"price": 9}`).
		JSON()
	c, err := flags.New(flags.WithSnapshot(doc))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	for _, id := range []string{"alice", "bob", "carol"} {
		r := c.Evaluate(context.Background(), "pricing", flags.User{DistinctID: id})
		fmt.Println(id, r.Variant, string(r.Payload))
	}
	// Output:
	// alice test {"price":9}
	// bob test {"price":9}
	// carol control {"price":12}
}

func ExampleFixture_DependsOn() {
	f := flagstest.NewFixture().
		Where("checkout", flagstest.Prop("plan", "exact", "pro")).
		DependsOn("checkout-tips", "checkout", true).
		DependsOn("tips-survey", "checkout-tips", true)
	c, err := flags.New(flags.WithSnapshot(f.JSON()))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	pro := flags.User{DistinctID: "ada", Properties: map[string]any{"plan": "pro"}}
	free := flags.User{DistinctID: "bob", Properties: map[string]any{"plan": "free"}}
	fmt.Println(c.IsEnabled(ctx, "tips-survey", pro), c.IsEnabled(ctx, "tips-survey", free))

	// The filter carries the chain PostHog's server computes.
	var doc struct {
		Flags []struct {
			Filters struct {
				Groups []struct {
					Properties []struct {
						DependencyChain []string `json:"dependency_chain"`
					} `json:"properties"`
				} `json:"groups"`
			} `json:"filters"`
		} `json:"flags"`
	}
	if err := json.Unmarshal(f.JSON(), &doc); err != nil {
		log.Fatal(err)
	}
	fmt.Println(doc.Flags[2].Filters.Groups[0].Properties[0].DependencyChain)
	// Output:
	// true false
	// [checkout checkout-tips]
}

func ExampleFixture_Condition() {
	doc := flagstest.NewFixture().
		Variants("pricing", map[string]float64{"control": 50, "test": 50}).
		Condition("pricing", flagstest.When(flagstest.Prop("email", "ends_with", "@example.com")).Serve("test")).
		Condition("pricing", flagstest.When().Rollout(20)).
		JSON()
	c, err := flags.New(flags.WithSnapshot(doc))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	staff := flags.User{DistinctID: "alice", Properties: map[string]any{"email": "alice@example.com"}}
	r := c.Evaluate(context.Background(), "pricing", staff)
	fmt.Println(r.Variant, r.Condition)
	// Output: test 0
}

func ExampleFixture_Group() {
	doc := flagstest.NewFixture().
		Group("audit-log", "company").
		Where("audit-log", flagstest.GroupProp("company", "seats", "gte", 50)).
		JSON()
	c, err := flags.New(flags.WithSnapshot(doc))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	member := flags.User{DistinctID: "ada", Groups: map[string]flags.Group{
		"company": {Key: "acme", Properties: map[string]any{"seats": 120}},
	}}
	fmt.Println(c.IsEnabled(ctx, "audit-log", member))
	fmt.Println(c.Evaluate(ctx, "audit-log", flags.User{DistinctID: "bob"}).Reason)
	// Output:
	// true
	// no group
}

func ExampleFixture_Cohort() {
	doc := flagstest.NewFixture().
		Cohort("north-america", flagstest.Prop("country", "exact", []string{"US", "CA"})).
		Where("launch", flagstest.NotInCohort("north-america")).
		JSON()
	c, err := flags.New(flags.WithSnapshot(doc))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	for _, country := range []string{"US", "FR"} {
		u := flags.User{DistinctID: "u", Properties: map[string]any{"country": country}}
		fmt.Println(country, c.IsEnabled(ctx, "launch", u))
	}
	// Output:
	// US false
	// FR true
}

func ExampleFixture_Err() {
	f := flagstest.NewFixture().
		Rollout("beta", 120).
		Payload("pricing", "true", `{"price": 9`)
	fmt.Println(f.Err())
	// Output:
	// flagstest: Rollout("beta", 120): percentage 120 is outside 0–100
	// flagstest: Payload("pricing", "true", "{\"price\": 9"): the payload is not valid JSON
}

func ExampleNewClient() {
	// In a test, pass the test's t:
	//
	//	func TestCheckout(t *testing.T) {
	//		c := flagstest.NewClient(t, flagstest.NewFixture().Rollout("new-checkout", 50))
	//		...
	//	}
	//
	// An example has no t, so exampleT stands in for it here.
	t := &exampleT{}
	c := flagstest.NewClient(t, flagstest.NewFixture().Rollout("new-checkout", 50))
	ctx := context.Background()
	// A 50% rollout: "new-checkout.user-1" hashes to 0.917, outside it;
	// "new-checkout.user-3" to 0.105, inside.
	for _, id := range []string{"user-1", "user-3"} {
		fmt.Println(id, c.IsEnabled(ctx, "new-checkout", flags.User{DistinctID: id}))
	}
	fmt.Println(c.Reload(ctx)) // a snapshot client has nothing to reload from
	t.end()                    // the test ends: NewClient's cleanup closes the client
	fmt.Println(c.Reload(ctx))

	// A mistake in the fixture fails the test, and there is no client.
	t = &exampleT{}
	c = flagstest.NewClient(t, flagstest.NewFixture().Rollout("new-checkout", 150))
	fmt.Println(c == nil)
	// Output:
	// user-1 false
	// user-3 true
	// flags: no poller or file source to reload from
	// flags: client is closed
	// test failed: flagstest: Rollout("new-checkout", 150): percentage 150 is outside 0–100
	// true
}

// exampleT stands in for a test's *testing.T in ExampleNewClient: it prints
// a failure and runs the cleanups when told the test has ended. The
// embedded testing.TB is nil; NewClient calls only the methods below.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (t *exampleT) Helper() {}

func (t *exampleT) Fatalf(format string, args ...any) {
	fmt.Printf("test failed: "+format+"\n", args...)
}

func (t *exampleT) Cleanup(fn func()) { t.cleanups = append(t.cleanups, fn) }

// end runs the cleanups, last registered first, as the testing package
// does when a test ends.
func (t *exampleT) end() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}
