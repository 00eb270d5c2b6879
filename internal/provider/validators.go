package provider

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// quantityValidator checks a size: a Kubernetes resource quantity greater than zero, such as
// "20Gi" or "500m".
type quantityValidator struct{}

func (quantityValidator) Description(context.Context) string {
	return "must be a Kubernetes quantity greater than zero, such as 20Gi or 500m"
}
func (v quantityValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (quantityValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := appcat.ValidSize(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid size", err.Error())
	}
}

// cidrValidator checks an IP range in CIDR notation ("10.0.0.0/8") or a single address.
type cidrValidator struct{}

func (cidrValidator) Description(context.Context) string {
	return "must be an IP range in CIDR notation, e.g. 203.0.113.0/24"
}
func (v cidrValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (cidrValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if _, err := netip.ParsePrefix(s); err == nil {
		return
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid IP range",
		fmt.Sprintf("%q is not an IP range in CIDR notation (e.g. 203.0.113.0/24) nor an IP address.", s))
}

func mapNotEmpty() []validator.Map { return []validator.Map{mapvalidator.SizeAtLeast(1)} }
