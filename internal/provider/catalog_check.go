package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// Plan-time check of an instance's plan against what the cluster offers. Which plans exist is up
// to each AppCat installation, which publishes them in its service catalog (appcat/catalog.go).
// The schema checks only the form of a plan name, offline; here the value is checked against the
// catalog, read once per run, and only when the instance is created or its plan or composition
// changes, so that validate and plans of unchanged resources make no request.

// offering is what is checked against the cluster's offering: the plan, the catalog entry that
// applies, and the service level.
type offering struct {
	plan        types.String
	composition string
	level       types.String
}

// attributeGetter is a plan or a state.
type attributeGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

// plannedOffering reads the plan and the composition of a planned or prior instance.
func (r *instanceResource[M, P]) plannedOffering(ctx context.Context, src attributeGetter, m *M) (offering, diag.Diagnostics) {
	var o offering
	var diags diag.Diagnostics
	o.plan = types.StringNull()
	if _, sized := r.kind.attributes()["plan"]; sized { // a kind without sizes has no plans
		diags.Append(src.GetAttribute(ctx, path.Root("plan"), &o.plan)...)
	}
	if r.kind.descriptor().has("service_level") {
		diags.Append(src.GetAttribute(ctx, path.Root("service_level"), &o.level)...)
	}
	_, composition, ds := r.kind.expand(ctx, m)
	diags.Append(ds...)
	if composition == "" {
		composition = r.kind.descriptor().defaultComposition
	}
	o.composition = composition
	return o, diags
}

// checkPlanOffered is ModifyPlan's step: the planned offering against the prior one (nil on create).
func (r *instanceResource[M, P]) checkPlanOffered(ctx context.Context, req resource.ModifyPlanRequest, plan, prior *M, diags *diag.Diagnostics) {
	planned, ds := r.plannedOffering(ctx, req.Plan, plan)
	diags.Append(ds...)
	var was *offering
	if prior != nil {
		o, ds := r.plannedOffering(ctx, req.State, prior)
		diags.Append(ds...)
		was = &o
	}
	if diags.HasError() {
		return
	}
	r.checkOffered(ctx, planned, was, diags)
}

// checkOffered refuses a plan that the cluster's catalog does not offer for the composition, and
// a service level the cluster's claim schema does not accept. It does nothing when the provider
// has no client yet (configuration unknown), and warns and does nothing when the offering cannot
// be read: the platform stays the authority at apply time.
func (r *instanceResource[M, P]) checkOffered(ctx context.Context, planned offering, prior *offering, diags *diag.Diagnostics) {
	if r.data == nil || r.data.unknownConfig || r.data.client == nil {
		return
	}
	d := r.kind.descriptor()
	planChanged := prior == nil || !prior.plan.Equal(planned.plan) || prior.composition != planned.composition
	if planChanged && !planned.plan.IsUnknown() && !planned.plan.IsNull() {
		catalog, err := r.data.client.Catalog(ctx)
		if err != nil {
			warnOfferingUnreadable(ctx, "service catalog", "plans", err)
		} else {
			diags.Append(planOfferedDiagnostics(d, catalog, planned.composition, planned.plan.ValueString())...)
		}
	}
	// besteffort is offered everywhere; only a level beyond it can be refused.
	levelChanged := prior == nil || !prior.level.Equal(planned.level)
	if levelChanged && !planned.level.IsUnknown() && !planned.level.IsNull() && planned.level.ValueString() != "besteffort" {
		levels, err := r.data.client.ServiceLevels(d.api)
		if err != nil {
			warnOfferingUnreadable(ctx, "claim schema", "service levels", err)
			return
		}
		diags.Append(serviceLevelOfferedDiagnostics(d, levels, planned.level.ValueString())...)
	}
}

// warnOfferingUnreadable logs that a part of the cluster's offering could not be read, so what it
// decides is left to the platform at apply time.
func warnOfferingUnreadable(ctx context.Context, what, checks string, err error) {
	msg := "the cluster's " + what + " is not available"
	if !errors.Is(err, appcat.ErrCatalogUnavailable) {
		msg = "the cluster's " + what + " could not be read"
	}
	tflog.Warn(ctx, msg+"; "+checks+" are not checked before apply", map[string]any{"error": err.Error()})
}

// serviceLevelOfferedDiagnostics is an error on service_level when the cluster's schema lists
// service levels and level is not among them (a best-effort-only cluster).
func serviceLevelOfferedDiagnostics(d kindDescriptor, levels []string, level string) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(levels) == 0 || slices.Contains(levels, level) {
		return nil
	}
	diags.AddAttributeError(path.Root("service_level"), fmt.Sprintf("Service level %q is not offered on this cluster", level),
		fmt.Sprintf("This cluster offers %s with service level %s only (the service levels its %s schema accepts). "+
			"Use one of them; nothing was changed.", d.displayName, quoteList(levels), d.api.Kind))
	return diags
}

// planOfferedDiagnostics is the pure part of checkOffered: an error on plan when the catalog has
// the composition's entry, lists its plans, and plan is not among them.
func planOfferedDiagnostics(d kindDescriptor, catalog appcat.Catalog, composition, plan string) diag.Diagnostics {
	var diags diag.Diagnostics
	entry, ok := catalog.ByComposition(composition)
	if !ok || !entry.PlansKnown() {
		return nil // the catalog says nothing about this composition's plans
	}
	if _, offered := entry.Plans[plan]; offered {
		return nil
	}
	diags.AddAttributeError(path.Root("plan"), fmt.Sprintf("Plan %q is not offered on this cluster", plan),
		fmt.Sprintf("This cluster offers these %s plans (%s): %s. Choose one of them; nothing was changed.\n\n"+
			"The plans and their sizes are set per AppCat installation; the appcat_catalog data source lists them.",
			d.displayName, composition, describePlans(entry)))
	return diags
}

// describePlans lists an entry's plans with their sizes, e.g. "standard-2 (400m CPU, 1936Mi memory, 20Gi disk)".
func describePlans(e appcat.CatalogEntry) string {
	names := e.PlanNames()
	parts := make([]string, 0, len(names))
	for _, n := range names {
		s := e.Plans[n].Size
		var size []string
		for _, f := range [][2]string{{s.CPU, "CPU"}, {s.Memory, "memory"}, {s.Disk, "disk"}} {
			if f[0] != "" {
				size = append(size, f[0]+" "+f[1])
			}
		}
		if len(size) == 0 {
			parts = append(parts, n)
			continue
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", n, strings.Join(size, ", ")))
	}
	return strings.Join(parts, ", ")
}
