package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

var (
	_ resource.ResourceWithConfigure        = &alertChannelResource{}
	_ resource.ResourceWithImportState      = &alertChannelResource{}
	_ resource.ResourceWithModifyPlan       = &alertChannelResource{}
	_ resource.ResourceWithConfigValidators = &alertChannelResource{}
)

// alertChannelFieldManager owns the channel's AlertmanagerConfig and Secret.
const alertChannelFieldManager = "terraform-provider-appcat/alert-channel"

// NewAlertChannelResource is appcat_alert_channel.
func NewAlertChannelResource() resource.Resource { return &alertChannelResource{} }

type alertChannelResource struct{ data *providerData }

type alertChannelModel struct {
	ID                 types.String    `tfsdk:"id"`
	Name               types.String    `tfsdk:"name"`
	Namespace          types.String    `tfsdk:"namespace"`
	SecretName         types.String    `tfsdk:"secret_name"`
	CredentialsVersion types.Int64     `tfsdk:"credentials_version"`
	Webhook            *webhookModel   `tfsdk:"webhook"`
	Email              *emailModel     `tfsdk:"email"`
	Slack              *slackModel     `tfsdk:"slack"`
	MSTeams            *msteamsModel   `tfsdk:"msteams"`
	PagerDuty          *pagerdutyModel `tfsdk:"pagerduty"`
	Opsgenie           *opsgenieModel  `tfsdk:"opsgenie"`
}

type webhookModel struct {
	URL types.String `tfsdk:"url"`
}

type emailModel struct {
	To        types.String `tfsdk:"to"`
	From      types.String `tfsdk:"from"`
	Smarthost types.String `tfsdk:"smarthost"`
}

type slackModel struct {
	APIURL  types.String `tfsdk:"api_url"`
	Channel types.String `tfsdk:"channel"`
}

type msteamsModel struct {
	WebhookURL types.String `tfsdk:"webhook_url"`
}

type pagerdutyModel struct {
	RoutingKey types.String `tfsdk:"routing_key"`
}

type opsgenieModel struct {
	APIKey types.String `tfsdk:"api_key"`
}

func (r *alertChannelResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_alert_channel"
}

func writeOnlyString(doc string, validators ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Required: true, Sensitive: true, WriteOnly: true, MarkdownDescription: doc + " Write-only and sensitive.", Validators: validators}
}

func (r *alertChannelResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	nonEmpty := stringvalidator.LengthAtLeast(1)
	resp.Schema = schema.Schema{
		MarkdownDescription: descriptionFile("alert_channel_resource"),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`namespace/name` of the channel; also the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the channel (of its `AlertmanagerConfig`), at most 63 characters. Instances name it in `alerting.channel`. Changing it replaces the channel.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 63),
					stringvalidator.RegexMatches(dnsLabel, "must consist of lowercase letters, digits and '-', and start and end with a letter or digit"),
				},
			},
			"namespace": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Namespace of the channel: the namespace of the instances that use it. Defaults to the provider's `namespace`. Changing it replaces the channel.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 63),
					stringvalidator.RegexMatches(dnsLabel, "must be a valid Kubernetes namespace name"),
				},
			},
			"secret_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Name of the Secret with the receiver's credentials (`<name>-alert-channel`), which the instances' `spec.parameters.monitoring.alertmanagerConfigSecretRef` names.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"credentials_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Any number; change it to write changed write-only credentials to the platform (Terraform cannot see changes of write-only values). " +
					"Recorded on the Secret, so an import fills it in.",
			},
			"webhook": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Post alerts as Alertmanager's webhook JSON to a URL.",
				Attributes: map[string]schema.Attribute{
					"url": schema.StringAttribute{Required: true, MarkdownDescription: "The http(s) URL alerts are posted to.", Validators: []validator.String{httpURLValidator{}}},
				},
			},
			"email": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Send alerts by email through an SMTP server.",
				Attributes: map[string]schema.Attribute{
					"to":        schema.StringAttribute{Required: true, MarkdownDescription: "Recipients: comma-separated email addresses.", Validators: []validator.String{emailListValidator{list: true}}},
					"from":      schema.StringAttribute{Required: true, MarkdownDescription: "Sender email address.", Validators: []validator.String{emailListValidator{}}},
					"smarthost": schema.StringAttribute{Required: true, MarkdownDescription: "SMTP server as `host:port`.", Validators: []validator.String{smarthostValidator{}}},
				},
			},
			"slack": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Post alerts to Slack.",
				Attributes: map[string]schema.Attribute{
					"api_url": writeOnlyString("Slack incoming webhook URL (it holds the token).", httpURLValidator{}),
					"channel": schema.StringAttribute{Optional: true, MarkdownDescription: "Channel to post to, e.g. `#alerts`; defaults to the webhook's channel.", Validators: []validator.String{nonEmpty}},
				},
			},
			"msteams": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Post alerts to a Microsoft Teams channel.",
				Attributes: map[string]schema.Attribute{
					"webhook_url": writeOnlyString("Teams incoming webhook URL.", httpURLValidator{}),
				},
			},
			"pagerduty": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Send alerts to PagerDuty (Events API v2).",
				Attributes: map[string]schema.Attribute{
					"routing_key": writeOnlyString("Integration (routing) key of the PagerDuty service.", nonEmpty),
				},
			},
			"opsgenie": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Send alerts to Opsgenie.",
				Attributes: map[string]schema.Attribute{
					"api_key": writeOnlyString("Opsgenie API key.", nonEmpty),
				},
			},
		},
	}
}

var alertReceiverKinds = []string{"webhook", "email", "slack", "msteams", "pagerduty", "opsgenie"}

func (r *alertChannelResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	var paths []path.Expression
	for _, k := range alertReceiverKinds {
		paths = append(paths, path.MatchRoot(k))
	}
	return []resource.ConfigValidator{resourcevalidator.ExactlyOneOf(paths...)}
}

func (r *alertChannelResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fills in the namespace from the provider and the secret's name.
func (r *alertChannelResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	var ns, name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("namespace"), &ns)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	if planned := r.data.plannedNamespace(ns); !planned.Equal(ns) {
		ns = planned
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("namespace"), ns)...)
	}
	if !name.IsUnknown() && !name.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("secret_name"), appcat.AlertChannelSecretName(name.ValueString()))...)
		if !ns.IsUnknown() && !ns.IsNull() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), ns.ValueString()+"/"+name.ValueString())...)
		}
	}
}

// expand builds the AlertmanagerConfig and the Secret's data. Write-only values come from config.
func (m *alertChannelModel) expand(config *alertChannelModel) (*appcat.AlertmanagerConfig, map[string][]byte) {
	name, ns := m.Name.ValueString(), m.Namespace.ValueString()
	secret := appcat.AlertChannelSecretName(name)
	ref := func(key string) *appcat.SecretKeyRef { return &appcat.SecretKeyRef{Name: secret, Key: key} }
	creds := map[string][]byte{}
	rcv := appcat.AlertReceiver{Name: name}
	yes := true
	switch {
	case m.Webhook != nil:
		rcv.WebhookConfigs = []appcat.WebhookConfig{{SendResolved: &yes, URL: m.Webhook.URL.ValueString()}}
	case m.Email != nil:
		rcv.EmailConfigs = []appcat.EmailConfig{{SendResolved: &yes, To: m.Email.To.ValueString(), From: m.Email.From.ValueString(), Smarthost: m.Email.Smarthost.ValueString()}}
	case m.Slack != nil:
		rcv.SlackConfigs = []appcat.SlackConfig{{SendResolved: &yes, APIURL: ref(appcat.AlertSecretKeySlackAPIURL), Channel: m.Slack.Channel.ValueString()}}
		if config.Slack != nil {
			creds[appcat.AlertSecretKeySlackAPIURL] = []byte(config.Slack.APIURL.ValueString())
		}
	case m.MSTeams != nil:
		rcv.MSTeamsConfigs = []appcat.MSTeamsConfig{{SendResolved: &yes, WebhookURL: ref(appcat.AlertSecretKeyMSTeamsWebhookURL)}}
		if config.MSTeams != nil {
			creds[appcat.AlertSecretKeyMSTeamsWebhookURL] = []byte(config.MSTeams.WebhookURL.ValueString())
		}
	case m.PagerDuty != nil:
		rcv.PagerDutyConfigs = []appcat.PagerDutyConfig{{SendResolved: &yes, RoutingKey: ref(appcat.AlertSecretKeyPagerDutyRouting)}}
		if config.PagerDuty != nil {
			creds[appcat.AlertSecretKeyPagerDutyRouting] = []byte(config.PagerDuty.RoutingKey.ValueString())
		}
	case m.Opsgenie != nil:
		rcv.OpsgenieConfigs = []appcat.OpsgenieConfig{{SendResolved: &yes, APIKey: ref(appcat.AlertSecretKeyOpsgenieAPIKey)}}
		if config.Opsgenie != nil {
			creds[appcat.AlertSecretKeyOpsgenieAPIKey] = []byte(config.Opsgenie.APIKey.ValueString())
		}
	}
	return &appcat.AlertmanagerConfig{
		Metadata: appcat.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"app.kubernetes.io/managed-by": "terraform-provider-appcat"}},
		Spec: appcat.AlertmanagerConfigSpec{
			Route:     &appcat.AlertRoute{Receiver: name, GroupBy: []string{"alertname", "namespace"}},
			Receivers: []appcat.AlertReceiver{rcv},
		},
	}, creds
}

// flatten sets the model from the platform's objects. Write-only values stay null.
func (m *alertChannelModel) flatten(ch *appcat.AlertChannel) {
	cfg := ch.Config
	m.Name = types.StringValue(cfg.Metadata.Name)
	m.Namespace = types.StringValue(cfg.Metadata.Namespace)
	m.ID = types.StringValue(cfg.Metadata.Namespace + "/" + cfg.Metadata.Name)
	m.SecretName = types.StringValue(appcat.AlertChannelSecretName(cfg.Metadata.Name))
	m.CredentialsVersion = types.Int64Null()
	if v, err := strconv.ParseInt(ch.CredentialsVersion, 10, 64); err == nil {
		m.CredentialsVersion = types.Int64Value(v)
	}
	m.Webhook, m.Email, m.Slack, m.MSTeams, m.PagerDuty, m.Opsgenie = nil, nil, nil, nil, nil, nil
	if len(cfg.Spec.Receivers) == 0 {
		return
	}
	rcv := cfg.Spec.Receivers[0]
	switch {
	case len(rcv.WebhookConfigs) > 0:
		m.Webhook = &webhookModel{URL: types.StringValue(rcv.WebhookConfigs[0].URL)}
	case len(rcv.EmailConfigs) > 0:
		e := rcv.EmailConfigs[0]
		m.Email = &emailModel{To: types.StringValue(e.To), From: types.StringValue(e.From), Smarthost: types.StringValue(e.Smarthost)}
	case len(rcv.SlackConfigs) > 0:
		m.Slack = &slackModel{APIURL: types.StringNull(), Channel: stringOrNull(rcv.SlackConfigs[0].Channel)}
	case len(rcv.MSTeamsConfigs) > 0:
		m.MSTeams = &msteamsModel{WebhookURL: types.StringNull()}
	case len(rcv.PagerDutyConfigs) > 0:
		m.PagerDuty = &pagerdutyModel{RoutingKey: types.StringNull()}
	case len(rcv.OpsgenieConfigs) > 0:
		m.Opsgenie = &opsgenieModel{APIKey: types.StringNull()}
	}
}

func (r *alertChannelResource) write(ctx context.Context, plan, config *alertChannelModel) (*appcat.AlertChannel, error) {
	client, diags := r.data.appcatClient()
	if diags.HasError() {
		return nil, fmt.Errorf("%s", diags[0].Detail())
	}
	cfg, creds := plan.expand(config)
	version := ""
	if !plan.CredentialsVersion.IsNull() && !plan.CredentialsVersion.IsUnknown() {
		version = strconv.FormatInt(plan.CredentialsVersion.ValueInt64(), 10)
	}
	return client.ApplyAlertChannel(ctx, alertChannelFieldManager, cfg, creds, version)
}

func (r *alertChannelResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan, req.Config, &resp.State, &resp.Diagnostics, "create")
}

func (r *alertChannelResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Plan, req.Config, &resp.State, &resp.Diagnostics, "update")
}

func (r *alertChannelResource) apply(ctx context.Context, planIn tfsdk.Plan, configIn tfsdk.Config, state *tfsdk.State, diags *diag.Diagnostics, verb string) {
	var plan, config alertChannelModel
	diags.Append(planIn.Get(ctx, &plan)...)
	diags.Append(configIn.Get(ctx, &config)...)
	if diags.HasError() {
		return
	}
	ch, err := r.write(ctx, &plan, &config)
	if err != nil {
		diags.AddError(fmt.Sprintf("Could not %s alert channel %s/%s", verb, plan.Namespace.ValueString(), plan.Name.ValueString()), appcat.Explain(err))
		return
	}
	plan.flatten(ch)
	diags.Append(state.Set(ctx, &plan)...)
}

func (r *alertChannelResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state alertChannelModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ch, err := client.GetAlertChannel(ctx, state.Namespace.ValueString(), state.Name.ValueString(), appcat.Snapshot)
	if appcat.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read alert channel %s", state.ID.ValueString()), appcat.Explain(err))
		return
	}
	if ch.Credentials == nil {
		// The Secret was deleted outside Terraform: the channel is incomplete, and only the
		// configuration holds the write-only credentials. Planning it anew writes both again.
		resp.Diagnostics.AddWarning("Alert channel incomplete",
			fmt.Sprintf("The Secret %s/%s of alert channel %s is gone; the next apply writes the channel again.",
				state.Namespace.ValueString(), appcat.AlertChannelSecretName(state.Name.ValueString()), state.ID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	state.flatten(ch)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *alertChannelResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state alertChannelModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := client.DeleteAlertChannel(ctx, state.Namespace.ValueString(), state.Name.ValueString()); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not delete alert channel %s", state.ID.ValueString()), appcat.Explain(err))
	}
}

func (r *alertChannelResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ns, name, ok := splitInstanceID(req.ID)
	if !ok {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Expected `namespace/name` of an alert channel, got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("namespace"), ns)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
