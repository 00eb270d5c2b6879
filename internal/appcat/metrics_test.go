package appcat

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestGrafanaDashboardHasPanelsForEveryMetric(t *testing.T) {
	raw, err := GrafanaDashboard(Redis, "shop", "cache", MetricsEndpoint{InstanceNamespace: "vshn-redis-cache-x1"})
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID    string
		Title  string
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal([]byte(raw), &dash); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if dash.UID == "" || len(dash.UID) > 40 || !strings.Contains(dash.Title, "shop/cache") || len(dash.Panels) == 0 {
		t.Errorf("dashboard %s", raw)
	}
	var exprs []string
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			if !strings.Contains(tg.Expr, `namespace="vshn-redis-cache-x1"`) {
				t.Errorf("panel %q: %s does not select the instance", p.Title, tg.Expr)
			}
			exprs = append(exprs, tg.Expr)
		}
	}
	all := strings.Join(exprs, "\n")
	for _, m := range MetricNames {
		if !strings.Contains(all, m) {
			t.Errorf("no panel shows %s", m)
		}
	}
	again, _ := GrafanaDashboard(Redis, "shop", "cache", MetricsEndpoint{InstanceNamespace: "vshn-redis-cache-x1"})
	if again != raw {
		t.Error("the dashboard is not stable across reads")
	}
}
