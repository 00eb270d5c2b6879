package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The instance resources' `alerting` block: where the platform sends the instance's capacity
// alerts (spec.parameters.monitoring).

type alertingModel struct {
	Channel types.String `tfsdk:"channel"`
	Email   types.String `tfsdk:"email"`

	// instance_alerting_template.go
	ConfigTemplate types.String `tfsdk:"config_template"`
	ConfigSecret   types.String `tfsdk:"config_secret"`
}

var alertingAttrTypes = map[string]attr.Type{
	"channel":         types.StringType,
	"email":           types.StringType,
	"config_template": types.StringType,
	"config_secret":   types.StringType,
}

func alertingAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Where the platform sends this instance's capacity alerts (disk filling up, memory, connections; " +
			"see the [runbooks](../guides/runbook-persistent-volume-filling-up)) — `spec.parameters.monitoring`. SLI alerts go to VSHN, not here. Changing or removing it applies in place.",
		Validators: []validator.Object{alertingNotEmpty{}},
		Attributes: map[string]schema.Attribute{
			"channel": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Name of an `appcat_alert_channel` in the instance's namespace (its `name`); the platform sends the alerts " +
					"to its receiver (`alertmanagerConfigRef`, with `alertmanagerConfigSecretRef` = the channel's `secret_name`).",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 63),
					stringvalidator.RegexMatches(dnsLabel, "must be the name of an alert channel: lowercase letters, digits and '-'"),
				},
			},
			"email": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Email addresses that get the alerts too, comma-separated, e.g. `\"ops@example.com, dba@example.com\"`.",
				Validators:          []validator.String{emailListValidator{list: true}},
			},
			"config_template": configTemplateAttribute(),
			"config_secret":   configSecretAttribute(),
		},
	}
}

func expandAlerting(ctx context.Context, o types.Object, diags *diag.Diagnostics) *appcat.Monitoring {
	if o.IsNull() || o.IsUnknown() {
		return nil
	}
	var m alertingModel
	diags.Append(o.As(ctx, &m, basetypes.ObjectAsOptions{})...)
	mon := &appcat.Monitoring{Email: stringPtr(m.Email)}
	if ch := stringPtr(m.Channel); ch != nil {
		secret := appcat.AlertChannelSecretName(*ch)
		mon.AlertmanagerConfigRef, mon.AlertmanagerConfigSecretRef = ch, &secret
	}
	expandConfigTemplate(m, mon, diags)
	return mon
}

// flattenAlerting is null when the claim has no alerting, so an instance without the block has
// no diff.
func flattenAlerting(mon *appcat.Monitoring) types.Object {
	if mon == nil || (mon.AlertmanagerConfigRef == nil && mon.Email == nil && mon.AlertmanagerConfigTemplate == nil) {
		return types.ObjectNull(alertingAttrTypes)
	}
	email := types.StringNull()
	if mon.Email != nil && strings.TrimSpace(*mon.Email) != "" {
		email = types.StringValue(*mon.Email)
	}
	template, secret := flattenConfigTemplate(mon)
	return types.ObjectValueMust(alertingAttrTypes, map[string]attr.Value{
		"channel":         stringPtrOrNull(mon.AlertmanagerConfigRef),
		"email":           email,
		"config_template": template,
		"config_secret":   secret,
	})
}

// alertingNotEmpty refuses an alerting block with neither channel nor email.
type alertingNotEmpty struct{}

func (alertingNotEmpty) Description(context.Context) string {
	return "set `channel`, `email`, `config_template` or a combination"
}

func (v alertingNotEmpty) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v alertingNotEmpty) ValidateObject(ctx context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	if attrs["channel"].IsNull() && attrs["email"].IsNull() && attrs["config_template"].IsNull() {
		resp.Diagnostics.AddAttributeError(req.Path, "Empty alerting block",
			fmt.Sprintf("%s: %s, or remove the block to send no alerts.", req.Path, v.Description(ctx)))
	}
}
