package appcat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
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
	// Managed are the block's fields the caller manages, as dotted paths below the block (e.g.
	// "schedule", "retention.keepDaily"). After the write, those the write does not set are
	// removed also where another field manager (kubectl edit) set them, so the block holds
	// exactly what the caller asked for. Fields not listed (e.g. ones the caller does not model)
	// are left alone.
	Managed []string
}

// BlockResult is the claim after a block write, and who owns the block's fields then.
type BlockResult struct {
	Claim *RawClaim
	// Owners lists, per field manager, the fields of the block it owns after the write.
	Owners map[string][]string
	// PreviousGeneration is the claim's generation before the write: equal to
	// Claim.Metadata.Generation when the write changed nothing the platform acts on.
	PreviousGeneration int64
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
	res, err := c.applyPartial(ctx, k, namespace, name, fieldManager, block, spec, func(live *unstructured.Unstructured) error {
		if !opts.MustBeUnmanaged {
			return nil
		}
		if fields := BlockOwners(live, block)[fieldManager]; len(fields) > 0 {
			return fmt.Errorf("%w: %s %s/%s: field manager %s owns spec.parameters.%s (%s)",
				ErrBlockManaged, k.Kind, namespace, name, fieldManager, block, strings.Join(fields, ", "))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	if m, ok := content.(map[string]any); ok {
		for _, f := range valueLeaves(m, "") {
			set[f] = true
		}
	}
	return c.removeStrays(ctx, k, namespace, name, fieldManager, block, opts.Managed, set, res)
}

// ReleaseBlock gives back every field fieldManager owns on the claim by applying an object
// without fields: fields no other manager owns are removed, and the platform's defaults apply
// again. Of the fields other managers set, those listed in managed are removed as well (the
// caller managed them); others stay. A claim that is gone or being deleted is ErrNotFound (there
// is nothing to give back).
func (c *Client) ReleaseBlock(ctx context.Context, k Kind, namespace, name, fieldManager, block string, managed []string) (*BlockResult, error) {
	res, err := c.applyPartial(ctx, k, namespace, name, fieldManager, block, nil, func(live *unstructured.Unstructured) error {
		if live.GetDeletionTimestamp() != nil {
			return fmt.Errorf("%s %s/%s is being deleted: %w", k.Kind, namespace, name, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c.removeStrays(ctx, k, namespace, name, fieldManager, block, managed, nil, res)
}

// removeStrays removes the managed fields of the block that other field managers set and the
// caller's write did not (set holds the fields it wrote). Server-side apply cannot take such a
// field away from an Update manager such as kubectl edit, so this is a merge patch that sets them
// to null, with the resourceVersion as precondition.
func (c *Client) removeStrays(ctx context.Context, k Kind, namespace, name, fieldManager, block string, managed []string, set map[string]bool, res *BlockResult) (*BlockResult, error) {
	if len(managed) == 0 {
		return res, nil
	}
	gvr := k.GVR()
	rc := c.dynamic.Resource(gvr).Namespace(namespace)
	strays := func(owners map[string][]string) []string {
		var out []string
		for m, fields := range owners {
			if m == fieldManager {
				continue
			}
			for _, f := range fields {
				if slices.Contains(managed, f) && !set[f] && !slices.Contains(out, f) {
					out = append(out, f)
				}
			}
		}
		sort.Strings(out)
		return out
	}
	todo := strays(res.Owners)
	if len(todo) == 0 {
		return res, nil
	}
	rv := res.Claim.Metadata.ResourceVersion
	var out *unstructured.Unstructured
	backoff := wait.Backoff{Steps: 10, Duration: 50 * time.Millisecond, Factor: 1.5, Jitter: 0.2}
	err := retry.OnError(backoff, apierrors.IsConflict, func() error {
		if rv == "" {
			live, err := rc.Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return describe(err, gvr, namespace, name)
			}
			rv, todo = live.GetResourceVersion(), strays(BlockOwners(live, block))
			if len(todo) == 0 {
				out = live
				return nil
			}
		}
		blockPatch := map[string]any{}
		for _, f := range todo {
			setNull(blockPatch, strings.Split(f, "."))
		}
		patch, err := json.Marshal(map[string]any{
			"metadata": map[string]any{"resourceVersion": rv},
			"spec":     map[string]any{"parameters": map[string]any{block: blockPatch}},
		})
		if err != nil {
			return err
		}
		out, err = rc.Patch(ctx, name, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: fieldManager})
		if apierrors.IsConflict(err) {
			rv = "" // read again
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("removing %s from spec.parameters.%s of %s %s/%s: %w", strings.Join(todo, ", "), block, k.Kind, namespace, name, err)
	}
	claim, err := FromUnstructured[RawParameters](out)
	if err != nil {
		return nil, err
	}
	return &BlockResult{Claim: claim, Owners: BlockOwners(out, block), PreviousGeneration: res.PreviousGeneration}, nil
}

func setNull(m map[string]any, path []string) {
	if len(path) == 1 {
		m[path[0]] = nil
		return
	}
	child, ok := m[path[0]].(map[string]any)
	if !ok {
		child = map[string]any{}
		m[path[0]] = child
	}
	setNull(child, path[1:])
}

// valueLeaves lists the dotted paths of the leaves of a JSON object.
func valueLeaves(m map[string]any, prefix string) []string {
	var out []string
	for k, v := range m {
		name := k
		if prefix != "" {
			name = prefix + "." + k
		}
		if child, ok := v.(map[string]any); ok && len(child) > 0 {
			out = append(out, valueLeaves(child, name)...)
			continue
		}
		out = append(out, name)
	}
	return out
}

// applyPartial applies {apiVersion, kind, metadata{name, namespace, resourceVersion}, spec} as
// fieldManager, after check approved the live object, retrying on a conflict with the
// resourceVersion (the platform writes status all the time).
func (c *Client) applyPartial(ctx context.Context, k Kind, namespace, name, fieldManager, block string, spec map[string]any, check func(*unstructured.Unstructured) error) (*BlockResult, error) {
	gvr := k.GVR()
	res := c.dynamic.Resource(gvr).Namespace(namespace)
	c.markWritten(objectKey{gvr, namespace, name})
	var out *unstructured.Unstructured
	var previous int64
	backoff := wait.Backoff{Steps: 10, Duration: 50 * time.Millisecond, Factor: 1.5, Jitter: 0.2}
	err := retry.OnError(backoff, apierrors.IsConflict, func() error {
		live, err := res.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return describe(err, gvr, namespace, name)
		}
		if err := check(live); err != nil {
			return err
		}
		previous = live.GetGeneration()
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
	return &BlockResult{Claim: claim, Owners: BlockOwners(out, block), PreviousGeneration: previous}, nil
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
