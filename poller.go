package flags

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cespare/xxhash/v2"
)

// PollerConfig configures polling PostHog for definitions; pass it to
// [WithPoller]. Zero fields take the defaults given.
type PollerConfig struct {
	// Host is PostHog's API host; default "https://us.i.posthog.com". The
	// app hosts (app.posthog.com, us.posthog.com, eu.posthog.com) are mapped
	// to their API hosts.
	Host string
	// ProjectAPIKey ("phc_...") is sent as the token query parameter.
	ProjectAPIKey string
	// SecretKey ("phs_..." or a personal "phx_..." key with feature flag
	// read access) is sent as a bearer token, and only to Host: a redirect
	// to another scheme, host or port is followed without it. Neither key
	// appears in the client's logs, errors, warnings or Status.
	SecretKey string
	// Interval between polls; default 30s. Each wait is between 90% and
	// 100% of it, so that a fleet does not poll in step and no poll comes
	// later than the interval.
	Interval time.Duration
	// Timeout for one request, including reading the body; default 10s.
	Timeout time.Duration
	// HTTPClient sends the requests; default a client with connect, TLS and
	// idle timeouts. Its own Timeout, if any, also applies. The poller uses
	// a copy whose CheckRedirect first refuses a redirect from https to
	// http and drops the Authorization header on a redirect that leaves
	// Host's scheme, host or port, then calls HTTPClient's own.
	HTTPClient *http.Client
	// MaxBodyBytes caps a response body; default 64 MiB. A larger body is
	// an error, never a partial load.
	MaxBodyBytes int64
	// Path is the definitions endpoint's path. By default the poller asks
	// "/flags/definitions", and when that answers 404 (a self-hosted
	// PostHog older than the endpoint) it falls back to
	// "/api/feature_flag/local_evaluation" and keeps using whichever
	// answered. A Path set here is used as it is, without fallback.
	Path string
}

// Defaults of PollerConfig.
const (
	DefaultHost         = "https://us.i.posthog.com"
	DefaultPollInterval = 30 * time.Second
	DefaultPollTimeout  = 10 * time.Second
	DefaultMaxBodyBytes = MaxDocumentBytes
	// MaxBackoff caps the wait after repeated failures (or Interval, if that
	// is longer).
	MaxBackoff = 5 * time.Minute
	// maxRetryAfter bounds how long a Retry-After header can make the poller
	// wait.
	maxRetryAfter = time.Hour
)

// Errors a poll can end with; compare with [errors.Is].
var (
	// ErrUnauthorized: PostHog answered 401 or 403. The keys are wrong or
	// lack the feature_flag:read scope.
	ErrUnauthorized = errors.New("flags: PostHog refused the keys (401/403)")
	// ErrQuotaLimited: PostHog answered 402, over the feature flag quota.
	// Unlike PostHog's SDKs, the client keeps serving its last good
	// definitions.
	ErrQuotaLimited = errors.New("flags: PostHog feature flag quota exceeded (402)")
)

// WithPoller polls PostHog for definitions in the background. New does not
// wait for the first poll: without a bootstrap the client serves "not
// ready" results until it completes (see [Client.WaitReady]). Failed polls
// keep the last good definitions.
func WithPoller(cfg PollerConfig) Option {
	return func(c *config) error {
		if cfg.ProjectAPIKey == "" || cfg.SecretKey == "" {
			return errors.New("flags: WithPoller: ProjectAPIKey and SecretKey are required")
		}
		if cfg.Interval < 0 || cfg.Timeout < 0 || cfg.MaxBodyBytes < 0 {
			return errors.New("flags: WithPoller: Interval, Timeout and MaxBodyBytes must not be negative")
		}
		if cfg.Host == "" {
			cfg.Host = DefaultHost
		}
		host, err := apiHost(cfg.Host)
		if err != nil {
			return err
		}
		cfg.Host = host
		if cfg.Interval == 0 {
			cfg.Interval = DefaultPollInterval
		}
		if cfg.Timeout == 0 {
			cfg.Timeout = DefaultPollTimeout
		}
		if cfg.MaxBodyBytes == 0 {
			cfg.MaxBodyBytes = DefaultMaxBodyBytes
		}
		if cfg.HTTPClient == nil {
			cfg.HTTPClient = defaultHTTPClient()
			c.ownHTTPClient = true
		}
		hc := *cfg.HTTPClient
		hc.CheckRedirect = guardRedirect(hc.CheckRedirect)
		cfg.HTTPClient = &hc
		c.poller = &cfg
		return nil
	}
}

// apiHost validates host and maps PostHog's app hosts to API hosts.
func apiHost(host string) (string, error) {
	u, err := url.Parse(strings.TrimRight(host, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("flags: WithPoller: Host %q is not an http(s) URL", host)
	}
	switch u.Host {
	case "app.posthog.com", "us.posthog.com":
		u.Host = "us.i.posthog.com"
	case "eu.posthog.com":
		u.Host = "eu.i.posthog.com"
	}
	return u.String(), nil
}

// guardRedirect wraps a CheckRedirect (nil for Go's default) so that the
// secret goes nowhere but the host it was meant for. Go itself drops
// Authorization on a redirect to another domain, but keeps it for the same
// host on another port, and follows https to http.
func guardRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if prev := via[len(via)-1].URL; prev.Scheme == "https" && req.URL.Scheme != "https" {
			return fmt.Errorf("flags: refusing a redirect from https to %s", req.URL.Scheme)
		}
		if first := via[0].URL; req.URL.Scheme != first.Scheme || !strings.EqualFold(hostPort(req.URL), hostPort(first)) {
			req.Header.Del("Authorization")
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("flags: stopped after 10 redirects")
		}
		return nil
	}
}

// hostPort is u's host and port, with the scheme's default port when u
// names none, so that a redirect from example.com to example.com:443 is
// not a change of port.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: t}
}

// poller is the polling state. mu serializes fetches (the loop and Reload);
// evaluations never take it.
type poller struct {
	cfg      PollerConfig
	url      string
	legacy   string    // the older endpoint's URL, to try on a 404; "" once tried or with PollerConfig.Path
	red      *redactor // the keys, out of every error a request returns
	mu       sync.Mutex
	etag     string
	failures int
	state    pollState // last logged state
}

// pollState is what the logs have last said about the poller, so that a
// problem is logged when it starts and when it ends, not at every poll.
type pollState uint8

const (
	pollOK pollState = iota
	pollUnauthorized
	pollQuota
	pollFailing
)

// The definitions endpoints: the current one, and the one older
// self-hosted PostHog serves.
const (
	definitionsPath       = "/flags/definitions"
	legacyDefinitionsPath = "/api/feature_flag/local_evaluation"
)

func newPoller(cfg PollerConfig, etag string) *poller {
	// posthog-node sends a bare "send_cohorts"; the server only checks that
	// it is present.
	query := "?" + url.Values{"token": {cfg.ProjectAPIKey}}.Encode() + "&send_cohorts"
	p := &poller{cfg: cfg, etag: etag, red: newRedactor(cfg.SecretKey, cfg.ProjectAPIKey)}
	if cfg.Path != "" {
		p.url = cfg.Host + "/" + strings.TrimLeft(cfg.Path, "/") + query
	} else {
		p.url = cfg.Host + definitionsPath + query
		p.legacy = cfg.Host + legacyDefinitionsPath + query
	}
	return p
}

// pollOutcome is one poll's result, enough to choose the next wait.
type pollOutcome struct {
	err        error
	state      pollState
	retryAfter time.Duration
}

// runPoller polls until ctx is done.
func (c *Client) runPoller(ctx context.Context) {
	defer c.wg.Done()
	for {
		out := c.poll(ctx)
		if ctx.Err() != nil {
			return
		}
		d := c.nextPoll(out)
		c.mu.Lock()
		c.status.NextPoll = c.cfg.now().Add(d)
		c.mu.Unlock()
		if c.cfg.sleep(ctx, d) != nil {
			return
		}
	}
}

// nextPoll is the wait before the next poll: the interval after a success
// (or a quota answer, which waits for the interval like a success), and an
// exponential backoff after failures, Interval·2^n capped at
// max(MaxBackoff, Interval), never shorter than a Retry-After. Every wait
// is jittered downwards only, to between 90% and 100% of itself: PostHog's
// loader refreshes after each polling interval, and no poll may be late.
func (c *Client) nextPoll(out pollOutcome) time.Duration {
	p := c.poller
	d := p.cfg.Interval
	if out.err != nil && out.state != pollQuota {
		limit := max(MaxBackoff, p.cfg.Interval)
		for i := 0; i < p.failures && d < limit; i++ {
			d *= 2
		}
		d = min(d, limit)
	}
	d = time.Duration(float64(d) * (1 - 0.1*c.cfg.rand()))
	return max(d, out.retryAfter)
}

// poll fetches the definitions once and applies the answer.
func (c *Client) poll(ctx context.Context) pollOutcome {
	p := c.poller
	p.mu.Lock()
	defer p.mu.Unlock()
	out := c.fetch(ctx, p)
	if ctx.Err() != nil && out.err != nil {
		return out // closing: nothing to record
	}
	if out.err == nil {
		p.failures = 0
	} else {
		p.failures++
		c.recordError(out.err)
	}
	c.mu.Lock()
	c.status.QuotaLimited = out.state == pollQuota
	c.status.Unauthorized = out.state == pollUnauthorized
	c.mu.Unlock()
	if out.err == nil {
		c.recordCheck()
	}
	if out.state != p.state {
		c.logPollState(out)
		p.state = out.state
	}
	return out
}

func (c *Client) logPollState(out pollOutcome) {
	log := c.cfg.logger
	serving := "serving the last good definitions"
	if c.snap.Load() == nil {
		serving = "no definitions to serve yet"
	}
	switch out.state {
	case pollOK:
		log.Info("flags: polling PostHog works again")
	case pollUnauthorized:
		log.Error("flags: PostHog refused the keys; "+serving, "error", out.err)
	case pollQuota:
		log.Warn("flags: PostHog feature flag quota exceeded; "+serving, "error", out.err)
	case pollFailing:
		log.Warn("flags: polling PostHog failed; "+serving, "error", out.err)
	}
}

// response is one answer to a definitions request.
type response struct {
	status     int
	body       []byte // a 200's body, read within MaxBodyBytes
	etag       string
	retryAfter time.Duration
}

// request asks PostHog for the definitions, sending etag as If-None-Match,
// and reads a 200's body. Both the poller and FetchDefinitions use it. Its
// errors never hold the keys: a transport error quotes the URL, which holds
// the project key.
func (p *poller) request(ctx context.Context, etag string, now time.Time) (response, error) {
	r, err := p.send(ctx, etag, now)
	if r.status == http.StatusNotFound && p.legacy != "" {
		// An older PostHog: use its endpoint from now on, if it answers.
		legacy := p.legacy
		p.legacy = ""
		if r2, err2 := p.sendTo(ctx, legacy, etag, now); r2.status != http.StatusNotFound {
			p.url, r, err = legacy, r2, err2
		}
	}
	return r, p.red.error(err)
}

func (p *poller) send(ctx context.Context, etag string, now time.Time) (response, error) {
	return p.sendTo(ctx, p.url, etag, now)
}

func (p *poller) sendTo(ctx context.Context, url, etag string, now time.Time) (response, error) {
	cfg := &p.cfg
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return response{}, fmt.Errorf("flags: poll: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+cfg.SecretKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := cfg.HTTPClient.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("flags: poll: %w", err)
	}
	defer resp.Body.Close()
	r := response{status: resp.StatusCode, etag: resp.Header.Get("ETag")}
	switch r.status {
	case http.StatusOK:
		r.body, err = io.ReadAll(io.LimitReader(resp.Body, cfg.MaxBodyBytes+1))
		if err != nil {
			return r, fmt.Errorf("flags: poll: reading the definitions: %w", err)
		}
		if int64(len(r.body)) > cfg.MaxBodyBytes {
			return r, fmt.Errorf("flags: poll: the definitions exceed the %d-byte limit (PollerConfig.MaxBodyBytes)", cfg.MaxBodyBytes)
		}
	case http.StatusNotModified:
	case http.StatusUnauthorized, http.StatusForbidden:
		return r, fmt.Errorf("%w: HTTP %d", ErrUnauthorized, r.status)
	case http.StatusPaymentRequired:
		return r, ErrQuotaLimited
	default:
		r.retryAfter = retryAfter(resp.Header.Get("Retry-After"), now)
		return r, fmt.Errorf("flags: poll: PostHog answered HTTP %d", r.status)
	}
	return r, nil
}

// fetch polls once and applies the answer. p.mu is held.
func (c *Client) fetch(ctx context.Context, p *poller) pollOutcome {
	r, err := p.request(ctx, p.etag, c.cfg.now())
	switch {
	case errors.Is(err, ErrUnauthorized):
		return pollOutcome{err: err, state: pollUnauthorized}
	case errors.Is(err, ErrQuotaLimited):
		return pollOutcome{err: err, state: pollQuota}
	case err != nil:
		return pollOutcome{err: err, state: pollFailing, retryAfter: r.retryAfter}
	case r.status == http.StatusNotModified && c.snap.Load() == nil:
		// Nothing is loaded for the answer to confirm: the next request
		// asks for the whole document.
		p.etag = ""
		return pollOutcome{err: errNothingModified, state: pollFailing}
	case r.status == http.StatusNotModified:
		if r.etag != "" {
			p.etag = r.etag
			c.mu.Lock()
			c.status.ETag = r.etag
			c.mu.Unlock()
		}
		return pollOutcome{}
	}
	return c.applyPolled(r, p)
}

// applyPolled swaps in a 200's document if it parses.
func (c *Client) applyPolled(r response, p *poller) pollOutcome {
	fp := xxhash.Sum64(r.body)
	c.mu.Lock()
	same := c.status.Fingerprint == fp && c.status.Source != SourceNone
	c.mu.Unlock()
	if same {
		// The same document again (a server without ETags): nothing to
		// compile.
		p.etag = r.etag
		c.mu.Lock()
		c.status.ETag = r.etag
		c.mu.Unlock()
		return pollOutcome{}
	}
	if err := c.load(r.body, loaded{source: SourcePoll, at: c.cfg.now(), etag: r.etag, fingerprint: fp}, true); err != nil {
		return pollOutcome{err: fmt.Errorf("flags: poll: %w", err), state: pollFailing}
	}
	p.etag = r.etag
	return pollOutcome{}
}

// FetchDefinitions downloads the definitions document once, with the
// poller's request and checks, and returns it with its ETag. The document
// is checked to parse. It is meant for tools such as flagctl fetch, which
// save a snapshot for bootstrapping or as a test fixture; a Client polls by
// itself.
func FetchDefinitions(ctx context.Context, cfg PollerConfig) (doc []byte, etag string, err error) {
	var c config
	if err := WithPoller(cfg)(&c); err != nil {
		return nil, "", err
	}
	p := newPoller(*c.poller, "")
	r, err := p.request(ctx, "", time.Now())
	if err != nil {
		return nil, "", err
	}
	if r.status == http.StatusNotModified {
		return nil, "", errNothingModified
	}
	if _, err := compile(r.body, compileOptions{runtime: RuntimeAll, maxBytes: p.cfg.MaxBodyBytes}); err != nil {
		return nil, "", p.red.error(fmt.Errorf("flags: PostHog sent definitions that do not parse: %w", err))
	}
	return r.body, r.etag, nil
}

// retryAfter reads a Retry-After header, seconds or an HTTP date, as a
// wait between 0 and maxRetryAfter. A number of seconds too large for any
// integer still asks for a long wait, so it is clamped, not ignored.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil || isRangeError(err) {
		switch {
		case secs <= 0:
			return 0
		case secs >= int64(maxRetryAfter/time.Second):
			return maxRetryAfter
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter)
	}
	return 0
}

// errNothingModified is a 304 answer when no definitions are loaded: it
// confirms nothing, so it is a failure, not a check.
var errNothingModified = errors.New("flags: poll: PostHog answered 304 Not Modified, but no definitions are loaded")
