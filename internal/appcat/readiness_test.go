package appcat

import "testing"

func TestReadinessOf(t *testing.T) {
	cond := func(typ, status, reason string, gen int64) Condition {
		return Condition{Type: typ, Status: status, Reason: reason, Message: reason + " message", ObservedGeneration: gen}
	}
	tests := []struct {
		name       string
		generation int64
		conds      []Condition
		want       Readiness
	}{
		{"no conditions yet", 1, nil, Readiness{Reason: "Pending", Message: "the platform has not reported any condition yet"}},
		{"ready for current generation", 2, []Condition{cond("Synced", "True", "ReconcileSuccess", 2), cond("Ready", "True", "Available", 2)},
			Readiness{Ready: true, Reason: "Available", Message: "Available message"}},
		{"ready for an older generation is not ready", 3, []Condition{cond("Synced", "True", "ReconcileSuccess", 2), cond("Ready", "True", "Available", 2)},
			Readiness{Reason: "Pending", Message: "the platform has not observed generation 3 yet (conditions describe generation 2)"}},
		{"creating", 1, []Condition{cond("Synced", "True", "ReconcileSuccess", 1), cond("Ready", "False", "Creating", 1)},
			Readiness{Reason: "Creating", Message: "Creating message"}},
		{"reconcile error for current generation fails", 1, []Condition{cond("Synced", "False", "ReconcileError", 1), cond("Ready", "False", "ReconcileError", 1)},
			Readiness{Failing: true, Reason: "ReconcileError", Message: "ReconcileError message"}},
		{"reconcile error of an older generation is not a failure of this one", 2, []Condition{cond("Synced", "False", "ReconcileError", 1), cond("Ready", "False", "ReconcileError", 1)},
			Readiness{Reason: "Pending", Message: "the platform has not observed generation 2 yet (conditions describe generation 1)"}},
		{"conditions without observedGeneration count as current", 4, []Condition{cond("Synced", "True", "ReconcileSuccess", 0), cond("Ready", "True", "Available", 0)},
			Readiness{Ready: true, Reason: "Available", Message: "Available message"}},
		{"only Synced so far", 1, []Condition{cond("Synced", "True", "ReconcileSuccess", 1)},
			Readiness{Reason: "ReconcileSuccess", Message: "ReconcileSuccess message"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReadinessOf(tt.generation, Status{Conditions: tt.conds})
			if got != tt.want {
				t.Errorf("ReadinessOf() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCompareQuantities(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"20Gi", "20480Mi", 0}, {"20Gi", "40Gi", -1}, {"1Ti", "999Gi", 1}} {
		got, err := CompareQuantities(tt.a, tt.b)
		if err != nil || got != tt.want {
			t.Errorf("CompareQuantities(%q, %q) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
	}
	if _, err := CompareQuantities("twenty", "1Gi"); err == nil {
		t.Error("CompareQuantities accepted a bad quantity")
	}
}

func TestApplyObjectSendsOnlyWhatIsSet(t *testing.T) {
	v := "16"
	claim := &PostgreSQLClaim{
		Metadata: ObjectMeta{Name: "db", Namespace: "shop", Labels: map[string]string{"team": "a"}, ResourceVersion: "42", Generation: 3},
		Spec:     Spec[PostgreSQLParameters]{Parameters: PostgreSQLParameters{Service: &PostgreSQLService{MajorVersion: &v}}},
		Status:   Status{InstanceNamespace: "x"},
	}
	obj, err := applyObject(PostgreSQL, claim)
	if err != nil {
		t.Fatal(err)
	}
	if _, has := obj.Object["status"]; has {
		t.Error("apply object carries status")
	}
	meta := obj.Object["metadata"].(map[string]any)
	if _, has := meta["resourceVersion"]; has {
		t.Error("apply object carries resourceVersion")
	}
	params := obj.Object["spec"].(map[string]any)["parameters"].(map[string]any)
	if len(params) != 1 || params["service"].(map[string]any)["majorVersion"] != "16" {
		t.Errorf("parameters = %v, want only service.majorVersion", params)
	}
	if obj.GetKind() != "VSHNPostgreSQL" || obj.GetAPIVersion() != "vshn.appcat.vshn.io/v1" {
		t.Errorf("type = %s %s", obj.GetAPIVersion(), obj.GetKind())
	}
}
