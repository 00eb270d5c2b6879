package appcat

import (
	"context"
	"fmt"
	"sort"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Instance is one claim as a listing shows it: enough to recognise it and import it.
type Instance struct {
	Kind      Kind
	Namespace string
	Name      string
	// Ready is the claim's Ready condition; Deleting is set once its deletion has begun.
	Ready    bool
	Deleting bool
	// Composition is spec.compositionRef.name ("" until Crossplane has chosen one).
	Composition string
}

// ID is the instance's import ID: namespace/name, as Claim.ID.
func (i Instance) ID() string { return i.Namespace + "/" + i.Name }

// ListInstances lists the claims of one kind in a namespace with one LIST, sorted by name.
// served is false when the cluster does not serve the kind at all (its claim CRD is not
// installed): that is no error.
func ListInstances(ctx context.Context, c *Client, k Kind, namespace string) (instances []Instance, served bool, err error) {
	items, served, err := c.listClaims(ctx, k, namespace)
	if err != nil || !served {
		return nil, served, err
	}
	for i := range items {
		claim, err := FromUnstructured[map[string]any](&items[i])
		if err != nil {
			return nil, true, err
		}
		inst := Instance{Kind: k, Namespace: claim.Metadata.Namespace, Name: claim.Metadata.Name, Deleting: claim.Metadata.DeletionTimestamp != nil}
		if cond := claim.Status.Condition("Ready"); cond != nil {
			inst.Ready = cond.Status == "True"
		}
		if claim.Spec.CompositionRef != nil {
			inst.Composition = claim.Spec.CompositionRef.Name
		}
		instances = append(instances, inst)
	}
	sort.Slice(instances, func(a, b int) bool { return instances[a].Name < instances[b].Name })
	return instances, true, nil
}

// listClaims lists the claims of one kind in a namespace with one LIST. served is false when
// the cluster does not serve the kind: a resource the API server does not know answers 404 to a
// LIST (an empty or missing namespace answers an empty list), so 404 can only mean that. Not
// every AppCat installation offers every kind.
func (c *Client) listClaims(ctx context.Context, k Kind, namespace string) (items []unstructured.Unstructured, served bool, err error) {
	list, err := c.dynamic.Resource(k.GVR()).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, fmt.Errorf("listing the %s instances in namespace %s: %w", k.Kind, namespace, err)
	}
	return list.Items, true, nil
}
