package appcat

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ErrNotFound is returned when a claim or secret does not exist.
var ErrNotFound = errors.New("not found")

// IsNotFound tells whether err means the object does not exist.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrNotFound) || apierrors.IsNotFound(err)
}

// ReadMode chooses how a read is answered.
type ReadMode int

const (
	// Exact reads with a GET: use right after a write, and whenever the answer decides a write.
	Exact ReadMode = iota
	// Snapshot may answer from a short-lived per-namespace list: use for refresh, where many
	// objects of one namespace are read at once. Objects this process wrote are still read exactly.
	Snapshot
)

// GetClaim reads a claim and decodes it. A missing claim is ErrNotFound.
func GetClaim[P any](ctx context.Context, c *Client, k Kind, namespace, name string, mode ReadMode) (*Claim[P], error) {
	u, err := c.get(ctx, k.GVR(), namespace, name, mode)
	if err != nil {
		return nil, err
	}
	return FromUnstructured[P](u)
}

func (c *Client) get(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, mode ReadMode) (*unstructured.Unstructured, error) {
	if mode == Snapshot && c.snapshots.ttl > 0 && !c.wasWritten(objectKey{gvr, namespace, name}) {
		obj, found, err := c.snapshots.get(ctx, gvr, namespace, name)
		if err != nil {
			return nil, describe(err, gvr, namespace, name)
		}
		if !found {
			return nil, fmt.Errorf("%s %s/%s: %w", gvr.Resource, namespace, name, ErrNotFound)
		}
		return obj, nil
	}
	obj, err := c.dynamic.Resource(gvr).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, describe(err, gvr, namespace, name)
	}
	return obj, nil
}

// describe wraps an API error with the object it concerns, keeping it testable with IsNotFound.
func describe(err error, gvr schema.GroupVersionResource, namespace, name string) error {
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("%s %s/%s: %w", gvr.Resource, namespace, name, ErrNotFound)
	}
	return fmt.Errorf("%s %s/%s: %w", gvr.Resource, namespace, name, err)
}
