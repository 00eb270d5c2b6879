package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// store_credentials of the instance resources: whether the instance's credentials and
// certificates reach the Terraform state, as store_credentials does for appcat_database_user.
// With false, connection_details keeps where and as whom to connect; the secret values and the
// certificates are null in the plan and the state, and clients get them from the
// appcat_connection ephemeral resource. The claim and its Secret are the same either way, so
// switching is an update in place that changes nothing on the platform.
//
// Besides keeping secrets out of the state, it makes the state small: the certificates and the
// key are half of an instance's attributes (1.9 of 4 KB for PostgreSQL), and terraform core writes
// the whole state again after each resource it changes, so its own time in an apply or a destroy
// of many instances grows with their state's size (make bench, APPCAT_BENCH_STORE_CREDENTIALS).

// instanceSecretAttributes are the attributes of connection_details that store_credentials =
// false keeps out of the state: every secret value of the connection Secret (the password, the
// URL that may embed it, the client key, the S3 secret key) and the certificates, which are not
// secret but large, and which a client reads with the key anyway.
var instanceSecretAttributes = []string{"password", "url", "ca_certificate", "client_certificate", "client_key", "secret_access_key"}

const instanceStoreCredentialsDoc = "Whether the instance's credentials and certificates are stored in the Terraform state. " +
	"`true` (the default): `connection_details` holds all of the connection Secret, marked sensitive. " +
	"`false`: `password`, `url`, `ca_certificate`, `client_certificate`, `client_key` and `secret_access_key` of " +
	"`connection_details` are null — never read into the plan or the state, on create, refresh or import — while where and " +
	"as whom to connect (`host`, `port`, `username`, `database` and the like) stay; configure clients with the " +
	"`appcat_connection` ephemeral resource instead (Terraform 1.10 or OpenTofu 1.11 or later). This also keeps the state " +
	"small, which makes plans and applies of many instances faster. The instance and its Secret on the platform are the " +
	"same either way: changing it updates the state in place. On import, add `?store_credentials=false` to the import ID."

// storesCredentialsValue tells whether a store_credentials value keeps the credentials in the
// state. Null — the state of a resource written before the attribute existed — is the default,
// true.
func storesCredentialsValue(v types.Bool) bool { return v.IsNull() || v.ValueBool() }

// withNullAttributes is an object with the named attributes null; a null or unknown object stays
// what it is.
func withNullAttributes(o types.Object, attrTypes map[string]attr.Type, names []string) types.Object {
	if o.IsNull() || o.IsUnknown() {
		return o
	}
	attrs := make(map[string]attr.Value, len(o.Attributes()))
	for name, v := range o.Attributes() {
		attrs[name] = v
	}
	for _, name := range names {
		attrs[name] = types.StringNull()
	}
	return types.ObjectValueMust(attrTypes, attrs)
}

// withoutInstanceCredentials is an instance's connection_details without what
// store_credentials = false keeps out of the state.
func withoutInstanceCredentials(o types.Object) types.Object {
	return withNullAttributes(o, connectionAttrTypes, instanceSecretAttributes)
}
