package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// Expand and flatten between appcat_database_user and one entry of service.access[].

type userTarget struct {
	kind            kindDescriptor
	namespace, name string // of the instance
	user            string
}

func (t userTarget) instanceID() string { return t.namespace + "/" + t.name }
func (t userTarget) id() string         { return t.namespace + "/" + t.name + "/" + t.user }

func targetOf(m *databaseUserModel, diags *diag.Diagnostics) userTarget {
	k, ok := userKind(m.Kind.ValueString())
	if !ok {
		diags.AddAttributeError(path.Root("kind"), "Unknown instance kind", fmt.Sprintf("kind %q is not one of %s.", m.Kind.ValueString(), quoteList(userKindNames())))
	}
	ns, name, ok := splitInstanceID(m.InstanceID.ValueString())
	if !ok {
		diags.AddAttributeError(path.Root("instance_id"), "Invalid instance ID", fmt.Sprintf("instance_id %q is not of the form namespace/name.", m.InstanceID.ValueString()))
	}
	return userTarget{kind: k, namespace: ns, name: name, user: m.User.ValueString()}
}

// expandUser turns a planned model into the access entry. Database and secret are always
// written explicitly, so a change of the platform's defaults cannot move them.
func expandUser(ctx context.Context, t userTarget, m *databaseUserModel) (appcat.Access, diag.Diagnostics) {
	var diags diag.Diagnostics
	e := appcat.Access{User: t.user}
	if db := m.Database.ValueString(); db != "" {
		e.Database = &db
	}
	if !m.Privileges.IsNull() && !m.Privileges.IsUnknown() {
		diags.Append(m.Privileges.ElementsAs(ctx, &e.Privileges, false)...)
		slices.Sort(e.Privileges)
	}
	secret := m.ConnectionSecretName.ValueString()
	if secret == "" {
		secret = appcat.DefaultAccessSecretName(t.name, t.user)
	}
	e.WriteConnectionSecretToRef = &appcat.NamespacedRef{Name: secret, Namespace: t.namespace}
	return e, diags
}

// flattenUser sets the model from the access entry and the user's secret (nil: not read). The
// secret's credentials reach the model only when its store_credentials allows.
func flattenUser(t userTarget, e appcat.Access, secret map[string][]byte, m *databaseUserModel, diags *diag.Diagnostics) {
	m.ID = types.StringValue(t.id())
	m.Kind = types.StringValue(t.kind.typeName)
	m.InstanceID = types.StringValue(t.instanceID())
	m.User = types.StringValue(e.User)
	m.Database = types.StringValue(appcat.AccessDatabase(e))
	m.ConnectionSecretName = types.StringValue(appcat.AccessSecretName(t.name, e))
	if len(e.Privileges) == 0 {
		m.Privileges = types.SetNull(types.StringType)
	} else {
		set, ds := types.SetValueFrom(context.Background(), types.StringType, e.Privileges)
		diags.Append(ds...)
		m.Privileges = set
	}
	m.Connection = userConnectionObject(t.kind, secret, storesCredentials(*m), diags)
}

// userConnectionObject builds connection_details from a user's secret; null without one. Without
// withCredentials, the secret values are null.
func userConnectionObject(k kindDescriptor, secret map[string][]byte, withCredentials bool, diags *diag.Diagnostics) types.Object {
	spec, ok := appcat.AccessSecretOf(k.api)
	if secret == nil || !ok {
		return types.ObjectNull(userConnectionAttrTypes)
	}
	c := connectionValues(spec.Connection, secret)
	conn := userConnectionModel{
		Host: c.Host, Port: c.Port, Username: c.Username, Password: c.Password, Database: c.Database, URL: c.URL, CACertificate: c.CACertificate,
	}
	if !withCredentials {
		conn = withoutCredentials(conn)
	}
	obj, ds := types.ObjectValueFrom(context.Background(), userConnectionAttrTypes, conn)
	diags.Append(ds...)
	return obj
}

func connectionValues(keys appcat.ConnectionKeys, secret map[string][]byte) connectionModel {
	value := func(key string) types.String {
		if v, ok := secret[key]; ok && key != "" {
			return types.StringValue(string(v))
		}
		return types.StringNull()
	}
	port := types.Int64Null()
	if v, ok := secret[keys.Port]; ok && keys.Port != "" {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64); err == nil {
			port = types.Int64Value(n)
		}
	}
	return connectionModel{
		Host: value(keys.Host), Port: port, Username: value(keys.Username), Password: value(keys.Password),
		Database: value(keys.Database), URL: value(keys.URL), CACertificate: value(keys.CA),
		ClientCertificate: value(keys.ClientCertificate), ClientKey: value(keys.ClientKey),
		LoadBalancerIP: value(keys.LoadBalancerIP), SentinelHosts: value(keys.SentinelHosts),
		GatewayHost: value(keys.GatewayHost), GatewayPort: secretPort(secret, keys.GatewayPort),
		AccessKeyID: value(keys.AccessKeyID), SecretAccessKey: value(keys.SecretAccessKey),
		CollaboraHost: value(keys.CollaboraHost),
		Region:        value(keys.Region), BucketName: value(keys.BucketName), Endpoint: value(keys.Endpoint),
		Nodes: value(keys.Nodes), DashboardURL: value(keys.DashboardURL),
	}
}
