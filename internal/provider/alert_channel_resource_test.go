package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

const alertChannelAddr = "appcat_alert_channel.test"

func alertChannelHCL(name string, lines ...string) string {
	return fmt.Sprintf(`
resource "appcat_alert_channel" "test" {
  name = %q
  %s
}
`, name, strings.Join(lines, "\n  "))
}

func alertChannelIs(attr *tfjsonpath.Path, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(alertChannelAddr, *attr, check)
}

func attrPath(names ...string) *tfjsonpath.Path {
	p := tfjsonpath.New(names[0])
	for _, n := range names[1:] {
		p = p.AtMapKey(n)
	}
	return &p
}

// alertmanagerConfigField checks one field of the channel's AlertmanagerConfig on the platform.
func alertmanagerConfigField(t *testing.T, ns, name string, want any, fields ...any) statecheck.StateCheck {
	dyn := adminDynamic(t)
	return platformCheck(func(ctx context.Context) error {
		u, err := dyn.Resource(appcat.AlertmanagerConfigGVR).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		var cur any = u.Object
		for _, f := range fields {
			switch k := f.(type) {
			case string:
				m, _ := cur.(map[string]any)
				cur = m[k]
			case int:
				s, _ := cur.([]any)
				if k >= len(s) {
					return fmt.Errorf("AlertmanagerConfig %s/%s: %v: index %d out of range", ns, name, fields, k)
				}
				cur = s[k]
			}
		}
		if fmt.Sprint(cur) != fmt.Sprint(want) {
			return fmt.Errorf("AlertmanagerConfig %s/%s: %v = %v, want %v", ns, name, fields, cur, want)
		}
		return nil
	})
}

// channelSecretHas checks one key of the channel's credentials Secret.
func channelSecretHas(t *testing.T, ns, name, key, want string) statecheck.StateCheck {
	cs := adminClientset(t)
	return platformCheck(func(ctx context.Context) error {
		s, err := cs.CoreV1().Secrets(ns).Get(ctx, name+"-alert-channel", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if got := string(s.Data[key]); got != want {
			return fmt.Errorf("secret %s/%s key %s has the wrong value (%d bytes)", ns, s.Name, key, len(got))
		}
		return nil
	})
}

// alertChannelsGone checks that destroy removed the channels' AlertmanagerConfigs and Secrets.
func alertChannelsGone(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		dyn, cs := adminDynamic(t), adminClientset(t)
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "appcat_alert_channel" {
				continue
			}
			ns, name := rs.Primary.Attributes["namespace"], rs.Primary.Attributes["name"]
			if _, err := dyn.Resource(appcat.AlertmanagerConfigGVR).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return fmt.Errorf("AlertmanagerConfig %s/%s still there after destroy (err %v)", ns, name, err)
			}
			if _, err := cs.CoreV1().Secrets(ns).Get(context.Background(), name+"-alert-channel", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return fmt.Errorf("Secret %s/%s-alert-channel still there after destroy (err %v)", ns, name, err)
			}
		}
		return nil
	}
}

// The alerting tests run Terraform as the customer (userProvider in a customerNamespace), who
// administers their own namespaces on real AppCat; the checks look at the platform as the admin,
// so that what they see does not depend on the identity under test.

func TestAccAlertChannel(t *testing.T) {
	t.Run("webhook, then slack with write-only credentials, import", func(t *testing.T) {
		ns, name := customerNamespace(t), randomName("alerts")
		slackURL1 := "https://hooks.slack.com/services/T000/B000/first"
		slackURL2 := "https://hooks.slack.com/services/T000/B000/second"
		slack := func(url string, version int) string {
			return userProvider(ns) + alertChannelHCL(name, fmt.Sprintf("credentials_version = %d", version),
				fmt.Sprintf(`slack = { api_url = %q, channel = "#alerts" }`, url))
		}
		resource.ParallelTest(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needWriteOnlyAttributes},
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             alertChannelsGone(t),
			Steps: []resource.TestStep{
				{
					Config: userProvider(ns) + alertChannelHCL(name, `webhook = { url = "https://alerts.example.com/hook" }`),
					ConfigStateChecks: []statecheck.StateCheck{
						alertChannelIs(attrPath("id"), knownvalue.StringExact(ns+"/"+name)),
						alertChannelIs(attrPath("namespace"), knownvalue.StringExact(ns)),
						alertChannelIs(attrPath("secret_name"), knownvalue.StringExact(name+"-alert-channel")),
						alertChannelIs(attrPath("webhook", "url"), knownvalue.StringExact("https://alerts.example.com/hook")),
						alertChannelIs(attrPath("slack"), knownvalue.Null()),
						alertmanagerConfigField(t, ns, name, name, "spec", "route", "receiver"),
						alertmanagerConfigField(t, ns, name, "https://alerts.example.com/hook", "spec", "receivers", 0, "webhookConfigs", 0, "url"),
					},
				},
				{
					// Switching the receiver kind is an update; the write-only URL reaches the
					// Secret and never the state.
					Config:           slack(slackURL1, 1),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(alertChannelAddr, plancheck.ResourceActionUpdate)}},
					ConfigStateChecks: []statecheck.StateCheck{
						alertChannelIs(attrPath("slack", "api_url"), knownvalue.Null()),
						alertChannelIs(attrPath("slack", "channel"), knownvalue.StringExact("#alerts")),
						alertChannelIs(attrPath("webhook"), knownvalue.Null()),
						alertChannelIs(attrPath("credentials_version"), knownvalue.Int64Exact(1)),
						channelSecretHas(t, ns, name, "slack-api-url", slackURL1),
						alertmanagerConfigField(t, ns, name, nil, "spec", "receivers", 0, "webhookConfigs"),
						alertmanagerConfigField(t, ns, name, name+"-alert-channel", "spec", "receivers", 0, "slackConfigs", 0, "apiURL", "name"),
						alertmanagerConfigField(t, ns, name, "slack-api-url", "spec", "receivers", 0, "slackConfigs", 0, "apiURL", "key"),
					},
				},
				{
					// A changed write-only value alone is invisible to Terraform: no change.
					Config:             slack(slackURL2, 1),
					PlanOnly:           true,
					ExpectNonEmptyPlan: false,
				},
				{
					// A new credentials_version writes it.
					Config:            slack(slackURL2, 2),
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(alertChannelAddr, plancheck.ResourceActionUpdate)}},
					ConfigStateChecks: []statecheck.StateCheck{channelSecretHas(t, ns, name, "slack-api-url", slackURL2)},
				},
				{
					// The Secret deleted outside Terraform (by the customer): the channel is written again.
					PreConfig: func() {
						if err := customerClientset(t).CoreV1().Secrets(ns).Delete(context.Background(), name+"-alert-channel", metav1.DeleteOptions{}); err != nil {
							t.Fatal(err)
						}
					},
					Config:            slack(slackURL2, 2),
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(alertChannelAddr, plancheck.ResourceActionCreate)}},
					ConfigStateChecks: []statecheck.StateCheck{channelSecretHas(t, ns, name, "slack-api-url", slackURL2)},
				},
				{ResourceName: alertChannelAddr, ImportState: true, ImportStateId: ns + "/" + name, ImportStateVerify: true},
				{Config: slack(slackURL2, 2), ResourceName: alertChannelAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: ns + "/" + name},
			},
		})
	})

	t.Run("email, msteams, pagerduty, opsgenie receivers", func(t *testing.T) {
		ns := customerNamespace(t)
		names := []string{randomName("mail"), randomName("teams"), randomName("pd"), randomName("og")}
		cfg := userProvider(ns) + fmt.Sprintf(`
resource "appcat_alert_channel" "mail" {
  name  = %q
  email = { to = "ops@example.com, dba@example.com", from = "alerts@example.com", smarthost = "smtp.example.com:587" }
}
resource "appcat_alert_channel" "teams" {
  name    = %q
  msteams = { webhook_url = "https://example.webhook.office.com/webhookb2/abc" }
}
resource "appcat_alert_channel" "pd" {
  name      = %q
  pagerduty = { routing_key = "R0UT1NGK3Y" }
}
resource "appcat_alert_channel" "og" {
  name     = %q
  opsgenie = { api_key = "0p5g3n13" }
}
`, names[0], names[1], names[2], names[3])
		resource.ParallelTest(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needWriteOnlyAttributes},
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             alertChannelsGone(t),
			Steps: []resource.TestStep{{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("appcat_alert_channel.mail", tfjsonpath.New("email").AtMapKey("to"), knownvalue.StringExact("ops@example.com, dba@example.com")),
					statecheck.ExpectKnownValue("appcat_alert_channel.teams", tfjsonpath.New("msteams").AtMapKey("webhook_url"), knownvalue.Null()),
					alertmanagerConfigField(t, ns, names[0], "smtp.example.com:587", "spec", "receivers", 0, "emailConfigs", 0, "smarthost"),
					alertmanagerConfigField(t, ns, names[1], "msteams-webhook-url", "spec", "receivers", 0, "msteamsConfigs", 0, "webhookUrl", "key"),
					channelSecretHas(t, ns, names[1], "msteams-webhook-url", "https://example.webhook.office.com/webhookb2/abc"),
					channelSecretHas(t, ns, names[2], "pagerduty-routing-key", "R0UT1NGK3Y"),
					channelSecretHas(t, ns, names[3], "opsgenie-api-key", "0p5g3n13"),
				},
			}},
		})
	})

	t.Run("bad input is rejected at plan time", func(t *testing.T) {
		ns := customerNamespace(t)
		bad := []struct{ lines, want string }{
			{`webhook = { url = "not a url" }`, `(?s)Invalid URL.*webhook\.url`},
			{`webhook = { url = "ftp://alerts.example.com/hook" }`, `(?s)Invalid URL.*webhook\.url`},
			{`webhook = { url = "https:///path-only" }`, `(?s)Invalid URL.*webhook\.url`},
			{`slack = { api_url = "hooks.slack.com/services/x" }`, `(?s)Invalid URL.*slack\.api_url`},
			{`msteams = { webhook_url = "teams" }`, `(?s)Invalid URL.*msteams\.webhook_url`},
			{`email = { to = "ops@example.com, not-an-email", from = "a@example.com", smarthost = "smtp.example.com:25" }`, `(?s)Invalid email address.*email\.to.*not-an-email`},
			{`email = { to = "ops@example.com", from = "Alerts <a@example.com>", smarthost = "smtp.example.com:25" }`, `(?s)Invalid email address.*email\.from`},
			{`email = { to = "ops@example.com", from = "a@example.com", smarthost = "smtp.example.com" }`, `(?s)Invalid smarthost.*email\.smarthost`},
			{"webhook = { url = \"https://a.example.com/\" }\n  opsgenie = { api_key = \"k\" }", `(?s)Invalid Attribute Combination`},
			{``, `(?s)Missing Attribute Configuration.*Exactly one of`},
		}
		var steps []resource.TestStep
		for _, b := range bad {
			steps = append(steps, resource.TestStep{
				Config: userProvider(ns) + alertChannelHCL(randomName("bad"), b.lines), PlanOnly: true, ExpectError: regexp.MustCompile(b.want),
			})
		}
		// The instances' alerting block checks its addresses too.
		steps = append(steps,
			resource.TestStep{Config: redisAcc.customerConfig(ns, redisAcc.name(), `alerting = { email = "ops@example.com, nobody" }`),
				PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Invalid email address.*alerting\.email`)},
			resource.TestStep{Config: redisAcc.customerConfig(ns, redisAcc.name(), `alerting = {}`),
				PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Empty alerting block.*alerting`)},
		)
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    steps,
		})
	})
}

// webhookReceiver is an Alertmanager webhook endpoint on loopback that records what it gets.
type webhookReceiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []receivedAlert
}

type receivedAlert struct {
	Status string            // of the alert: firing or resolved
	Labels map[string]string // of the alert
}

func newWebhookReceiver(t *testing.T) *webhookReceiver {
	w := &webhookReceiver{}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
		var p struct {
			Version string `json:"version"`
			Alerts  []struct {
				Status string            `json:"status"`
				Labels map[string]string `json:"labels"`
			} `json:"alerts"`
		}
		if req.Method != http.MethodPost || json.NewDecoder(req.Body).Decode(&p) != nil || p.Version != "4" {
			http.Error(rw, "want an Alertmanager webhook payload (version 4)", http.StatusBadRequest)
			return
		}
		w.mu.Lock()
		for _, a := range p.Alerts {
			w.got = append(w.got, receivedAlert{Status: a.Status, Labels: a.Labels})
		}
		w.mu.Unlock()
	}))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *webhookReceiver) count(alertname, status string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, a := range w.got {
		if a.Labels["alertname"] == alertname && a.Status == status {
			n++
		}
	}
	return n
}

// received waits until the receiver has got want alerts named alertname with status, whose
// labels name the claim, and then checks that no more arrive.
func (w *webhookReceiver) received(alertname, status string, want int, ns, claim string) statecheck.StateCheck {
	return platformCheck(func(ctx context.Context) error {
		deadline := time.Now().Add(30 * time.Second)
		for w.count(alertname, status) < want && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		if n := w.count(alertname, status); n != want {
			return fmt.Errorf("webhook received %d %s %s alerts, want %d (all: %+v)", n, status, alertname, want, w.snapshot())
		}
		for _, a := range w.snapshot() {
			if a.Labels["alertname"] == alertname && (a.Labels["claim_name"] != claim || a.Labels["claim_namespace"] != ns) {
				return fmt.Errorf("alert %s has labels %v, want claim_name %s and claim_namespace %s", alertname, a.Labels, claim, ns)
			}
		}
		return nil
	})
}

func (w *webhookReceiver) snapshot() []receivedAlert {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]receivedAlert(nil), w.got...)
}

// platformAlerting checks what the platform's alert delivery recorded for the claim (its memory,
// package memory): whether the test notification was sent and which alerts fire.
func platformAlerting(t *testing.T, sent bool, firing ...string) func(*unstructured.Unstructured) error {
	return func(u *unstructured.Unstructured) error {
		mem := claimMemory(t, u)
		at := str(mem, "alerting", "testNotificationSentAt")
		if (at != "") != sent {
			return fmt.Errorf("alerting.testNotificationSentAt = %q, want set: %v", at, sent)
		}
		list, _, _ := unstructured.NestedSlice(mem.Object, "alerting", "firing")
		var names []string
		for _, f := range list {
			if m, ok := f.(map[string]any); ok {
				names = append(names, fmt.Sprint(m["alertname"]))
			}
		}
		if strings.Join(names, ",") != strings.Join(firing, ",") {
			return fmt.Errorf("alerting.firing = %v, want %v", names, firing)
		}
		return nil
	}
}

func TestAccAlertingAttachment(t *testing.T) {
	k := redisAcc
	ns, name, channel := customerNamespace(t), k.name(), randomName("oncall")
	hook := newWebhookReceiver(t)
	channelCfg := alertChannelHCL(channel, fmt.Sprintf(`webhook = { url = %q }`, hook.srv.URL+"/alerts"))
	cfg := func(lines ...string) string {
		return k.customerConfig(ns, name, append([]string{"deletion_protection = false"}, lines...)...) + channelCfg
	}
	attach := func(email string) string {
		return fmt.Sprintf(`alerting = { channel = appcat_alert_channel.test.name, email = %q }`, email)
	}
	disk := func(percent string) string {
		return fmt.Sprintf(`annotations = { "local.appcat.vshn.io/disk-usage-percent" = %q }`, percent)
	}
	monitoring := func(f ...string) []string { return append([]string{"parameters", "monitoring"}, f...) }
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := k.claimsGone(t)(s); err != nil {
				return err
			}
			return alertChannelsGone(t)(s)
		},
		Steps: []resource.TestStep{
			{
				// Attaching the channel: the platform sends its test notification to the webhook.
				Config: cfg(attach("ops@example.com, dba@example.com")),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("alerting", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"config_template": knownvalue.Null(), "config_secret": knownvalue.Null(),
						"channel": knownvalue.StringExact(channel),
						"email":   knownvalue.StringExact("ops@example.com, dba@example.com"),
					})),
					claimConverged(t, k.api, ns, name,
						specField(channel, monitoring("alertmanagerConfigRef")...),
						specField(channel+"-alert-channel", monitoring("alertmanagerConfigSecretRef")...),
						specField("ops@example.com, dba@example.com", monitoring("email")...)),
					hook.received("AppCatTestNotification", "firing", 1, ns, name),
					claimConverged(t, k.api, ns, name, platformAlerting(t, true)),
				},
			},
			{
				// The disk fills up (test hook): PersistentVolumeFillingUp fires, once.
				Config: cfg(attach("ops@example.com, dba@example.com"), disk("98")),
				ConfigStateChecks: []statecheck.StateCheck{
					hook.received("PersistentVolumeFillingUp", "firing", 1, ns, name),
					hook.received("AppCatTestNotification", "firing", 1, ns, name), // not again
					claimConverged(t, k.api, ns, name, platformAlerting(t, true, "PersistentVolumeFillingUp")),
				},
			},
			{
				// Usage drops and the email list changes in place: the alert is resolved.
				Config:           cfg(attach("ops@example.com"), disk("60")),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("alerting", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"config_template": knownvalue.Null(), "config_secret": knownvalue.Null(),
						"channel": knownvalue.StringExact(channel), "email": knownvalue.StringExact("ops@example.com"),
					})),
					claimConverged(t, k.api, ns, name, specField("ops@example.com", monitoring("email")...)),
					hook.received("PersistentVolumeFillingUp", "resolved", 1, ns, name),
					claimConverged(t, k.api, ns, name, platformAlerting(t, true)),
				},
			},
			// An instance with an alerting attachment imports with an empty plan.
			{ResourceName: k.addr(), ImportState: true, ImportStateId: ns + "/" + name, ImportStateVerify: true},
			{Config: cfg(attach("ops@example.com"), disk("60")), ResourceName: k.addr(), ImportState: true,
				ImportStateKind: resource.ImportBlockWithID, ImportStateId: ns + "/" + name},
			{
				// Removing the block detaches in place; the channel stays.
				Config:           cfg(disk("60")),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("alerting", knownvalue.Null()),
					claimConverged(t, k.api, ns, name, specAbsent(monitoring()...)),
					alertmanagerConfigField(t, ns, channel, channel, "spec", "route", "receiver"),
				},
			},
			{
				// Email only, no channel.
				Config:           cfg(`alerting = { email = "ops@example.com" }`, disk("60")),
				ConfigPlanChecks: k.expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					k.stateIs("alerting", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"config_template": knownvalue.Null(), "config_secret": knownvalue.Null(),
						"channel": knownvalue.Null(), "email": knownvalue.StringExact("ops@example.com"),
					})),
					claimConverged(t, k.api, ns, name, specField("ops@example.com", monitoring("email")...), specAbsent(monitoring("alertmanagerConfigRef")...)),
				},
			},
		},
	})
}
