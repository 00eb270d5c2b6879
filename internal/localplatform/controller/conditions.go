package controller

import (
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Crossplane-style conditions on claims, kept as plain maps in the unstructured status.

const (
	typeSynced = "Synced"
	typeReady  = "Ready"

	reasonReconcileSuccess = "ReconcileSuccess"
	reasonReconcileError   = "ReconcileError"
	reasonCreating         = "Creating"
	reasonUpdating         = "Updating"
	reasonAvailable        = "Available"

	statusTrue  = "True"
	statusFalse = "False"
)

type condition struct {
	Type, Status, Reason, Message string
	ObservedGeneration            int64
}

// conditionView is an existing condition read back from a claim.
type conditionView struct {
	condition
	LastTransitionTime time.Time
}

func toInt64(v any) int64 {
	n, _ := asInt64(v)
	return n
}

// asInt64 reads a number of an unstructured object. JSON decoding yields int64; objects built in
// Go may hold other number types. ok is false for anything that is not a number.
func asInt64(v any) (n int64, ok bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		return int64(n), true
	}
	return 0, false
}

func readCondition(m map[string]any) conditionView {
	s := func(k string) string { v, _ := m[k].(string); return v }
	t, _ := time.Parse(time.RFC3339, s("lastTransitionTime"))
	return conditionView{
		condition: condition{
			Type: s("type"), Status: s("status"), Reason: s("reason"), Message: s("message"),
			ObservedGeneration: toInt64(m["observedGeneration"]),
		},
		LastTransitionTime: t,
	}
}

// getCondition returns the claim's condition of type t.
func getCondition(obj *unstructured.Unstructured, t string) (conditionView, bool) {
	list, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, item := range list {
		if m, ok := item.(map[string]any); ok && m["type"] == t {
			return readCondition(m), true
		}
	}
	return conditionView{}, false
}

// setConditions puts conds into status.conditions. As in Crossplane, a condition that differs
// from the existing one in status, reason, message or observedGeneration replaces it with a
// new lastTransitionTime; an identical one is left as it is, so its time does not move and
// the status does not change.
func setConditions(status map[string]any, now time.Time, conds ...condition) {
	existing, _ := status["conditions"].([]any)
	out := make([]any, 0, len(existing)+len(conds))
	done := map[string]bool{}
	want := map[string]condition{}
	for _, c := range conds {
		want[c.Type] = c
	}
	for _, item := range existing {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		t, _ := m["type"].(string)
		c, replace := want[t]
		if !replace || done[t] {
			if !replace {
				out = append(out, m)
			}
			continue
		}
		done[t] = true
		if readCondition(m).condition == c {
			out = append(out, m)
		} else {
			out = append(out, conditionMap(c, now))
		}
	}
	for _, c := range conds {
		if !done[c.Type] {
			out = append(out, conditionMap(c, now))
			done[c.Type] = true
		}
	}
	status["conditions"] = out
}

func conditionMap(c condition, now time.Time) map[string]any {
	m := map[string]any{
		"type":               c.Type,
		"status":             c.Status,
		"reason":             c.Reason,
		"lastTransitionTime": now.UTC().Format(time.RFC3339),
		"observedGeneration": c.ObservedGeneration,
	}
	if c.Message != "" {
		m["message"] = c.Message
	}
	return m
}
