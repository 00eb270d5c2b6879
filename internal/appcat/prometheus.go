package appcat

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
)

// A Prometheus-compatible query endpoint (Prometheus, Thanos, Mimir) that the user configures.
// AppCat serves no SLA figures through the Kubernetes API: VSHN's SLA reporter (appcat
// pkg/slareport/prom.go) computes them from recorded SLI series in such an endpoint, and so does
// this client.

// PrometheusConfig says how to reach a Prometheus-compatible HTTP API.
type PrometheusConfig struct {
	// URL is the API's base URL, without /api/v1 (e.g. https://mimir.example.com/prometheus).
	URL string
	// Headers are sent with every request, e.g. X-Scope-OrgID (as the reporter's --mimirorg) or
	// Authorization.
	Headers map[string]string
	// CACertificatePEM, when set, is the only CA trusted for an https URL.
	CACertificatePEM string
}

// NewPrometheusAPI is a client of the endpoint.
func NewPrometheusAPI(cfg PrometheusConfig) (promv1.API, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http(s) URL", cfg.URL)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if cfg.CACertificatePEM != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(cfg.CACertificatePEM)) {
			return nil, errors.New("the CA certificate is not PEM")
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	var rt http.RoundTripper = transport
	if len(cfg.Headers) > 0 {
		rt = headerRoundTripper{next: transport, headers: cfg.Headers}
	}
	c, err := api.NewClient(api.Config{Address: cfg.URL, RoundTripper: rt})
	if err != nil {
		return nil, err
	}
	return promv1.NewAPI(c), nil
}

// headerRoundTripper adds fixed headers to every request.
type headerRoundTripper struct {
	next    http.RoundTripper
	headers map[string]string
}

func (h headerRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, v := range h.headers {
		req.Header.Set(k, v)
	}
	return h.next.RoundTrip(req)
}
