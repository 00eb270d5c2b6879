package appcat

import (
	"context"
	"errors"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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

// ErrClaimExists is returned by CreateClaim when a claim of that name is there already.
var ErrClaimExists = errors.New("the instance exists already")

// ExistingClaim describes a claim that a create found in its way.
type ExistingClaim struct {
	Created  string   // metadata.creationTimestamp
	Managers []string // field managers of its spec, the tools that wrote it
	Deleting bool
}

// CreateClaim creates a claim with server-side apply, but only where none of that name exists:
// an apply alone would take over an existing instance (and a later destroy would delete it). The
// check is an exact read; a claim created between it and the apply by a concurrent writer is the
// one case it cannot catch. A claim in the way is ErrClaimExists, with what is known about it.
func CreateClaim[P any](ctx context.Context, c *Client, k Kind, fieldManager string, claim *Claim[P]) (*Claim[P], *ExistingClaim, error) {
	ns, name := claim.Metadata.Namespace, claim.Metadata.Name
	live, err := c.get(ctx, k.GVR(), ns, name, Exact)
	switch {
	case err == nil:
		return nil, existingClaim(live), fmt.Errorf("%s %s/%s: %w", k.Kind, ns, name, ErrClaimExists)
	case !IsNotFound(err):
		return nil, nil, err
	}
	out, err := ApplyClaim(ctx, c, k, fieldManager, claim)
	return out, nil, err
}

func existingClaim(u *unstructured.Unstructured) *ExistingClaim {
	e := &ExistingClaim{Created: u.GetCreationTimestamp().UTC().Format(time.RFC3339), Deleting: u.GetDeletionTimestamp() != nil}
	seen := map[string]bool{}
	for _, mf := range u.GetManagedFields() {
		if mf.Subresource == "" && !seen[mf.Manager] {
			seen[mf.Manager] = true
			e.Managers = append(e.Managers, mf.Manager)
		}
	}
	return e
}
