package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The alerting block's inline receiver: spec.parameters.monitoring.alertmanagerConfigTemplate,
// an AlertmanagerConfigSpec (route, receivers, inhibitRules, timeIntervals) the platform turns
// into an AlertmanagerConfig in the instance namespace, together with the Secret named by
// alertmanagerConfigSecretRef, which it copies there (vshn/appcat
// pkg/comp-functions/functions/common/alerting.go: a template without that Secret is refused,
// and the template takes precedence over alertmanagerConfigRef).

func configTemplateAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "An AlertmanagerConfig spec (`route`, `receivers`, `inhibitRules`, `timeIntervals`) as JSON, e.g. " +
			"`jsonencode({ route = { receiver = \"ops\" }, receivers = [{ name = \"ops\", webhookConfigs = [...] }] })` — " +
			"`alertmanagerConfigTemplate`. The platform creates it in the instance namespace. Needs `config_secret`; instead of `channel`.",
		Validators: []validator.String{
			jsonObjectValidator{},
			stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("config_secret")),
			stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("channel")),
		},
	}
}

func configSecretAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Name of a Secret in the instance's namespace that `config_template` refers to (credentials of its receivers); " +
			"the platform copies it into the instance namespace (`alertmanagerConfigSecretRef`). Only with `config_template`.",
		Validators: []validator.String{
			stringvalidator.LengthBetween(1, 253),
			stringvalidator.RegexMatches(dnsSubdomain, "must be a Secret name: lowercase letters, digits, '-' and '.'"),
			stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("config_template")),
		},
	}
}

func expandConfigTemplate(m alertingModel, mon *appcat.Monitoring, diags *diag.Diagnostics) {
	if m.ConfigTemplate.IsNull() || m.ConfigTemplate.IsUnknown() {
		return
	}
	var spec map[string]any
	if err := json.Unmarshal([]byte(m.ConfigTemplate.ValueString()), &spec); err != nil {
		diags.AddAttributeError(path.Root("alerting").AtName("config_template"), "Invalid AlertmanagerConfig template", err.Error())
		return
	}
	mon.AlertmanagerConfigTemplate = spec
	mon.AlertmanagerConfigSecretRef = stringPtr(m.ConfigSecret)
}

// flattenConfigTemplate returns config_template (compact JSON) and config_secret; the secret
// belongs to the template only (with a channel it is the channel's, shown by channel).
func flattenConfigTemplate(mon *appcat.Monitoring) (types.String, types.String) {
	if mon.AlertmanagerConfigTemplate == nil {
		return types.StringNull(), types.StringNull()
	}
	raw, err := json.Marshal(mon.AlertmanagerConfigTemplate)
	if err != nil {
		return types.StringNull(), types.StringNull()
	}
	return types.StringValue(string(raw)), stringPtrOrNull(mon.AlertmanagerConfigSecretRef)
}

// keepTemplateText keeps the configured text of config_template where the platform holds the
// same JSON, so formatting and key order never show as a difference.
func keepTemplateText(live, prior types.Object) types.Object {
	if live.IsNull() || live.IsUnknown() || prior.IsNull() || prior.IsUnknown() {
		return live
	}
	liveT, ok1 := live.Attributes()["config_template"].(types.String)
	priorT, ok2 := prior.Attributes()["config_template"].(types.String)
	if !ok1 || !ok2 || liveT.IsNull() || priorT.IsNull() || priorT.IsUnknown() || !sameJSON(liveT.ValueString(), priorT.ValueString()) {
		return live
	}
	attrs := map[string]attr.Value{}
	for k, v := range live.Attributes() {
		attrs[k] = v
	}
	attrs["config_template"] = priorT
	return types.ObjectValueMust(alertingAttrTypes, attrs)
}

func sameJSON(a, b string) bool {
	ca, ok1 := canonicalJSON(a)
	cb, ok2 := canonicalJSON(b)
	return ok1 && ok2 && bytes.Equal(ca, cb)
}

func canonicalJSON(s string) ([]byte, bool) {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, false
	}
	out, err := json.Marshal(v)
	return out, err == nil
}

// jsonObjectValidator accepts a JSON object.
type jsonObjectValidator struct{}

func (jsonObjectValidator) Description(context.Context) string { return "must be a JSON object" }

func (v jsonObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v jsonObjectValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(req.ConfigValue.ValueString()), &obj); err != nil || obj == nil {
		msg := "null"
		if err != nil {
			msg = err.Error()
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Not a JSON object",
			fmt.Sprintf("%s must be a JSON object, e.g. jsonencode({ route = { receiver = \"ops\" }, receivers = [{ name = \"ops\" }] }): %s", req.Path, msg))
	}
}
