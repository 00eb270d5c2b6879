package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// appcat_connection: the credentials of an instance or of one of its database users, read from
// the platform's connection secret each time Terraform needs them and never written to the plan
// or the state (Terraform 1.10 or OpenTofu 1.11 or newer). Typical use: configuring a postgresql or mysql provider.

// NewConnectionEphemeralResource is the appcat_connection ephemeral resource.
func NewConnectionEphemeralResource() ephemeral.EphemeralResource { return &connectionEphemeral{} }

type connectionEphemeral struct {
	data *providerData
}

var _ ephemeral.EphemeralResourceWithConfigure = &connectionEphemeral{}

type connectionEphemeralModel struct {
	Kind       types.String `tfsdk:"kind"`
	InstanceID types.String `tfsdk:"instance_id"`
	User       types.String `tfsdk:"user"`
	SecretName types.String `tfsdk:"secret_name"`
	connectionModel
}

func (e *connectionEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

func (e *connectionEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	computed := func(doc string, sensitive bool) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Sensitive: sensitive, MarkdownDescription: doc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: descriptionFile("connection_ephemeral"),
		Attributes: map[string]schema.Attribute{
			"kind": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: anyKind.doc(),
				Validators:          []validator.String{anyKind.validator()},
			},
			"instance_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: instanceIDDoc,
				Validators:          instanceIDValidators(),
			},
			"user": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "A database user of the instance (" + kindsWithUsers.displayNames("and") + "): read that user's credentials " +
					"instead of the instance's admin credentials, e.g. `appcat_database_user.app.user`.",
				Validators: []validator.String{stringvalidator.RegexMatches(appcat.AccessNameRule, "must be a database user's name")},
			},
			"secret_name":        computed("Name of the connection secret the credentials were read from.", false),
			"host":               computed("Host name to connect to.", false),
			"port":               schema.Int64Attribute{Computed: true, MarkdownDescription: "Port to connect to."},
			"username":           computed("User name.", false),
			"password":           computed("Password.", true),
			"database":           computed("Database, where the service and user have one.", false),
			"url":                computed("Connection URL with credentials.", true),
			"ca_certificate":     computed("PEM CA certificate that signs the server certificate.", false),
			"client_certificate": computed("PEM client certificate, where the service uses one (the instance's only).", false),
			"client_key":         computed("PEM client key, where the service uses one (the instance's only).", true),
			"load_balancer_ip":   computed("IP address of the load balancer, with `service_type = \"LoadBalancer\"` (the instance's only).", false),
			"sentinel_hosts":     computed("Host names of the Redis nodes that run Sentinel (comma-separated, without ports), with a highly available Redis.", false),
			"gateway_host":       computed(gatewayHostDoc, false),
			"gateway_port":       schema.Int64Attribute{Computed: true, MarkdownDescription: gatewayPortDoc},
			"access_key_id":      computed(accessKeyIDDoc, false),
			"secret_access_key":  computed(secretAccessKeyDoc, true),
			"collabora_host":     computed(collaboraHostDoc, false),
			"region":             computed(regionDoc, false),
			"bucket_name":        computed(bucketNameDoc, false),
			"endpoint":           computed(endpointDoc, false),
			"nodes":              computed(nodesDoc, false),
			"dashboard_url":      computed(dashboardURLDoc, true),
		},
	}
}

func (e *connectionEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *connectionEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m connectionEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if e.data != nil && e.data.unknownConfig && req.ClientCapabilities.DeferralAllowed {
		resp.Deferred = &ephemeral.Deferred{Reason: ephemeral.DeferredReasonProviderConfigUnknown}
		return
	}
	client, diags := e.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	kind, ok := anyKind.lookup(m.Kind.ValueString())
	if !ok {
		resp.Diagnostics.AddAttributeError(path.Root("kind"), "Unknown instance kind", fmt.Sprintf("kind %q is not one of %s.", m.Kind.ValueString(), quoteList(anyKind.names())))
	}
	ns, name, ok := splitInstanceID(m.InstanceID.ValueString())
	if !ok {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Invalid instance ID", fmt.Sprintf("instance_id %q is not of the form namespace/name.", m.InstanceID.ValueString()))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	id := ns + "/" + name
	user := m.User.ValueString()

	var (
		secretName string
		keys       appcat.ConnectionKeys
		want       []string
		what       string
	)
	if user == "" {
		what = fmt.Sprintf("%s instance %s", kind.displayName, id)
		claim, err := appcat.GetClaim[appcat.RawParameters](ctx, client, kind.api, ns, name, appcat.Exact)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("instance_id"), fmt.Sprintf("Could not read %s", what), appcat.Explain(err))
			return
		}
		if ref := claim.Spec.WriteConnectionSecretToRef; ref != nil {
			secretName = ref.Name
		}
		if secretName == "" {
			resp.Diagnostics.AddAttributeError(path.Root("instance_id"), fmt.Sprintf("%s has no connection secret", what),
				"The instance's claim names no spec.writeConnectionSecretToRef, so the platform writes no credentials for it.")
			return
		}
		keys, want = kind.api.Connection, kind.api.ConnectionSecretKeys
	} else {
		what = fmt.Sprintf("database user %s of %s instance %s", user, kind.displayName, id)
		spec, ok := appcat.AccessSecretOf(kind.api)
		if !ok {
			resp.Diagnostics.AddAttributeError(path.Root("user"), fmt.Sprintf("%s has no database users", kind.displayName),
				fmt.Sprintf("user can only be set for %s instances.", quoteList(kindsWithUsers.names())))
			return
		}
		view, err := client.GetAccess(ctx, kind.api, ns, name, appcat.Exact)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("instance_id"), fmt.Sprintf("Could not read %s instance %s", kind.displayName, id), appcat.Explain(err))
			return
		}
		entry, ok := view.Find(user)
		if !ok {
			resp.Diagnostics.AddAttributeError(path.Root("user"), fmt.Sprintf("%s has no user %s", id, user),
				fmt.Sprintf("User %q is not in spec.parameters.service.access of %s instance %s.", user, kind.displayName, id))
			return
		}
		secretName = appcat.AccessSecretName(name, entry)
		keys, want = spec.Connection, spec.Keys
	}

	data, err := client.ConnectionSecret(ctx, ns, secretName, appcat.Exact)
	if appcat.IsNotFound(err) {
		resp.Diagnostics.AddError(fmt.Sprintf("No credentials yet for %s", what),
			fmt.Sprintf("The platform has not written the connection secret %s/%s yet. It does so once the instance (or user) is provisioned; "+
				"apply the resources that create them first.", ns, secretName))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read the credentials of %s", what), appcat.Explain(err))
		return
	}
	if missing := appcat.MissingKeys(data, want); len(missing) > 0 {
		resp.Diagnostics.AddError(fmt.Sprintf("Incomplete credentials for %s", what),
			fmt.Sprintf("The connection secret %s/%s lacks %v: the platform is still writing it. Try again once the instance is ready.", ns, secretName, missing))
		return
	}
	tflog.Debug(ctx, "read credentials for an ephemeral connection", map[string]any{"secret": ns + "/" + secretName})
	m.SecretName = types.StringValue(secretName)
	m.connectionModel = connectionValues(keys, data)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
