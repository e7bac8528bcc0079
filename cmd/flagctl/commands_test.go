package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateProblems runs validate on a fixture holding one instance of
// each problem it knows: each must be reported with its flag key.
func TestValidateProblems(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"validate", "../../testdata/validate/problems.json"}, nil, &out, &errOut)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	lines := out.String()
	for _, want := range []struct{ severity, flag, text string }{
		{"error", "unknown-op", `unknown operator "is_date_exact"`},
		{"error", "bad-regex", "does not compile"},
		{"error", "nonportable-regex", "outside the portable subset"},
		{"error", "bad-version", "not a version"},
		{"error", "bad-date", "not an ISO-8601 date"},
		{"warning", "variant-sum", "sum to 80, not 100"},
		{"warning", "bad-override", `"gamma" names no variant`},
		{"error", "static-cohort", "cohort 404 is not in the document's cohorts"},
		{"error", "cycle-a", "dependency cycle"},
		{"error", "cycle-b", "dependency cycle"},
		{"error", "circular-by-server", "circular or missing"},
		{"error", "missing-dep", `"ghost"`},
		{"warning", "unreachable", "unreachable"},
		{"error", "continuity", "never be decided locally"},
		{"warning", "client-only", `"client"`},
		{"error", "malformed", "not a boolean"},
	} {
		prefix := want.severity + `: flag "` + want.flag + `" (`
		found := false
		for _, l := range strings.Split(lines, "\n") {
			if strings.Contains(l, prefix) && strings.Contains(l, want.text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s for %q mentioning %q in:\n%s", want.severity, want.flag, want.text, lines)
		}
	}
	if strings.Contains(lines, `"fine"`) {
		t.Error("the fine flag was reported")
	}
	if n := strings.Count(lines, "\n"); n != 16 {
		t.Errorf("%d problems, want 16:\n%s", n, lines)
	}
	if !strings.Contains(errOut.String(), "12 errors, 4 warnings") {
		t.Errorf("summary: %s", errOut.String())
	}
}

func TestValidateCleanAndUnparsable(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"validate", "../../testdata/snapshot.json"}, nil, &out, &errOut); code != 0 || out.Len() != 0 {
		t.Errorf("clean fixture: exit %d, output %q", code, out.String())
	}
	out.Reset()
	code := run([]string{"validate", "../../testdata/validate/unparsable.json"}, nil, &out, &errOut)
	if code != 1 || !strings.Contains(out.String(), "error: line 4, column 75: definitions are not valid JSON") {
		t.Errorf("unparsable: exit %d, output %q", code, out.String())
	}
}

// TestExplainBinary builds flagctl and explains a multi-condition flag.
func TestExplainBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "flagctl")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "explain", "--definitions", "../../testdata/snapshot.json", "--flag", "pricing-page",
		"--user", `{"distinct_id": "user-7", "person_properties": {"email": "ada@example.com"}}`)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("flagctl explain: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{
		`flag "pricing-page": `,
		"(matched), condition 1",
		`bucketing id: "user-7"`,
		"condition 0: no match",
		`email icontains "@posthog.com": saw "ada@example.com": fail`,
		"condition 1: matched",
		"rollout 100%: bucket",
		"variant bucket",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	// Errors go to stderr with a non-zero exit.
	cmd = exec.Command(bin, "explain", "--definitions", "../../testdata/snapshot.json", "--flag", "x", "--user", "{")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil || !strings.Contains(stderr.String(), "--user") {
		t.Errorf("bad --user: %v, stderr %q", err, stderr.String())
	}
}

func TestFetch(t *testing.T) {
	const secret = "phs_fetch_secret"
	doc, err := os.ReadFile("../../testdata/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/flags/definitions" || r.Header.Get("Authorization") != "Bearer "+secret {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.Header().Set("ETag", `"abc"`)
		w.WriteHeader(status)
		w.Write(doc)
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "snapshot.json")
	t.Setenv("POSTHOG_SECRET_KEY", secret)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"fetch", "--host", srv.URL, "--project-api-key", "phc_x", "-o", out}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, doc) || !strings.Contains(stderr.String(), `6 flags, ETag "abc"`) {
		t.Errorf("fetched %d bytes; stderr %q", len(got), stderr.String())
	}
	// The document holds no secret: readable by all unless told otherwise.
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("the fixture's mode: %v, %v; want 0644", fi.Mode(), err)
	}
	if code := run([]string{"fetch", "--host", srv.URL, "--project-api-key", "phc_x", "--mode", "0600", "-o", out}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("--mode 0600: exit %d: %s", code, stderr.String())
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("with --mode 0600: %v, %v", fi.Mode(), err)
	}
	if code := run([]string{"fetch", "--host", srv.URL, "--project-api-key", "phc_x", "--mode", "rw", "-o", out}, nil, &stdout, &stderr); code != 2 {
		t.Errorf("--mode rw: exit %d, want 2", code)
	}
	status = http.StatusUnauthorized
	stderr.Reset()
	if code := run([]string{"fetch", "--host", srv.URL, "--project-api-key", "phc_x", "-o", out}, nil, &stdout, &stderr); code != 1 {
		t.Errorf("a 401 gave exit %d", code)
	}
	if strings.Contains(stderr.String(), secret) || !strings.Contains(stderr.String(), "401") {
		t.Errorf("stderr %q", stderr.String())
	}
	// The key given on the command line instead, for a success and a 401:
	// neither output may repeat it.
	t.Setenv("POSTHOG_SECRET_KEY", "")
	for _, code := range []int{http.StatusOK, http.StatusUnauthorized} {
		status = code
		stdout.Reset()
		stderr.Reset()
		exit := run([]string{"fetch", "--host", srv.URL, "--project-api-key", "phc_x", "--secret-key", secret, "-o", out}, nil, &stdout, &stderr)
		if (exit == 0) != (code == http.StatusOK) {
			t.Errorf("HTTP %d with --secret-key: exit %d: %s", code, exit, stderr.String())
		}
		if strings.Contains(stdout.String()+stderr.String(), secret) {
			t.Errorf("HTTP %d: the secret key leaked: %q %q", code, stdout.String(), stderr.String())
		}
	}
}

func TestHelpIsComplete(t *testing.T) {
	for _, c := range commands {
		var out, errOut bytes.Buffer
		if code := run([]string{c.name, "-h"}, nil, &out, &errOut); code != 0 {
			t.Errorf("%s -h: exit %d", c.name, code)
		}
		help := out.String() + errOut.String()
		if !strings.Contains(help, "Usage: flagctl "+c.name) || !strings.Contains(help, "Flags:") {
			t.Errorf("%s -h is incomplete:\n%s", c.name, help)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"help"}, nil, &out, &errOut); code != 0 || errOut.Len() != 0 {
		t.Errorf("help: exit %d, stderr %q; want exit 0 and the help on stdout", code, errOut.String())
	}
	for _, c := range commands {
		if !strings.Contains(out.String(), "\n  "+c.name+" ") || !strings.Contains(out.String(), c.summary) {
			t.Errorf("help does not list %s (%s):\n%s", c.name, c.summary, out.String())
		}
	}
}
