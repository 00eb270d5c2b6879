package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

func TestAlertValidators(t *testing.T) {
	check := func(v validator.String, value string) string {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(value)}, resp)
		if resp.Diagnostics.HasError() {
			return resp.Diagnostics[0].Detail()
		}
		return ""
	}
	for value, ok := range map[string]bool{
		"https://hooks.example.com/x?y=1": true, "http://127.0.0.1:9093/hook": true,
		"hooks.example.com/x": false, "ftp://example.com/": false, "https:///x": false, "http://example.com:99999/": false, "not a url": false,
	} {
		if got := check(httpURLValidator{}, value); (got == "") != ok {
			t.Errorf("URL %q: error %q, want ok %v", value, got, ok)
		}
	}
	if got := check(httpURLValidator{}, "hooks.slack.com/services/SECRET"); strings.Contains(got, "SECRET") {
		t.Errorf("the URL error repeats the value, which may be a credential: %q", got)
	}
	list := emailListValidator{list: true}
	for value, ok := range map[string]bool{
		"ops@example.com": true, "ops@example.com, dba@example.com": true, "a.b+c@sub.example.ch": true,
		"ops": false, "ops@": false, "ops@example.com,": false, "Ops <ops@example.com>": false, "ops@.com": false, "ops@example..com": false,
	} {
		if got := check(list, value); (got == "") != ok {
			t.Errorf("email list %q: error %q, want ok %v", value, got, ok)
		}
	}
	if check(emailListValidator{}, "a@example.com, b@example.com") == "" {
		t.Errorf("a single-address attribute accepted a list")
	}
	for value, ok := range map[string]bool{"smtp.example.com:587": true, "[::1]:25": true, "smtp.example.com": false, "smtp.example.com:0": false, "smtp:abc": false} {
		if got := check(smarthostValidator{}, value); (got == "") != ok {
			t.Errorf("smarthost %q: error %q, want ok %v", value, got, ok)
		}
	}
}

// TestAlertChannelExpandFlatten: every receiver kind survives a round trip through the platform's
// object, write-only credentials go to the Secret only, and nothing else is set.
func TestAlertChannelExpandFlatten(t *testing.T) {
	base := func() alertChannelModel {
		return alertChannelModel{Name: types.StringValue("oncall"), Namespace: types.StringValue("shop"), CredentialsVersion: types.Int64Value(3)}
	}
	cases := map[string]struct {
		set       func(m, config *alertChannelModel)
		secretKey string
	}{
		"webhook": {set: func(m, c *alertChannelModel) {
			m.Webhook = &webhookModel{URL: types.StringValue("https://a.example.com/")}
		}},
		"email": {set: func(m, c *alertChannelModel) {
			m.Email = &emailModel{To: types.StringValue("a@example.com"), From: types.StringValue("b@example.com"), Smarthost: types.StringValue("smtp.example.com:25")}
		}},
		"slack": {secretKey: appcat.AlertSecretKeySlackAPIURL, set: func(m, c *alertChannelModel) {
			m.Slack = &slackModel{APIURL: types.StringNull(), Channel: types.StringValue("#ops")}
			c.Slack = &slackModel{APIURL: types.StringValue("https://hooks.slack.com/s"), Channel: types.StringValue("#ops")}
		}},
		"msteams": {secretKey: appcat.AlertSecretKeyMSTeamsWebhookURL, set: func(m, c *alertChannelModel) {
			m.MSTeams = &msteamsModel{WebhookURL: types.StringNull()}
			c.MSTeams = &msteamsModel{WebhookURL: types.StringValue("https://teams.example.com/w")}
		}},
		"pagerduty": {secretKey: appcat.AlertSecretKeyPagerDutyRouting, set: func(m, c *alertChannelModel) {
			m.PagerDuty = &pagerdutyModel{RoutingKey: types.StringNull()}
			c.PagerDuty = &pagerdutyModel{RoutingKey: types.StringValue("key")}
		}},
		"opsgenie": {secretKey: appcat.AlertSecretKeyOpsgenieAPIKey, set: func(m, c *alertChannelModel) {
			m.Opsgenie = &opsgenieModel{APIKey: types.StringNull()}
			c.Opsgenie = &opsgenieModel{APIKey: types.StringValue("key")}
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			plan, config := base(), base()
			tc.set(&plan, &config)
			cfg, creds := plan.expand(&config)
			if len(cfg.Spec.Receivers) != 1 || cfg.Spec.Route.Receiver != cfg.Spec.Receivers[0].Name {
				t.Fatalf("route and receivers: %+v", cfg.Spec)
			}
			if tc.secretKey == "" && len(creds) != 0 || tc.secretKey != "" && (len(creds) != 1 || len(creds[tc.secretKey]) == 0) {
				t.Errorf("credentials keys %v, want only %q", reflect.ValueOf(creds).MapKeys(), tc.secretKey)
			}
			var got alertChannelModel
			got.flatten(&appcat.AlertChannel{Config: cfg, CredentialsVersion: "3"})
			want := plan
			want.ID, want.SecretName = types.StringValue("shop/oncall"), types.StringValue("oncall-alert-channel")
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestAlertingBlockFlatten(t *testing.T) {
	if !flattenAlerting(nil).IsNull() || !flattenAlerting(&appcat.Monitoring{}).IsNull() {
		t.Errorf("no monitoring must flatten to null (no perpetual diff)")
	}
	ch, email := "oncall", "a@example.com"
	var diags diag.Diagnostics
	mon := expandAlerting(context.Background(), flattenAlerting(&appcat.Monitoring{AlertmanagerConfigRef: &ch, Email: &email}), &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if mon == nil || *mon.AlertmanagerConfigRef != ch || *mon.AlertmanagerConfigSecretRef != "oncall-alert-channel" || *mon.Email != email {
		t.Errorf("round trip: %+v", mon)
	}
}
