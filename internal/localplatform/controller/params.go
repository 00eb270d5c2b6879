package controller

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Readers for spec.parameters of an unstructured claim. The CRDs default most fields, but the
// controller must not depend on that (a CRD without a default, or an object written before the
// default existed), so every reader takes the schema default as fallback.

func paramField(obj *unstructured.Unstructured, path ...string) (any, bool) {
	full := append([]string{"spec", "parameters"}, path...)
	v, found, err := unstructured.NestedFieldNoCopy(obj.Object, full...)
	if err != nil || !found || v == nil {
		return nil, false
	}
	return v, true
}

func stringParam(obj *unstructured.Unstructured, def string, path ...string) string {
	if v, ok := paramField(obj, path...); ok {
		if s, ok := v.(string); ok && s != "" {
			return s
		}
	}
	return def
}

func intParam(obj *unstructured.Unstructured, def int64, path ...string) int64 {
	if v, ok := paramField(obj, path...); ok {
		if n, ok := asInt64(v); ok {
			return n
		}
	}
	return def
}

func boolParam(obj *unstructured.Unstructured, def bool, path ...string) bool {
	if v, ok := paramField(obj, path...); ok {
		if b, ok := v.(bool); ok {
			return b
		}
	}
	return def
}

// specString reads a string outside spec.parameters, e.g. spec.writeConnectionSecretToRef.name.
func specString(obj *unstructured.Unstructured, path ...string) string {
	s, _, _ := unstructured.NestedString(obj.Object, append([]string{"spec"}, path...)...)
	return s
}
