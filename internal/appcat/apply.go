package appcat

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ApplyClaim creates or updates a claim with server-side apply as fieldManager. The manager owns
// exactly the fields set in the claim; fields it owned before and no longer sends are removed (the
// platform's defaults apply again). Force takes fields back from other managers, so a change
// made outside Terraform (kubectl edit) is put back by the next apply.
func ApplyClaim[P any](ctx context.Context, c *Client, k Kind, fieldManager string, claim *Claim[P]) (*Claim[P], error) {
	obj, err := applyObject(k, claim)
	if err != nil {
		return nil, err
	}
	ns, name := claim.Metadata.Namespace, claim.Metadata.Name
	c.markWritten(objectKey{k.GVR(), ns, name})
	force := true
	out, err := c.dynamic.Resource(k.GVR()).Namespace(ns).Apply(ctx, name, obj, metav1.ApplyOptions{FieldManager: fieldManager, Force: force})
	if err != nil {
		return nil, fmt.Errorf("applying %s %s/%s: %w", k.Kind, ns, name, err)
	}
	return FromUnstructured[P](out)
}
