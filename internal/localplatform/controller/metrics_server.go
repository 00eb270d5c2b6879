package controller

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The metrics server: the local platform's stand-in for the cluster's monitoring, started by Run
// on 127.0.0.1 (a free port). Its address is published in the ConfigMap appcat-system/monitoring
// (monitoring_config.go), never in claims. It serves
//
//	GET|POST /api/v1/query, /api/v1/query_range
//	    a Prometheus-compatible HTTP API (promql_reporter.go): the SLA reporter's availability
//	    and target queries (appcat pkg/slareport/prom.go) over the instances' recorded SLI
//	    (sli_series.go), and, for instant queries, vector selectors with equality matchers over
//	    every instance's series as a cluster Prometheus holds them (metrics.go); anything else
//	    is 400 bad_data;
//	GET /services/<instance namespace>/<service>/<port>/metrics
//	    what the exporter behind an instance's metrics Service answers (monitoring_objects.go):
//	    the in-cluster URL http://<service>.<namespace>.svc:<port>/metrics, reached on loopback.

type metricsServer struct {
	base   string // http://127.0.0.1:<port>
	reader client.Reader
}

// startMetricsServer listens on a free loopback port and serves until ctx is done.
func startMetricsServer(ctx context.Context, reader client.Reader) (*metricsServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the metrics server: %w", err)
	}
	s := &metricsServer{base: "http://" + l.Addr().String(), reader: reader}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /services/{namespace}/{service}/{port}/metrics", s.serviceMetrics)
	mux.HandleFunc("GET /api/v1/query", s.query)
	mux.HandleFunc("POST /api/v1/query", s.query)
	mux.HandleFunc("GET /api/v1/query_range", s.queryRange)
	mux.HandleFunc("POST /api/v1/query_range", s.queryRange)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	return s, nil
}

// serviceMetrics answers as the exporter behind an instance's metrics Service would: its up
// metric (redis_exporter's redis_up, mysqld_exporter's mysql_up).
func (s *metricsServer) serviceMetrics(w http.ResponseWriter, req *http.Request) {
	port, err := strconv.ParseInt(req.PathValue("port"), 10, 32)
	if err != nil {
		http.Error(w, "bad port", http.StatusBadRequest)
		return
	}
	k, obj, err := metricsServiceOwner(req.Context(), s.reader, req.PathValue("namespace"), req.PathValue("service"), int32(port))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	p, ok := monitoringPlanFor(k, obj, specString(obj, "resourceRef", "name"))
	if !ok {
		http.Error(w, k.Kind+" instances have no metrics service", http.StatusNotFound)
		return
	}
	up := 0.0
	if c, ok := getCondition(obj, typeReady); ok && c.Status == statusTrue {
		up = 1
	}
	var b strings.Builder
	writeFamily(&b, p.exporterUp, "gauge", "Whether the exporter reached the "+k.Service+" server.", nil, up)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

// sample is one series' value.
type sample struct {
	Name   string
	Labels map[string]string
	Value  string
}

var (
	selectorPattern = regexp.MustCompile(`^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{(.*)\})?\s*$`)
	matcherPattern  = regexp.MustCompile(`^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$`)
	samplePattern   = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$`)
	labelPattern    = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)
)

// parseSelector reads an instant vector selector with equality matchers.
func parseSelector(q string) (name string, matchers map[string]string, err error) {
	m := selectorPattern.FindStringSubmatch(q)
	if m == nil || (m[1] == "" && strings.TrimSpace(m[2]) == "") {
		return "", nil, errors.New(`only vector selectors with equality matchers are supported, e.g. metric{label="value"}`)
	}
	matchers = map[string]string{}
	if strings.TrimSpace(m[2]) != "" {
		for _, part := range splitMatchers(m[2]) {
			mm := matcherPattern.FindStringSubmatch(part)
			if mm == nil {
				return "", nil, fmt.Errorf("unsupported matcher %q: only label=\"value\" is supported", strings.TrimSpace(part))
			}
			v, err := strconv.Unquote(`"` + mm[2] + `"`)
			if err != nil {
				return "", nil, err
			}
			matchers[mm[1]] = v
		}
	}
	return m[1], matchers, nil
}

// splitMatchers splits at commas outside quotes.
func splitMatchers(s string) []string {
	var out []string
	var cur strings.Builder
	inQuote, escaped := false, false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case r == '"':
			inQuote = !inQuote
		case r == ',' && !inQuote:
			out = append(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, cur.String())
	}
	return out
}

// parseSamples reads the samples of the text format this server writes.
func parseSamples(text string) []sample {
	var out []sample
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		m := samplePattern.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		labels := map[string]string{}
		for _, l := range labelPattern.FindAllStringSubmatch(m[2], -1) {
			v, err := strconv.Unquote(`"` + l[2] + `"`)
			if err == nil {
				labels[l[1]] = v
			}
		}
		out = append(out, sample{Name: m[1], Labels: labels, Value: m[3]})
	}
	return out
}

func (s sample) matches(name string, matchers map[string]string) bool {
	if name != "" && s.Name != name {
		return false
	}
	for k, v := range matchers {
		if k == "__name__" {
			if s.Name != v {
				return false
			}
			continue
		}
		if s.Labels[k] != v {
			return false
		}
	}
	return true
}

func (s *metricsServer) query(w http.ResponseWriter, req *http.Request) {
	writeJSON := func(code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(v)
	}
	if s.reporterQuery(w, req, false) { // prom_api.go
		return
	}
	name, matchers, err := parseSelector(req.FormValue("query"))
	if err != nil {
		writeJSON(http.StatusBadRequest, map[string]any{"status": "error", "errorType": "bad_data", "error": err.Error()})
		return
	}
	now := time.Now()
	result := []any{}
	for _, k := range kinds {
		list := k.newList()
		if err := s.reader.List(req.Context(), list); err != nil {
			writeJSON(http.StatusServiceUnavailable, map[string]any{"status": "error", "errorType": "unavailable", "error": err.Error()})
			return
		}
		for i := range list.Items {
			if str(&list.Items[i], "status", "instanceNamespace") == "" {
				continue
			}
			obj, err := withStoredState(req.Context(), s.reader, k, &list.Items[i]) // state.go: its clock
			if err != nil {
				writeJSON(http.StatusServiceUnavailable, map[string]any{"status": "error", "errorType": "unavailable", "error": err.Error()})
				return
			}
			for _, smp := range parseSamples(renderMetrics(k, obj, storedClock(obj.Object["status"]).at(now))) {
				if !smp.matches(name, matchers) {
					continue
				}
				metric := map[string]string{"__name__": smp.Name}
				for lk, lv := range smp.Labels {
					metric[lk] = lv
				}
				result = append(result, map[string]any{"metric": metric, "value": []any{float64(now.UnixMilli()) / 1000, smp.Value}})
			}
		}
	}
	writeJSON(http.StatusOK, map[string]any{"status": "success", "data": map[string]any{"resultType": "vector", "result": result}})
}
