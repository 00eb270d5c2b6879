package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// Claim fields every instance resource has beside spec.parameters' common blocks: Crossplane's
// composition revision fields (spec.compositionUpdatePolicy, spec.compositionRevisionRef) and
// AppCat's spec.parameters.additionalResources.

// Both composition fields are Optional+Computed without UseStateForUnknown: unset, they show what
// the claim holds (Crossplane and AppCat's maintenance write them), and a plan that changes the
// instance leaves them unknown, because the platform may change them with the apply.

// Crossplane's composition update policies (the claim CRD's enum).
const (
	updatePolicyAutomatic = "Automatic"
	updatePolicyManual    = "Manual"
)

// dnsSubdomain is the format of Kubernetes names that may contain dots (ConfigMaps, revisions).
var dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)

func compositionAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"composition_update_policy": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Whether the instance moves to new revisions of its composition as the platform publishes them " +
				"(`spec.compositionUpdatePolicy`): `Automatic` or `Manual`. Without it the claim keeps what the platform sets " +
				"(its default comes from the AppCat XRD; VSHN's maintenance moves instances to the newest release in the maintenance window). " +
				"With `Manual`, `composition_revision` pins the revision. Changes apply in place.",
			Validators: []validator.String{stringvalidator.OneOf(updatePolicyAutomatic, updatePolicyManual)},
		},
		"composition_revision": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Name of the CompositionRevision that reconciles the instance (`spec.compositionRevisionRef.name`), " +
				"e.g. `vshnpostgrescnpg.vshn.appcat.vshn.io-ce52f13`. Honoured with `composition_update_policy = \"Manual\"`; " +
				"with `Automatic` the platform replaces it with the newest revision, so set both or neither. " +
				"Without it the attribute shows what the claim holds. Changes apply in place.",
			Validators: []validator.String{
				stringvalidator.LengthBetween(1, 253),
				stringvalidator.RegexMatches(dnsSubdomain, "must be the name of a CompositionRevision: lowercase letters, digits, '-' and '.'"),
			},
		},
		"additional_resources_config_map": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Name of a ConfigMap in the claim's namespace whose entries are Kubernetes objects (one YAML document per key) " +
				"for the platform to deploy into the instance namespace (`spec.parameters.additionalResources.configMapRef`). " +
				"The platform deploys only the kinds its operator allows, and the feature is not enabled on every cluster: " +
				"without it the reference is stored and nothing is deployed.",
			Validators: []validator.String{
				stringvalidator.LengthBetween(1, 253),
				stringvalidator.RegexMatches(dnsSubdomain, "must be a ConfigMap name: lowercase letters, digits, '-' and '.'"),
			},
		},
	}
}

// setCompositionFields sets the Crossplane composition fields of a claim's spec from the plan;
// unset (or still unknown) fields are not sent, so the platform's values stay its own.
func setCompositionFields(c *instanceModel, policy **string, revision **appcat.LocalRef) {
	*policy = stringPtr(c.CompositionUpdatePolicy)
	*revision = nil
	if name := stringPtr(c.CompositionRevision); name != nil {
		*revision = &appcat.LocalRef{Name: *name}
	}
}

// flattenCompositionFields reads them back: null where the claim has none.
func flattenCompositionFields(c *instanceModel, policy *string, revision *appcat.LocalRef) {
	c.CompositionUpdatePolicy = stringPtrOrNull(policy)
	c.CompositionRevision = types.StringNull()
	if revision != nil && revision.Name != "" {
		c.CompositionRevision = types.StringValue(revision.Name)
	}
}

func expandAdditionalResources(c *instanceModel) *appcat.AdditionalResources {
	if name := stringPtr(c.AdditionalResourcesConfigMap); name != nil {
		return &appcat.AdditionalResources{ConfigMapRef: name}
	}
	return nil
}

func flattenAdditionalResources(a *appcat.AdditionalResources) types.String {
	if a == nil || a.ConfigMapRef == nil || *a.ConfigMapRef == "" {
		return types.StringNull()
	}
	return types.StringValue(*a.ConfigMapRef)
}

// checkCompositionRevision warns when a pinned revision comes with the Automatic policy, under
// which Crossplane replaces the pin with the newest revision (a perpetual diff).
func checkCompositionRevision(_ context.Context, c *instanceModel, diags *diag.Diagnostics) {
	if c.CompositionRevision.IsNull() || c.CompositionRevision.IsUnknown() || c.CompositionUpdatePolicy.ValueString() != updatePolicyAutomatic {
		return
	}
	diags.AddAttributeWarning(path.Root("composition_revision"), "Pinned revision with the Automatic update policy",
		fmt.Sprintf("composition_revision = %q is honoured only with composition_update_policy = %q: with %q Crossplane moves the instance "+
			"to the newest revision and the next plan shows a difference. Set composition_update_policy = %q to pin the revision.",
			c.CompositionRevision.ValueString(), updatePolicyManual, updatePolicyAutomatic, updatePolicyManual))
}
