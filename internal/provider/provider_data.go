package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// providerData is what Configure hands to every resource and data source: one client shared by
// all of them (one rate limiter, one set of read snapshots) and the default namespace.
type providerData struct {
	client           *appcat.Client
	defaultNamespace string
	// unknownConfig is set when the provider block had values unknown at plan time (a cluster
	// created in the same apply). Plans of new resources work without a client; anything that
	// needs the platform reports a clear error instead.
	unknownConfig bool
}

// providerDataFrom is what every resource, data source and ephemeral resource does in Configure:
// take the provider's data, which is nil while Terraform validates configuration before the
// provider is configured.
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", raw))
	}
	return data
}

func (d *providerData) appcatClient() (*appcat.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch {
	case d == nil:
		diags.AddError("Provider not configured", "The AppCat provider was not configured before use. This is a bug in the provider.")
	case d.unknownConfig || d.client == nil:
		diags.AddError("Provider configuration not known yet",
			"The appcat provider's configuration depends on values that are known only after apply "+
				"(for example a cluster created in the same configuration), so it cannot reach the platform yet. "+
				"Apply the resources the provider configuration depends on first, or use -target.")
	}
	if diags.HasError() {
		return nil, diags
	}
	return d.client, nil
}

// namespaceOr is the namespace a data source reads: the configured one, or the provider's
// default when the configuration leaves it out.
func (d *providerData) namespaceOr(configured types.String) string {
	if configured.IsNull() {
		return d.defaultNamespace
	}
	return configured.ValueString()
}

// plannedNamespace is a new resource's namespace as planned: the provider's default in place of
// an unknown one when the provider's configuration is known; otherwise unchanged.
func (d *providerData) plannedNamespace(planned types.String) types.String {
	if planned.IsUnknown() && d != nil && !d.unknownConfig && d.defaultNamespace != "" {
		return types.StringValue(d.defaultNamespace)
	}
	return planned
}
