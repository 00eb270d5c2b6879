package appcat

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"
)

// ValidQuantity reports whether s is a Kubernetes resource quantity ("20Gi", "500m").
func ValidQuantity(s string) error {
	_, err := resource.ParseQuantity(s)
	if err != nil {
		return fmt.Errorf("%q is not a Kubernetes quantity (e.g. 20Gi, 512Mi, 500m)", s)
	}
	return nil
}

// CompareQuantities compares two quantities by value: -1 if a < b, 0 if equal, 1 if a > b.
// "20Gi" and "20480Mi" are equal.
func CompareQuantities(a, b string) (int, error) {
	qa, err := resource.ParseQuantity(a)
	if err != nil {
		return 0, ValidQuantity(a)
	}
	qb, err := resource.ParseQuantity(b)
	if err != nil {
		return 0, ValidQuantity(b)
	}
	return qa.Cmp(qb), nil
}
