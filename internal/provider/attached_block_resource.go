package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The attached-block engine: a resource that attaches to one instance and owns exactly one block
// of its spec.parameters (the backup policy owns `backup`, the maintenance window `maintenance`)
// through its own server-side-apply field manager. The instance resource never sends these
// blocks, so the two compose on one claim without fighting; destroying the attached resource
// gives its fields back and the platform's defaults apply again. A block plugs in through
// attachedBlock, as a service kind plugs into the instance engine.

// Default timeouts of attached resources; each can be set per resource in `timeouts`.
const (
	defaultAttachedCreateTimeout = 10 * time.Minute
	defaultAttachedUpdateTimeout = 10 * time.Minute
	defaultAttachedDeleteTimeout = 10 * time.Minute
)

// attachedModel holds the attributes every attached resource has.
type attachedModel struct {
	ID         types.String   `tfsdk:"id"`
	Kind       types.String   `tfsdk:"kind"`
	InstanceID types.String   `tfsdk:"instance_id"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

// attachedBlock is what one block plugs into the engine. M is the resource's model, embedding
// attachedModel.
type attachedBlock[M any] interface {
	descriptor() blockDescriptor
	// attributes are the block's own attributes, beside kind, instance_id and id.
	attributes() map[string]schema.Attribute
	common(m *M) *attachedModel
	// expand turns a planned model into the block's content as sent (nil fields are omitted, so
	// the field manager owns exactly what is set).
	expand(ctx context.Context, m *M, kind kindDescriptor) (any, diag.Diagnostics)
	// flatten sets the block's attributes from the claim: the block in spec.parameters (absent
	// fields read as the platform's defaults) and what the platform reports in status.
	flatten(ctx context.Context, claim *appcat.RawClaim, kind kindDescriptor, m *M) diag.Diagnostics
	// modifyPlan fills kind-dependent defaults and refuses, on the exact attribute, what the
	// platform would refuse for this kind.
	modifyPlan(ctx context.Context, in attachedPlan[M], diags *diag.Diagnostics)
	// managedFields are the block's fields the resource models, as dotted paths below the block:
	// the ones an apply removes when the configuration leaves them out, whoever set them, and
	// that destroy gives back.
	managedFields(kind kindDescriptor) []string
}

// attachedPlan is what a block's modifyPlan sees. state is nil on create.
type attachedPlan[M any] struct {
	plan, config, state *M
	kind                kindDescriptor
	data                *providerData
	// namespace and name of the instance, when known.
	namespace, name string
}

// blockDescriptor is static data about a block.
type blockDescriptor struct {
	// typeName is the suffix of the resource type: "backup_policy" for appcat_backup_policy.
	typeName string
	// block is the key in spec.parameters, e.g. "backup".
	block string
	// fieldManager is the server-side-apply field manager of this resource type.
	fieldManager string
	// displayName names the resource in messages, e.g. "backup policy".
	displayName string
	description string
	// kinds are the kinds of instance the block belongs to.
	kinds kindSet
}

type attachedResource[M any] struct {
	block attachedBlock[M]
	data  *providerData
}

func newAttachedResource[M any](block attachedBlock[M]) resource.Resource {
	return &attachedResource[M]{block: block}
}

var (
	_ resource.ResourceWithConfigure   = &attachedResource[backupPolicyModel]{}
	_ resource.ResourceWithImportState = &attachedResource[backupPolicyModel]{}
	_ resource.ResourceWithModifyPlan  = &attachedResource[backupPolicyModel]{}
)

func (r *attachedResource[M]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.block.descriptor().typeName
}

func (r *attachedResource[M]) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	d := r.block.descriptor()
	attrs := instanceRefAttributes(d.displayName, d.kinds)
	for name, a := range r.block.attributes() {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: d.description,
		Attributes:          attrs,
		Blocks:              map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
	}
}

func (r *attachedResource[M]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// target is the instance a model attaches to.
type target struct {
	kind            kindDescriptor
	namespace, name string
}

func (t target) id() string { return t.namespace + "/" + t.name }

func (r *attachedResource[M]) target(m *M, diags *diag.Diagnostics) target {
	c := r.block.common(m)
	kinds := r.block.descriptor().kinds
	kind, ok := kinds.lookup(c.Kind.ValueString())
	if !ok {
		diags.AddAttributeError(path.Root("kind"), "Unknown instance kind", fmt.Sprintf("kind %q is not one of %s.", c.Kind.ValueString(), quoteList(kinds.names())))
	}
	ns, name, ok := splitInstanceID(c.InstanceID.ValueString())
	if !ok {
		diags.AddAttributeError(path.Root("instance_id"), "Invalid instance ID", fmt.Sprintf("instance_id %q is not of the form namespace/name.", c.InstanceID.ValueString()))
	}
	return target{kind: kind, namespace: ns, name: name}
}

func (r *attachedResource[M]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := r.block.common(&plan).Timeouts.Create(ctx, defaultAttachedCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r.applyAndWait(ctx, &plan, "create", &resp.State, &resp.Diagnostics)
}

func (r *attachedResource[M]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := r.block.common(&plan).Timeouts.Update(ctx, defaultAttachedUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r.applyAndWait(ctx, &plan, "update", &resp.State, &resp.Diagnostics)
}

// applyAndWait applies the block, saves state at once (a failed wait leaves a tracked resource),
// waits until the platform reports the claim ready for the new generation, and saves what it
// then reports.
func (r *attachedResource[M]) applyAndWait(ctx context.Context, plan *M, action string, state stateSetter, diags *diag.Diagnostics) {
	d := r.block.descriptor()
	client, ds := r.data.appcatClient()
	diags.Append(ds...)
	t := r.target(plan, diags)
	if diags.HasError() {
		return
	}
	content, ds := r.block.expand(ctx, plan, t.kind)
	diags.Append(ds...)
	if diags.HasError() {
		return
	}
	tflog.Info(ctx, fmt.Sprintf("applying spec.parameters.%s of %s %s", d.block, t.kind.api.Kind, t.id()), map[string]any{"field_manager": d.fieldManager})
	res, err := client.ApplyBlock(ctx, t.kind.api, t.namespace, t.name, d.fieldManager, d.block, content,
		appcat.BlockApplyOptions{MustBeUnmanaged: action == "create", Managed: r.block.managedFields(t.kind)})
	switch {
	case appcat.IsNotFound(err):
		diags.AddAttributeError(path.Root("instance_id"), fmt.Sprintf("%s instance %s not found", t.kind.displayName, t.id()),
			fmt.Sprintf("There is no %s instance %s on the platform, so the %s cannot be attached to it. Nothing was created.\n\n"+
				"Create the instance first; referring to its resource (instance_id = %s.<name>.id) makes Terraform do that in the right order.",
				t.kind.displayName, t.id(), d.displayName, "appcat_"+t.kind.typeName))
		return
	case errors.Is(err, appcat.ErrBlockManaged):
		diags.AddAttributeError(path.Root("instance_id"), fmt.Sprintf("%s %s already has a %s", t.kind.displayName, t.id(), d.displayName),
			fmt.Sprintf("spec.parameters.%s of %s is already managed by an appcat_%s (field manager %s): an instance has at most one %s. "+
				"If this resource is meant to manage it, import it instead:\n\n  terraform import <address> %s:%s\n\n(%s)",
				d.block, t.id(), d.typeName, d.fieldManager, d.displayName, t.kind.typeName, t.id(), err))
		return
	case err != nil:
		diags.AddError(fmt.Sprintf("Could not %s the %s of %s %s", action, d.displayName, t.kind.displayName, t.id()), appcat.Explain(err))
		return
	}
	// Recorded before waiting, so a failed wait leaves a tracked resource.
	diags.Append(r.flatten(ctx, res.Claim, t, plan)...)
	diags.Append(state.Set(ctx, plan)...)
	if diags.HasError() {
		return
	}
	tflog.Info(ctx, fmt.Sprintf("waiting for %s %s to become ready", t.kind.api.Kind, t.id()), map[string]any{"generation": res.Claim.Metadata.Generation})
	ready, _, err := client.WaitReady(ctx, t.kind.api, t.namespace, t.name, res.Claim.Metadata.Generation, appcat.WaitOptions{}, progressLogger(ctx))
	if err != nil {
		diags.AddError(fmt.Sprintf("%s instance %s did not become ready after the %s change", t.kind.displayName, t.id(), d.displayName),
			err.Error()+fmt.Sprintf("\n\nspec.parameters.%s is applied and the %s is tracked in the state; the next apply checks it again.", d.block, d.displayName))
		return
	}
	claim, err := appcat.FromUnstructured[appcat.RawParameters](ready)
	if err != nil {
		diags.AddError("Could not decode the ready claim", err.Error())
		return
	}
	diags.Append(r.flatten(ctx, claim, t, plan)...)
	diags.Append(state.Set(ctx, plan)...)
}

func (r *attachedResource[M]) flatten(ctx context.Context, claim *appcat.RawClaim, t target, m *M) diag.Diagnostics {
	c := r.block.common(m)
	c.ID = types.StringValue(claim.ID())
	c.InstanceID = types.StringValue(claim.ID())
	c.Kind = types.StringValue(t.kind.typeName)
	return r.block.flatten(ctx, claim, t.kind, m)
}

func (r *attachedResource[M]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	t := r.target(&state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	claim, err := appcat.GetClaim[appcat.RawParameters](ctx, client, t.kind.api, t.namespace, t.name, appcat.Snapshot)
	if appcat.IsNotFound(err) {
		tflog.Warn(ctx, fmt.Sprintf("%s %s is gone from the platform; removing its %s from the state", t.kind.api.Kind, t.id(), r.block.descriptor().displayName))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read %s instance %s", t.kind.displayName, t.id()), appcat.Explain(err))
		return
	}
	resp.Diagnostics.Append(r.flatten(ctx, claim, t, &state)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete gives the block's fields back: the field manager releases them (and the fields the
// resource models that someone else set are removed), the platform's defaults apply again, and
// the delete waits until the platform is ready with them.
func (r *attachedResource[M]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	t := r.target(&state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := r.block.common(&state).Timeouts.Delete(ctx, defaultAttachedDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d := r.block.descriptor()
	tflog.Info(ctx, fmt.Sprintf("releasing spec.parameters.%s of %s %s", d.block, t.kind.api.Kind, t.id()), map[string]any{"field_manager": d.fieldManager})
	res, err := client.ReleaseBlock(ctx, t.kind.api, t.namespace, t.name, d.fieldManager, d.block, r.block.managedFields(t.kind))
	if appcat.IsNotFound(err) {
		return // the instance is gone, and its block with it
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not remove the %s of %s %s", d.displayName, t.kind.displayName, t.id()), appcat.Explain(err))
		return
	}
	if res.Claim.Metadata.Generation == res.PreviousGeneration {
		return // nothing changed on the claim
	}
	_, _, err = client.WaitReady(ctx, t.kind.api, t.namespace, t.name, res.Claim.Metadata.Generation, appcat.WaitOptions{}, progressLogger(ctx))
	if err != nil {
		if _, gerr := appcat.GetClaim[appcat.RawParameters](ctx, client, t.kind.api, t.namespace, t.name, appcat.Exact); appcat.IsNotFound(gerr) {
			return
		}
		resp.Diagnostics.AddError(fmt.Sprintf("%s instance %s did not become ready after the %s was removed", t.kind.displayName, t.id(), d.displayName),
			err.Error()+fmt.Sprintf("\n\nThe fields of spec.parameters.%s were given back; the platform has not reported the instance ready since.", d.block))
	}
}

// ImportState takes the instance's ID, `namespace/name`, and finds the instance's kind on the
// platform; `kind:namespace/name` names the kind (needed only when instances of several kinds
// share that name).
func (r *attachedResource[M]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	d := r.block.descriptor()
	kindName, id, hasKind := strings.Cut(req.ID, ":")
	if !hasKind {
		id, kindName = req.ID, ""
	}
	ns, name, ok := splitInstanceID(id)
	if !ok {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected the instance's ID, namespace/name (or kind:namespace/name, kind one of %s), got %q.", quoteList(d.kinds.names()), req.ID))
		return
	}
	if hasKind {
		if _, ok := d.kinds.lookup(kindName); !ok {
			resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Unknown kind %q in %q: use one of %s.", kindName, req.ID, quoteList(d.kinds.names())))
			return
		}
	} else {
		client, diags := r.data.appcatClient()
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		var found []string
		for _, k := range d.kinds.kinds() {
			_, err := appcat.GetClaim[appcat.RawParameters](ctx, client, k.api, ns, name, appcat.Exact)
			switch {
			case err == nil:
				found = append(found, k.typeName)
			case !appcat.IsNotFound(err):
				resp.Diagnostics.AddError(fmt.Sprintf("Could not look up instance %s", id), appcat.Explain(err))
				return
			}
		}
		switch len(found) {
		case 0:
			resp.Diagnostics.AddError("Instance not found", fmt.Sprintf("There is no instance %s of any kind (%s) to import the %s of.", id, quoteList(d.kinds.names()), d.displayName))
			return
		case 1:
			kindName = found[0]
		default:
			resp.Diagnostics.AddError("Ambiguous import ID",
				fmt.Sprintf("Instances of several kinds are named %s: %s. Name the kind in the import ID, e.g. %s:%s.", id, quoteList(found), found[0], id))
			return
		}
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("kind"), kindName)...)
}

// ModifyPlan fills the ID and the kind's defaults and refuses what the platform would refuse for
// the kind, before anything changes.
func (r *attachedResource[M]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.block.common(&plan)
	in := attachedPlan[M]{plan: &plan, config: &config, data: r.data}
	if !c.InstanceID.IsUnknown() {
		if ns, name, ok := splitInstanceID(c.InstanceID.ValueString()); ok {
			in.namespace, in.name = ns, name
			c.ID = c.InstanceID
		}
	}
	if !req.State.Raw.IsNull() {
		var state M
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		in.state = &state
	}
	if c.Kind.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	kind, ok := r.block.descriptor().kinds.lookup(c.Kind.ValueString())
	if !ok {
		return // the attribute's validator reports it
	}
	in.kind = kind
	r.block.modifyPlan(ctx, in, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}
