package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// store_credentials of appcat_database_user: whether the user's credentials reach the Terraform
// state. With false, connection_details keeps only where and as whom to connect (host, port,
// username, database); the secret values are null in the plan and the state, and clients get
// them from the appcat_connection ephemeral resource. The Secret on the platform is the same
// either way: only what Terraform stores differs, so switching is an in-place update.

// userSecretAttributes are the attributes of connection_details that store_credentials = false
// keeps out of the state: the password, the URL that embeds it, and the CA certificate (not a
// secret in itself, but nothing of the Secret beyond the connection's address and user name is
// stored then, which keeps the rule simple to state and to check).
var userSecretAttributes = []string{"password", "url", "ca_certificate"}

const storeCredentialsDoc = "Whether the user's credentials are stored in the Terraform state. " +
	"`true` (the default): `connection_details` holds all of them, marked sensitive. " +
	"`false`: `connection_details` keeps only `host`, `port`, `username` and `database`, and `password`, `url` and " +
	"`ca_certificate` are null — never read into the plan or the state, on create, refresh or import; " +
	"configure clients with the `appcat_connection` ephemeral resource instead (Terraform 1.10 or OpenTofu 1.11 or later). " +
	"The user and its Secret on the platform are the same either way: changing it updates the state in place " +
	"and keeps the user and its password. On import, add `?store_credentials=false` to the import ID."

// storeCredentialsAttribute is store_credentials, of a user or of an instance
// (instanceStoreCredentialsDoc): true by default, as before it existed.
func storeCredentialsAttribute(doc string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional:            true,
		Computed:            true,
		Default:             booldefault.StaticBool(true),
		MarkdownDescription: doc,
	}
}

// storesCredentials tells whether a model keeps the credentials in the state. Null — the state of
// a user written before the attribute existed — is the default, true.
func storesCredentials(m databaseUserModel) bool {
	return storesCredentialsValue(m.StoreCredentials)
}

// withoutCredentials is connection_details with the secret values null.
func withoutCredentials(c userConnectionModel) userConnectionModel {
	c.Password, c.URL, c.CACertificate = types.StringNull(), types.StringNull(), types.StringNull()
	return c
}

// withoutCredentialsObject is withoutCredentials for a connection_details value; null and
// unknown stay what they are.
func withoutCredentialsObject(o types.Object) types.Object {
	return withNullAttributes(o, userConnectionAttrTypes, userSecretAttributes)
}

// plannedUserConnection is connection_details as the apply will leave it: the state's value
// while the user's database, Secret and store_credentials stay; the state's value without the
// secret values when store_credentials is switched off (known at plan time, so the plan shows
// them go); unknown otherwise, when the apply reads the Secret (a new user, a changed database
// or Secret, store_credentials switched on).
func plannedUserConnection(plan databaseUserModel, state *databaseUserModel) types.Object {
	unknown := types.ObjectUnknown(userConnectionAttrTypes)
	if state == nil || state.Connection.IsNull() || state.Connection.IsUnknown() || plan.StoreCredentials.IsUnknown() ||
		!plan.Database.Equal(state.Database) || !plan.ConnectionSecretName.Equal(state.ConnectionSecretName) {
		return unknown
	}
	switch {
	case !storesCredentials(plan):
		return withoutCredentialsObject(state.Connection)
	case !storesCredentials(*state):
		return unknown // switched on: the apply reads the credentials
	default:
		return state.Connection
	}
}
