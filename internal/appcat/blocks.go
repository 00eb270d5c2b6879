package appcat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
)

// Blocks of spec.parameters that a resource other than the instance owns (the backup policy owns
// spec.parameters.backup, the maintenance window spec.parameters.maintenance). Each owner writes
// its block with server-side apply under its own field manager, sending a minimal object —
// apiVersion, kind, metadata.name/namespace and spec.parameters.<block> — so it owns exactly the
// block's fields and never touches the instance's. Releasing applies the same object without the
// block: the manager's fields are removed and the platform's defaults apply again.

// RawParameters is spec.parameters of any kind, undecoded per block.
type RawParameters map[string]json.RawMessage

// RawClaim is a claim of any kind whose parameters are decoded block by block with Block.
type RawClaim = Claim[RawParameters]

// Block decodes spec.parameters.<name> of a claim into B; nil when the claim has no such block.
func Block[B any](c *RawClaim, name string) (*B, error) {
	raw, ok := c.Spec.Parameters[name]
	if !ok || len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var b B
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("decoding spec.parameters.%s of %s: %w", name, c.ID(), err)
	}
	return &b, nil
}

// ErrBlockManaged is returned by ApplyBlock with BlockApplyOptions.MustBeUnmanaged when the field
// manager already owns fields of the block: another resource (or one whose state was lost)
// manages it already.
var ErrBlockManaged = errors.New("the block is already managed")

// BlockApplyOptions tune ApplyBlock.
type BlockApplyOptions struct {
	// MustBeUnmanaged refuses the write when the field manager owns fields of the block already.
	MustBeUnmanaged bool
}

// BlockResult is the claim after a block write, and who owns the block's fields then.
type BlockResult struct {
	Claim *RawClaim
	// Owners lists, per field manager, the fields of the block it owns after the write.
	Owners map[string][]string
}

// ApplyBlock sets spec.parameters.<block> = value on an existing claim with server-side apply as
// fieldManager, taking the fields back from other managers (force), so that a change made with
// kubectl is put back. It never creates a claim: the write carries the resourceVersion just read
// as a precondition (an apply that would create the object fails, and one that races a change is
// retried on the fresh object). A missing claim is ErrNotFound.
func (c *Client) ApplyBlock(ctx context.Context, k Kind, namespace, name, fieldManager, block string, value any, opts BlockApplyOptions) (*BlockResult, error) {
	content, err := toAny(value)
	if err != nil {
		return nil, fmt.Errorf("encoding spec.parameters.%s: %w", block, err)
	}
	spec := map[string]any{"parameters": map[string]any{block: content}}
	return c.applyPartial(ctx, k, namespace, name, fieldManager, block, spec, func(live *unstructured.Unstructured) error {
		if !opts.MustBeUnmanaged {
			return nil
		}
		if fields := BlockOwners(live, block)[fieldManager]; len(fields) > 0 {
			return fmt.Errorf("%w: %s %s/%s: field manager %s owns spec.parameters.%s (%s)",
				ErrBlockManaged, k.Kind, namespace, name, fieldManager, block, strings.Join(fields, ", "))
		}
		return nil
	})
}

// ReleaseBlock gives back every field fieldManager owns on the claim by applying an object
// without fields: fields no other manager owns are removed, and the platform's defaults apply
// again. Fields of the block that other managers own stay; the result lists them. A claim that is
// gone or being deleted is ErrNotFound (there is nothing to give back).
func (c *Client) ReleaseBlock(ctx context.Context, k Kind, namespace, name, fieldManager, block string) (*BlockResult, error) {
	return c.applyPartial(ctx, k, namespace, name, fieldManager, block, nil, func(live *unstructured.Unstructured) error {
		if live.GetDeletionTimestamp() != nil {
			return fmt.Errorf("%s %s/%s is being deleted: %w", k.Kind, namespace, name, ErrNotFound)
		}
		return nil
	})
}

// applyPartial applies {apiVersion, kind, metadata{name, namespace, resourceVersion}, spec} as
// fieldManager, after check approved the live object, retrying on a conflict with the
// resourceVersion (the platform writes status all the time).
func (c *Client) applyPartial(ctx context.Context, k Kind, namespace, name, fieldManager, block string, spec map[string]any, check func(*unstructured.Unstructured) error) (*BlockResult, error) {
	gvr := k.GVR()
	res := c.dynamic.Resource(gvr).Namespace(namespace)
	c.markWritten(objectKey{gvr, namespace, name})
	var out *unstructured.Unstructured
	backoff := wait.Backoff{Steps: 10, Duration: 50 * time.Millisecond, Factor: 1.5, Jitter: 0.2}
	err := retry.OnError(backoff, apierrors.IsConflict, func() error {
		live, err := res.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return describe(err, gvr, namespace, name)
		}
		if err := check(live); err != nil {
			return err
		}
		obj := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": k.APIVersion(),
			"kind":       k.Kind,
			"metadata": map[string]any{
				"name":            name,
				"namespace":       namespace,
				"resourceVersion": live.GetResourceVersion(),
			},
		}}
		if spec != nil {
			obj.Object["spec"] = spec
		}
		out, err = res.Apply(ctx, name, obj, metav1.ApplyOptions{FieldManager: fieldManager, Force: true})
		return err
	})
	switch {
	case err == nil:
	case IsNotFound(err) || errors.Is(err, ErrBlockManaged):
		return nil, err
	case isGone(ctx, c, k, namespace, name):
		// Deleted between the read and the write: the precondition kept the apply from
		// creating it again.
		return nil, fmt.Errorf("%s %s/%s: %w", k.Kind, namespace, name, ErrNotFound)
	default:
		return nil, fmt.Errorf("applying spec.parameters.%s of %s %s/%s as %s: %w", block, k.Kind, namespace, name, fieldManager, err)
	}
	claim, err := FromUnstructured[RawParameters](out)
	if err != nil {
		return nil, err
	}
	return &BlockResult{Claim: claim, Owners: BlockOwners(out, block)}, nil
}

// isGone tells whether a claim no longer exists (after a write failed on it).
func isGone(ctx context.Context, c *Client, k Kind, namespace, name string) bool {
	_, err := c.dynamic.Resource(k.GVR()).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	return apierrors.IsNotFound(err)
}

// BlockOwners lists, per field manager, the fields of spec.parameters.<block> it owns (as
// dotted paths below the block, e.g. "schedule" or "retention.keepDaily"), from the object's
// managedFields.
func BlockOwners(u *unstructured.Unstructured, block string) map[string][]string {
	out := map[string][]string{}
	for _, mf := range u.GetManagedFields() {
		if mf.FieldsV1 == nil {
			continue
		}
		var fields map[string]any
		if err := json.Unmarshal(mf.FieldsV1.Raw, &fields); err != nil {
			continue
		}
		node, ok := nestedMap(fields, "f:spec", "f:parameters", "f:"+block)
		if !ok {
			continue
		}
		leaves := fieldLeaves(node, "")
		if len(leaves) == 0 {
			leaves = []string{"(the block itself)"}
		}
		out[mf.Manager] = append(out[mf.Manager], leaves...)
	}
	for m := range out {
		sort.Strings(out[m])
	}
	return out
}

func nestedMap(m map[string]any, keys ...string) (map[string]any, bool) {
	cur := m
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

// fieldLeaves turns a FieldsV1 tree into dotted paths of its leaves.
func fieldLeaves(node map[string]any, prefix string) []string {
	var out []string
	for k, v := range node {
		if k == "." {
			continue
		}
		name := strings.TrimPrefix(k, "f:")
		if prefix != "" {
			name = prefix + "." + name
		}
		child, ok := v.(map[string]any)
		if !ok || len(child) == 0 || (len(child) == 1 && child["."] != nil) {
			out = append(out, name)
			continue
		}
		out = append(out, fieldLeaves(child, name)...)
	}
	return out
}

func toAny(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return out, nil
}
