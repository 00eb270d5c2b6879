package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// Expand and flatten between the Terraform model and the claim, for the parts every kind shares.
// Kind-specific parts are the kind's expand and flatten.

// buildClaim turns a planned model into the claim to apply.
func (r *instanceResource[M, P]) buildClaim(ctx context.Context, m *M) (*appcat.Claim[P], diag.Diagnostics) {
	var diags diag.Diagnostics
	common := r.kind.common(m)
	params, composition, ds := r.kind.expand(ctx, m)
	diags.Append(ds...)
	claim := &appcat.Claim[P]{
		Metadata: appcat.ObjectMeta{
			Name:        common.Name.ValueString(),
			Namespace:   common.Namespace.ValueString(),
			Labels:      expandStringMap(ctx, common.Labels, &diags),
			Annotations: expandStringMap(ctx, common.Annotations, &diags),
		},
		Spec: appcat.Spec[P]{Parameters: params},
	}
	if composition != "" {
		claim.Spec.CompositionRef = &appcat.LocalRef{Name: composition}
	}
	if name := common.ConnectionSecretName.ValueString(); name != "" {
		claim.Spec.WriteConnectionSecretToRef = &appcat.LocalRef{Name: name}
	}
	setCompositionFields(common, &claim.Spec.CompositionUpdatePolicy, &claim.Spec.CompositionRevisionRef)
	return claim, diags
}

// flatten sets the model from a claim and its connection secret (nil when not read).
// adoptAllLabels is for import, where there is no prior state to tell our labels from others'.
func (r *instanceResource[M, P]) flatten(ctx context.Context, claim *appcat.Claim[P], secret map[string][]byte, m *M, adoptAllLabels bool) diag.Diagnostics {
	var diags diag.Diagnostics
	common := r.kind.common(m)
	common.ID = types.StringValue(claim.ID())
	common.Name = types.StringValue(claim.Metadata.Name)
	common.Namespace = types.StringValue(claim.Metadata.Namespace)
	common.Labels = flattenOwnedMap(claim.Metadata.Labels, common.Labels, adoptAllLabels)
	common.Annotations = flattenOwnedMap(claim.Metadata.Annotations, common.Annotations, adoptAllLabels)
	common.ConnectionSecretName = types.StringNull()
	if ref := claim.Spec.WriteConnectionSecretToRef; ref != nil && ref.Name != "" {
		common.ConnectionSecretName = types.StringValue(ref.Name)
	}
	flattenCompositionFields(common, claim.Spec.CompositionUpdatePolicy, claim.Spec.CompositionRevisionRef)
	common.InstanceNamespace = stringOrNull(claim.Status.InstanceNamespace)
	common.Logs = logsObject(claim.Status.InstanceNamespace, &diags)
	api := r.kind.descriptor().api
	common.CurrentVersion = stringOrNull(api.ReportedVersion(claim.Status))
	common.PreviousVersion = stringOrNull(api.ReportedPreviousVersion(claim.Status))
	if !r.kind.descriptor().has("allow_major_version_upgrade") {
		common.AllowMajorVersionUpgrade = types.BoolNull()
	} else if common.AllowMajorVersionUpgrade.IsNull() || common.AllowMajorVersionUpgrade.IsUnknown() {
		// Terraform's own guard, not on the platform: kept as configured, its default on import.
		common.AllowMajorVersionUpgrade = types.BoolValue(false)
	}
	if common.StoreCredentials.IsNull() || common.StoreCredentials.IsUnknown() {
		// Terraform's own setting, not on the platform: kept as configured, its default on import.
		common.StoreCredentials = types.BoolValue(true)
	}
	common.Connection = connectionObject(api.Connection, secret, &diags)
	if !common.StoreCredentials.ValueBool() {
		common.Connection = withoutInstanceCredentials(common.Connection)
	}
	diags.Append(r.kind.flatten(ctx, claim, m)...)
	return diags
}

// readSecret reads the claim's connection secret; nil when the claim has none or it does not
// exist (yet).
func (r *instanceResource[M, P]) readSecret(ctx context.Context, client *appcat.Client, claim *appcat.Claim[P], mode appcat.ReadMode) (map[string][]byte, error) {
	ref := claim.Spec.WriteConnectionSecretToRef
	if ref == nil || ref.Name == "" {
		return nil, nil
	}
	data, err := client.ConnectionSecret(ctx, claim.Metadata.Namespace, ref.Name, mode)
	if appcat.IsNotFound(err) {
		return nil, nil
	}
	return data, err
}

// connectionObject builds the sensitive connection object from the secret; null without one.
func connectionObject(keys appcat.ConnectionKeys, secret map[string][]byte, diags *diag.Diagnostics) types.Object {
	if secret == nil {
		return types.ObjectNull(connectionAttrTypes)
	}
	obj, ds := types.ObjectValueFrom(context.Background(), connectionAttrTypes, connectionValues(keys, secret))
	diags.Append(ds...)
	return obj
}

// platformLabelPrefixes are label and annotation prefixes that tools and the platform set on
// claims; they are never adopted on import, except userLabels.
var platformLabelPrefixes = []string{"kubectl.kubernetes.io/", "crossplane.io/", "appcat.vshn.io/"}

// userLabels are keys under the platform's prefixes that the customer sets:
// appcat.vshn.io/provider-config selects the cluster an instance runs on in a split AppCat
// setup (pkg/comp-functions/runtime/function_mgr.go ProviderConfigLabel, checked by
// pkg/controller/webhooks/default_handler.go ValidateProviderConfig).
var userLabels = []string{"appcat.vshn.io/provider-config"}

// flattenOwnedMap returns the labels (or annotations) Terraform manages: the keys it had before,
// with their live values, so a change made outside Terraform shows as drift while keys that
// other tools add are left alone. On import (adoptAll) every key but the platform's is taken.
func flattenOwnedMap(live map[string]string, prior types.Map, adoptAll bool) types.Map {
	out := map[string]string{}
	switch {
	case adoptAll:
		for k, v := range live {
			if !hasAnyPrefix(k, platformLabelPrefixes) || slices.Contains(userLabels, k) {
				out[k] = v
			}
		}
	case !prior.IsNull() && !prior.IsUnknown():
		for k := range prior.Elements() {
			if v, ok := live[k]; ok {
				out[k] = v
			}
		}
	}
	if len(out) == 0 {
		return types.MapNull(types.StringType)
	}
	m, _ := types.MapValueFrom(context.Background(), types.StringType, out)
	return m
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
