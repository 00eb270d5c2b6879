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

// ValidSize reports whether s is a Kubernetes quantity greater than zero, as every size of an
// instance (disk, memory, CPU, requests) must be: AppCat's webhooks only parse them, and a zero
// or negative size then fails where the instance is composed, long after the apply.
func ValidSize(s string) error {
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return ValidQuantity(s)
	}
	if q.Sign() <= 0 {
		return fmt.Errorf("%q is not a size: it must be greater than zero (e.g. 20Gi, 512Mi, 500m)", s)
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
