package flags

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestFetchDefinitionsBodyLimit checks that FetchDefinitions accepts what a
// polling Client accepts: a document over MaxDocumentBytes when
// PollerConfig.MaxBodyBytes allows it, and nothing over MaxBodyBytes.
func TestFetchDefinitionsBodyLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("serves a 64 MiB document")
	}
	doc := `{"flags":[{"key":"f","active":true,"filters":{"groups":[{"rollout_percentage":100}]}}],"padding":"` +
		strings.Repeat("x", MaxDocumentBytes) + `"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(doc))
	}))
	defer srv.Close()
	cfg := pollerConfig(srv.URL)
	cfg.Timeout = time.Minute // 64 MiB under -race on a loaded machine: the limit is the subject, not the time
	cfg.MaxBodyBytes = int64(len(doc))
	got, _, err := FetchDefinitions(context.Background(), cfg)
	if err != nil || len(got) != len(doc) {
		t.Fatalf("a document at MaxBodyBytes: %d bytes, %v", len(got), err)
	}
	cfg.MaxBodyBytes = int64(len(doc)) - 1
	if _, _, err := FetchDefinitions(context.Background(), cfg); err == nil {
		t.Fatal("a document over MaxBodyBytes was accepted")
	}
}
