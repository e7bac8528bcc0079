// Command httpmiddleware is a net/http server whose routes depend on flags:
// a middleware builds a flags.User from each request, one route is gated by
// a flag, and another answers from a flag's payload.
//
//	go run ./examples/httpmiddleware -addr :8080
//	curl -H 'X-User-ID: user-3' -H 'X-User-Plan: pro' localhost:8080/pricing
package main

import (
	"context"
	"encoding/json"
	"flag"
	"log"
	"net/http"

	"github.com/localflags/flags"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	snapshot := flag.String("snapshot", "testdata/snapshot.json", "definitions document")
	flag.Parse()
	client, err := flags.New(flags.WithSnapshotFile(*snapshot))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	log.Printf("listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, newServer(client)))
}

type userKey struct{}

// withUser builds the flags.User of a request (here from headers; a real
// service would use its session) and puts it in the request's context.
func withUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := flags.User{
			DistinctID: r.Header.Get("X-User-ID"),
			DeviceID:   r.Header.Get("X-Device-ID"),
			Properties: map[string]any{},
		}
		if plan := r.Header.Get("X-User-Plan"); plan != "" {
			u.Properties["plan"] = plan
		}
		if email := r.Header.Get("X-User-Email"); email != "" {
			u.Properties["email"] = email
		}
		if company := r.Header.Get("X-Company"); company != "" {
			u.Groups = map[string]flags.Group{"company": {Key: company}}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	})
}

func userOf(r *http.Request) flags.User {
	u, _ := r.Context().Value(userKey{}).(flags.User)
	return u
}

// pricing is the payload of the pricing-page flag.
type pricing struct {
	Price  int  `json:"price"`
	Annual bool `json:"annual"`
}

func newServer(c *flags.Client) http.Handler {
	mux := http.NewServeMux()
	// Gated by a flag: users outside new-checkout get the old flow.
	mux.HandleFunc("GET /checkout", func(w http.ResponseWriter, r *http.Request) {
		if c.IsEnabled(r.Context(), "new-checkout", userOf(r)) {
			w.Write([]byte("new checkout\n"))
			return
		}
		w.Write([]byte("classic checkout\n"))
	})
	// Driven by a payload: each variant carries its price.
	mux.HandleFunc("GET /pricing", func(w http.ResponseWriter, r *http.Request) {
		res := c.Evaluate(r.Context(), "pricing-page", userOf(r))
		p, err := flags.PayloadAs[pricing](res)
		if err != nil {
			p = pricing{Price: 12} // the default when the flag has no answer
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"variant": res.Variant, "price": p.Price, "annual": p.Annual})
	})
	return withUser(mux)
}
