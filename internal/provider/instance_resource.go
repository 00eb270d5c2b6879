package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// Default timeouts of the instance lifecycle; each can be set per resource in `timeouts`.
const (
	defaultCreateTimeout = 20 * time.Minute
	defaultUpdateTimeout = 20 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

// instanceResource is the one lifecycle every AppCat service kind shares: create, read, update,
// delete, import, wait, drift and deletion protection. A kind plugs in through serviceKind.
type instanceResource[M any, P any] struct {
	kind serviceKind[M, P]
	data *providerData
}

func newInstanceResource[M any, P any](kind serviceKind[M, P]) resource.Resource {
	return &instanceResource[M, P]{kind: kind}
}

// Interface checks for one instantiation; every kind uses the same generic type.
var (
	_ resource.ResourceWithConfigure   = &instanceResource[postgresqlModel, appcat.PostgreSQLParameters]{}
	_ resource.ResourceWithImportState = &instanceResource[postgresqlModel, appcat.PostgreSQLParameters]{}
	_ resource.ResourceWithModifyPlan  = &instanceResource[postgresqlModel, appcat.PostgreSQLParameters]{}
)

func (r *instanceResource[M, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.descriptor().typeName
}

func (r *instanceResource[M, P]) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.schema(ctx, true)
}

// schema is the resource's schema; without lacking, the full one that the model fits, with the
// attributes the kind lacks (model_io.go).
func (r *instanceResource[M, P]) schema(ctx context.Context, lacking bool) schema.Schema {
	d := r.kind.descriptor()
	attrs := commonAttributes(d)
	for name, a := range r.kind.attributes() {
		attrs[name] = a
	}
	if lacking {
		for _, name := range d.lacks {
			delete(attrs, name)
		}
	}
	return schema.Schema{
		MarkdownDescription: d.description,
		Attributes:          attrs,
		Blocks:              map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
	}
}

func (r *instanceResource[M, P]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// fieldManager is the server-side apply field manager of this resource type: it owns the fields
// the instance resource sets, and no others (backup policies and maintenance windows have their own).
func (r *instanceResource[M, P]) fieldManager() string {
	return "terraform-appcat-" + r.kind.descriptor().typeName
}

func (r *instanceResource[M, P]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	resp.Diagnostics.Append(r.get(ctx, req.Plan, &plan)...)
	client, diags := r.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	common := r.kind.common(&plan)
	timeout, diags := common.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r.applyAndWait(ctx, client, &plan, "create", appcat.WaitOptions{}, &resp.State, &resp.Diagnostics)
}

func (r *instanceResource[M, P]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior M
	resp.Diagnostics.Append(r.get(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(r.get(ctx, req.State, &prior)...)
	client, diags := r.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var wait appcat.WaitOptions
	if planned := r.kind.common(&plan).Version; !planned.Equal(r.kind.common(&prior).Version) {
		// A version upgrade is done when the platform reports the new version, not before.
		wait.Version = planned.ValueString()
	}
	timeout, diags := r.kind.common(&plan).Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r.applyAndWait(ctx, client, &plan, "update", wait, &resp.State, &resp.Diagnostics)
}

// stateSetter is the part of tfsdk.State that create and update write to.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// applyAndWait applies the planned claim, saves state at once (so a failed wait leaves a tracked
// resource that matches the platform, tainted on create), then waits for the platform to converge
// and saves the converged state. wait says what converged means beyond Ready (a version upgrade).
func (r *instanceResource[M, P]) applyAndWait(ctx context.Context, client *appcat.Client, plan *M, action string, wait appcat.WaitOptions, state stateSetter, diags *diag.Diagnostics) {
	d := r.kind.descriptor()
	common := r.kind.common(plan)
	claim, ds := r.buildClaim(ctx, plan)
	diags.Append(ds...)
	if diags.HasError() {
		return
	}
	id := claim.ID()
	tflog.Info(ctx, fmt.Sprintf("applying %s %s", d.api.Kind, id), map[string]any{"field_manager": r.fieldManager()})
	var (
		applied  *appcat.Claim[P]
		existing *appcat.ExistingClaim
		err      error
	)
	if action == "create" {
		applied, existing, err = appcat.CreateClaim(ctx, client, d.api, r.fieldManager(), claim)
	} else {
		applied, err = appcat.ApplyClaim(ctx, client, d.api, r.fieldManager(), claim)
	}
	switch {
	case errors.Is(err, appcat.ErrClaimExists):
		summary, detail := instanceExistsError(d, id, existing)
		diags.AddAttributeError(path.Root("name"), summary, detail)
		return
	case err != nil:
		diags.AddError(fmt.Sprintf("Could not %s %s instance %s", action, d.displayName, id), appcat.Explain(err))
		return
	}
	// The claim exists now: record it before waiting.
	plannedConnection := common.Connection
	diags.Append(r.flatten(ctx, applied, nil, plan, false)...)
	if action == "update" && !plannedConnection.IsUnknown() {
		common.Connection = plannedConnection
	}
	diags.Append(r.set(ctx, state, plan)...)
	if diags.HasError() {
		return
	}

	tflog.Info(ctx, fmt.Sprintf("waiting for %s %s to become ready", d.api.Kind, id), map[string]any{"generation": applied.Metadata.Generation, "version": wait.Version})
	ready, secret, err := client.WaitReady(ctx, d.api, claim.Metadata.Namespace, claim.Metadata.Name, applied.Metadata.Generation, wait, progressLogger(ctx))
	if err != nil {
		diags.AddError(fmt.Sprintf("%s instance %s did not become ready", d.displayName, id), err.Error()+
			"\n\nThe instance exists on the platform and is tracked in the state; the next apply checks it again.")
		return
	}
	readyClaim, err := appcat.FromUnstructured[P](ready)
	if err != nil {
		diags.AddError("Could not decode the ready claim", err.Error())
		return
	}
	diags.Append(r.flatten(ctx, readyClaim, secret, plan, false)...)
	diags.Append(r.set(ctx, state, plan)...)
}

func (r *instanceResource[M, P]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	resp.Diagnostics.Append(r.get(ctx, req.State, &state)...)
	client, diags := r.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	common := r.kind.common(&state)
	d := r.kind.descriptor()
	ns, name := common.Namespace.ValueString(), common.Name.ValueString()
	claim, err := appcat.GetClaim[P](ctx, client, d.api, ns, name, appcat.Snapshot)
	if appcat.IsNotFound(err) {
		tflog.Warn(ctx, fmt.Sprintf("%s %s/%s is gone from the platform; removing it from the state", d.api.Kind, ns, name))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read %s instance %s/%s", d.displayName, ns, name), appcat.Explain(err))
		return
	}
	secret, err := r.readSecret(ctx, client, claim, appcat.Snapshot)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read the connection secret of %s/%s", ns, name), err.Error())
		return
	}
	imported, diags := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(diags...)
	if len(imported) > 0 {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
	}
	resp.Diagnostics.Append(r.flatten(ctx, claim, secret, &state, len(imported) > 0)...)
	resp.Diagnostics.Append(r.set(ctx, &resp.State, &state)...)
}

func (r *instanceResource[M, P]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(r.get(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	common := r.kind.common(&state)
	d := r.kind.descriptor()
	ns, name := common.Namespace.ValueString(), common.Name.ValueString()
	if common.DeletionProtection.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("deletion_protection"),
			fmt.Sprintf("%s instance %s/%s is protected from deletion", d.displayName, ns, name),
			fmt.Sprintf("Deletion protection is enabled on %s/%s, so the platform refuses to delete it. Nothing was deleted.\n\n"+
				"To delete it, set deletion_protection = false on the resource, run terraform apply, then destroy it.", ns, name))
		return
	}
	client, diags := r.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	timeout, diags := common.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tflog.Info(ctx, fmt.Sprintf("deleting %s %s/%s", d.api.Kind, ns, name))
	if err := client.DeleteClaim(ctx, d.api, ns, name); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not delete %s instance %s/%s", d.displayName, ns, name), appcat.Explain(err))
		return
	}
	if err := client.WaitDeleted(ctx, d.api, ns, name, progressLogger(ctx)); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("%s instance %s/%s was not deleted in time", d.displayName, ns, name), err.Error())
	}
}

// privateImported marks a resource state that was just imported (see Read).
const privateImported = "imported"

// ImportState takes `namespace/name`; `?store_credentials=false` at the end imports the instance
// without its credentials (import_options.go).
func (r *instanceResource[M, P]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, storeCredentials, problem := cutImportOptions(req.ID)
	if problem != "" {
		resp.Diagnostics.AddError("Invalid import ID", problem)
		return
	}
	ns, name, ok := strings.Cut(id, "/")
	if !ok || ns == "" || name == "" || strings.Contains(name, "/") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected an import ID of the form namespace/name, optionally followed by ?%s, got %q.", importOptions, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("namespace"), ns)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("store_credentials"), storeCredentials)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}

// progressLogger turns the client's progress reports into INFO log lines, visible with TF_LOG=INFO.
func progressLogger(ctx context.Context) appcat.Progress {
	return func(msg string, fields map[string]any) { tflog.Info(ctx, msg, fields) }
}
