package controller

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Sizes (disk, memory, CPU, requests). AppCat's webhooks only parse them, so a zero or negative
// size is admitted; it fails where the instance is composed (Kubernetes refuses such a volume or
// container), and the claim never becomes ready. The platform fails such a claim the same way,
// before it provisions anything.

// sizeRoots are the objects below spec.parameters whose string fields are sizes, in every kind
// that has them: size (its plan aside) and MariaDB's service.proxySQL.resources.
var sizeRoots = [][]string{{"size"}, {"service", "proxySQL", "resources"}}

// sizeFields are single size fields below spec.parameters: Garage's service.metadataStorage.
var sizeFields = [][]string{{"service", "metadataStorage"}}

// checkSizes refuses a claim with a size that is not greater than zero.
func checkSizes(obj *unstructured.Unstructured) error {
	var bad []string
	for _, root := range sizeRoots {
		m, _, _ := unstructured.NestedMap(obj.Object, append([]string{"spec", "parameters"}, root...)...)
		bad = append(bad, nonPositiveSizes(m, "spec.parameters."+strings.Join(root, "."))...)
	}
	for _, f := range sizeFields {
		parent, name := f[:len(f)-1], f[len(f)-1]
		m, _, _ := unstructured.NestedMap(obj.Object, append([]string{"spec", "parameters"}, parent...)...)
		if v, ok := m[name].(string); ok {
			bad = append(bad, nonPositiveSizes(map[string]any{name: v}, "spec.parameters."+strings.Join(parent, "."))...)
		}
	}
	if len(bad) > 0 {
		return userError{msg: "cannot compose the instance: " + strings.Join(bad, "; ")}
	}
	return nil
}

func nonPositiveSizes(m map[string]any, prefix string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var bad []string
	for _, k := range keys {
		switch v := m[k].(type) {
		case map[string]any:
			bad = append(bad, nonPositiveSizes(v, prefix+"."+k)...)
		case string:
			if k == "plan" {
				continue
			}
			if q, err := resource.ParseQuantity(v); err == nil && q.Sign() <= 0 {
				bad = append(bad, fmt.Sprintf("%s.%s: Invalid value: %q: must be greater than zero", prefix, k, v))
			}
		}
	}
	return bad
}
