package appcat

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestPrometheusAPISendsHeaders: the configured headers (the reporter's X-Scope-OrgID) reach the
// endpoint, and the reporter's query arrives unchanged.
func TestPrometheusAPISendsHeaders(t *testing.T) {
	var org, query string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		org, query = r.Header.Get("X-Scope-OrgID"), r.FormValue("query")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"service":"VSHNRedis","name":"db-abcde"},"value":[1790812799,"99.5"]}]}}`))
	}))
	defer srv.Close()
	api, err := NewPrometheusAPI(PrometheusConfig{URL: srv.URL, Headers: map[string]string{"X-Scope-OrgID": "tenant-1"}})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := MonthWindow("2026-09", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	got, err := QuerySLIAvailability(context.Background(), api, w)
	if err != nil {
		t.Fatal(err)
	}
	if org != "tenant-1" || query != SLIAvailabilityQuery("30d") {
		t.Errorf("request: org %q, query %q", org, query)
	}
	if got[SLISeriesKey{Service: "VSHNRedis", Name: "db-abcde"}] != 99.5 {
		t.Errorf("availability %v", got)
	}
}

func TestPrometheusConfigErrors(t *testing.T) {
	if _, err := NewPrometheusAPI(PrometheusConfig{URL: "mimir:8080"}); err == nil || !strings.Contains(err.Error(), "not an http(s) URL") {
		t.Errorf("URL without scheme: %v", err)
	}
	if _, err := NewPrometheusAPI(PrometheusConfig{URL: "https://mimir", CACertificatePEM: "not pem"}); err == nil || !strings.Contains(err.Error(), "not PEM") {
		t.Errorf("bad CA: %v", err)
	}
}
