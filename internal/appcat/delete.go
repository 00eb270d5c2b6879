package appcat

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
)

// DeleteClaim asks the platform to delete a claim. A claim that is already gone is not an error.
// The platform refuses while deletion protection is on; that refusal is returned as is, with the
// platform's message.
func (c *Client) DeleteClaim(ctx context.Context, k Kind, namespace, name string) error {
	c.markWritten(objectKey{k.GVR(), namespace, name})
	background := metav1.DeletePropagationBackground
	err := c.dynamic.Resource(k.GVR()).Namespace(namespace).Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: &background})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting %s %s/%s: %w", k.Kind, namespace, name, err)
	}
	return nil
}

// WaitDeleted waits, watching the claim, until the platform has removed it (its finalizers have
// run: instance namespace and connection secret are gone).
func (c *Client) WaitDeleted(ctx context.Context, k Kind, namespace, name string, progress Progress) error {
	w := &waiter{client: c, kind: k, namespace: namespace, name: name, progress: progress, goal: "to be deleted"}
	return w.run(ctx, func(ev watch.EventType, obj *observed) (bool, error) {
		return ev == watch.Deleted || obj == nil, nil
	})
}
