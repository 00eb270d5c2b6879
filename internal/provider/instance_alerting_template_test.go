package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// alertingTemplate is an alerting block with an inline AlertmanagerConfig whose receiver posts
// to url.
func alertingTemplate(receiver, url string) string {
	return `alerting = {
    config_template = jsonencode({
      route     = { receiver = "` + receiver + `", groupBy = ["alertname"] }
      receivers = [{ name = "` + receiver + `", webhookConfigs = [{ url = "` + url + `" }] }]
    })
    config_secret = "alert-creds"
  }`
}

func TestAccAlertingConfigTemplate(t *testing.T) {
	t.Run("inline AlertmanagerConfig: create, change in place, import", func(t *testing.T) {
		k := pgAcc
		ns, name := customerNamespace(t), k.name() // as the customer, like the other alerting tests
		hook := newWebhookReceiver(t)
		ops := k.customerConfig(ns, name, "deletion_protection = false", alertingTemplate("ops", hook.srv.URL))
		steps := []resource.TestStep{
			{
				Config: ops,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(k.addr(), tfjsonpath.New("alerting").AtMapKey("config_secret"), knownvalue.StringExact("alert-creds")),
					statecheck.ExpectKnownValue(k.addr(), tfjsonpath.New("alerting").AtMapKey("channel"), knownvalue.Null()),
					// The local platform delivers to the template's webhook receiver, as to a referenced one.
					hook.received("AppCatTestNotification", "firing", 1, ns, name),
					claimConverged(t, k.api, ns, name,
						specField("ops", "parameters", "monitoring", "alertmanagerConfigTemplate", "route", "receiver"),
						specField("alert-creds", "parameters", "monitoring", "alertmanagerConfigSecretRef"),
						specAbsent("parameters", "monitoring", "alertmanagerConfigRef")),
				},
			},
			{
				Config:           k.customerConfig(ns, name, "deletion_protection = false", alertingTemplate("dba", hook.srv.URL)),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					claimConverged(t, k.api, ns, name, specField("dba", "parameters", "monitoring", "alertmanagerConfigTemplate", "route", "receiver")),
				},
			},
		}
		steps = append(steps, k.importSteps(ns, name, k.customerConfig(ns, name, "deletion_protection = false", alertingTemplate("dba", hook.srv.URL)))...)
		k.test(t, steps...)
	})

	t.Run("what the platform refuses is refused at plan time", func(t *testing.T) {
		pgAcc.rejectedAtPlanTime(t, []badInput{
			{lines: []string{`alerting = { config_template = jsonencode({ route = { receiver = "ops" } }) }`},
				want: wrapped(`Attribute "alerting.config_secret" must be specified when "alerting.config_template" is specified`)},
			{lines: []string{`alerting = { email = "ops@example.com", config_secret = "alert-creds" }`},
				want: wrapped(`Attribute "alerting.config_template" must be specified when "alerting.config_secret" is specified`)},
			{lines: []string{`alerting = { config_template = "[1, 2]", config_secret = "alert-creds" }`},
				want: wrapped(`alerting.config_template must be a JSON object`)},
			{lines: []string{`alerting = { channel = "ops", config_template = jsonencode({}), config_secret = "alert-creds" }`},
				want: wrapped(`cannot be specified when`)},
		})
	})
}

func TestKeepTemplateText(t *testing.T) {
	obj := func(template string) types.Object {
		return types.ObjectValueMust(alertingAttrTypes, map[string]attr.Value{
			"channel": types.StringNull(), "email": types.StringNull(),
			"config_template": types.StringValue(template), "config_secret": types.StringValue("s"),
		})
	}
	live := obj(`{"receivers":[{"name":"ops"}],"route":{"receiver":"ops"}}`)
	sameText := "{\n  \"route\": {\"receiver\": \"ops\"},\n  \"receivers\": [{\"name\": \"ops\"}]\n}"
	if got := keepTemplateText(live, obj(sameText)); got.Attributes()["config_template"].(types.String).ValueString() != sameText {
		t.Errorf("the same JSON in other words must keep the configured text, got %s", got.Attributes()["config_template"])
	}
	other := `{"route":{"receiver":"dba"}}`
	if got := keepTemplateText(live, obj(other)); !got.Equal(live) {
		t.Errorf("a different template must show the platform's, got %s", got.Attributes()["config_template"])
	}
	if got := keepTemplateText(live, types.ObjectNull(alertingAttrTypes)); !got.Equal(live) {
		t.Errorf("without a prior value the platform's text is kept")
	}
}
