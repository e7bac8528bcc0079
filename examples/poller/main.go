// Command poller keeps flag definitions fresh from PostHog and evaluates a
// flag, the way a long-running service would set the client up.
//
//	POSTHOG_PROJECT_API_KEY=phc_... POSTHOG_SECRET_KEY=phs_... \
//	    go run ./examples/poller -flag my-flag -user user-42
//
// Optional environment: POSTHOG_HOST (default https://us.i.posthog.com) and
// FLAGS_CACHE, a file where the last good definitions are kept so that a
// restart during an outage still serves flags.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/localflags/flags"
)

func main() {
	key := flag.String("flag", "", "flag key to evaluate")
	user := flag.String("user", "user-42", "distinct id to evaluate it for")
	wait := flag.Duration("wait", 10*time.Second, "how long to wait for the first definitions")
	flag.Parse()

	projectKey, secretKey := os.Getenv("POSTHOG_PROJECT_API_KEY"), os.Getenv("POSTHOG_SECRET_KEY")
	if projectKey == "" || secretKey == "" || *key == "" {
		fmt.Fprintln(os.Stderr, "set POSTHOG_PROJECT_API_KEY and POSTHOG_SECRET_KEY, and pass -flag KEY")
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	opts := []flags.Option{
		flags.WithPoller(flags.PollerConfig{
			Host:          os.Getenv("POSTHOG_HOST"), // empty means the default US host
			ProjectAPIKey: projectKey,
			SecretKey:     secretKey,
			Interval:      30 * time.Second,
		}),
		flags.WithLogger(logger),
		flags.WithUpdateHandler(func(s flags.Status) {
			logger.Info("definitions updated", "source", s.Source, "flags", s.Flags, "etag", s.ETag)
		}),
	}
	if path := os.Getenv("FLAGS_CACHE"); path != "" {
		opts = append(opts, flags.WithPersistence(path))
	}
	client, err := flags.New(opts...)
	if err != nil {
		logger.Error("creating the client", "error", err)
		os.Exit(1)
	}
	defer client.Close()

	// New does not block on the network; wait a bounded time for the first
	// definitions. Until they arrive, every flag evaluates as "not ready".
	ctx, cancel := context.WithTimeout(context.Background(), *wait)
	defer cancel()
	if err := client.WaitReady(ctx); err != nil {
		st := client.Status()
		logger.Error("no definitions yet", "error", err, "last_error", st.LastError, "unauthorized", st.Unauthorized)
		os.Exit(1)
	}

	r := client.Evaluate(context.Background(), *key, flags.User{DistinctID: *user})
	fmt.Printf("%s for %s: %v (%s)\n", *key, *user, r.Value(), r.Reason)
	if r.Payload != nil {
		fmt.Printf("payload: %s\n", r.Payload)
	}

	// A service would keep running; here, wait for Ctrl-C while the poller
	// keeps the definitions fresh in the background. The handler is in
	// place before the prompt, so an early Ctrl-C still closes the client.
	stop, _ := signal.NotifyContext(context.Background(), os.Interrupt)
	fmt.Println("polling; press Ctrl-C to stop")
	<-stop.Done()
}
