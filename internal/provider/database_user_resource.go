package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// appcat_database_user: one entry of spec.parameters.service.access[] of a PostgreSQL or MariaDB
// instance. The platform treats that list as one value, so the resource changes it by
// read-modify-write with the claim's resourceVersion and retries on conflict (appcat.PutAccess):
// many users of one instance, created in one apply, all land.

// databaseUserFieldManager names the access list's writer in the claim's managedFields.
const databaseUserFieldManager = "terraform-appcat-database-user"

const (
	defaultUserCreateTimeout = 10 * time.Minute
	defaultUserUpdateTimeout = 10 * time.Minute
	defaultUserDeleteTimeout = 5 * time.Minute
)

type databaseUserModel struct {
	ID                   types.String   `tfsdk:"id"`
	Kind                 types.String   `tfsdk:"kind"`
	InstanceID           types.String   `tfsdk:"instance_id"`
	User                 types.String   `tfsdk:"user"`
	Database             types.String   `tfsdk:"database"`
	Privileges           types.Set      `tfsdk:"privileges"`
	ConnectionSecretName types.String   `tfsdk:"connection_secret_name"`
	StoreCredentials     types.Bool     `tfsdk:"store_credentials"`
	Connection           types.Object   `tfsdk:"connection_details"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
}

// userConnectionModel is a user's sensitive connection_details.
type userConnectionModel struct {
	Host          types.String `tfsdk:"host"`
	Port          types.Int64  `tfsdk:"port"`
	Username      types.String `tfsdk:"username"`
	Password      types.String `tfsdk:"password"`
	Database      types.String `tfsdk:"database"`
	URL           types.String `tfsdk:"url"`
	CACertificate types.String `tfsdk:"ca_certificate"`
}

var userConnectionAttrTypes = map[string]attr.Type{
	"host":           types.StringType,
	"port":           types.Int64Type,
	"username":       types.StringType,
	"password":       types.StringType,
	"database":       types.StringType,
	"url":            types.StringType,
	"ca_certificate": types.StringType,
}

// userKinds are the kinds that have database users.
func userKinds() []kindDescriptor { return kindsWithUsers.kinds() }

func userKindNames() []string { return kindsWithUsers.names() }

func userKind(name string) (kindDescriptor, bool) { return kindsWithUsers.lookup(name) }

// NewDatabaseUserResource is appcat_database_user.
func NewDatabaseUserResource() resource.Resource { return &databaseUserResource{} }

type databaseUserResource struct {
	data *providerData
}

var (
	_ resource.ResourceWithConfigure      = &databaseUserResource{}
	_ resource.ResourceWithImportState    = &databaseUserResource{}
	_ resource.ResourceWithModifyPlan     = &databaseUserResource{}
	_ resource.ResourceWithValidateConfig = &databaseUserResource{}
)

func (r *databaseUserResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_database_user"
}

// secretNameFormat is a Kubernetes Secret name.
var secretNameFormat = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)

const accessNameDoc = "lowercase letters, digits and `-`, starting with a letter and ending with a letter or digit"

func (r *databaseUserResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: descriptionFile("database_user_resource"),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`namespace/instance/user`; also the import ID (or `kind:namespace/instance/user`; either followed by `?store_credentials=false` for a user that keeps its credentials out of the state).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"kind": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: fmt.Sprintf("Kind of the instance: %s. Changing it replaces the user.", quoteList(userKindNames())),
				Validators:          []validator.String{kindsWithUsers.validator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"instance_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: instanceIDDoc + " Changing it replaces the user.",
				Validators:          instanceIDValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"user": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Name of the database user (role): " + accessNameDoc + "; at most 63 characters for PostgreSQL, 32 for MariaDB. " +
					"AppCat uses the name in Kubernetes object names, so `_` and uppercase letters are not possible. Changing it replaces the user.",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 63),
					stringvalidator.RegexMatches(appcat.AccessNameRule, "must consist of "+strings.ReplaceAll(accessNameDoc, "`", "'")),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"database": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Database the user gets, created by the platform when missing. Defaults to the user's name. " +
					"Same rules as `user` (at most 63 characters for PostgreSQL, 64 for MariaDB). Several users may share a database. " +
					"Changing it gives the user the new database; the platform keeps the old one.",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 64),
					stringvalidator.RegexMatches(appcat.AccessNameRule, "must consist of "+strings.ReplaceAll(accessNameDoc, "`", "'")),
				},
			},
			"privileges": schema.SetAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Privileges granted on the database, uppercase as in SQL, e.g. `[\"SELECT\", \"INSERT\"]` " +
					"(PostgreSQL: single words such as `CONNECT`, `CREATE`, `TEMPORARY`, `ALL`; MariaDB also `ALL PRIVILEGES`, `LOCK TABLES`). " +
					"Unset: the platform grants `ALL`. **Not available for PostgreSQL on the CloudNativePG backend** (the default): " +
					"the plan fails when the instance is known to run on it, and the apply refuses when it turns out to.",
				Validators: []validator.Set{setvalidator.SizeAtLeast(1)},
			},
			"connection_secret_name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Name of the Secret, in the instance's namespace, that the platform writes the user's credentials into. " +
					"Defaults to `<instance>-<user>`, as on the platform. It must not exist beforehand.",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 253),
					stringvalidator.RegexMatches(secretNameFormat, "must be a valid Kubernetes Secret name"),
				},
			},
			"store_credentials": storeCredentialsAttribute(storeCredentialsDoc),
			"connection_details": schema.SingleNestedAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "How the user connects, from the user's connection secret. Sensitive, and stored in the state like every attribute — " +
					"with `store_credentials = false` without `password`, `url` and `ca_certificate`, which are null then. " +
					"To configure a client without reading the credentials from the state, use the `appcat_connection` ephemeral resource.",
				Attributes: map[string]schema.Attribute{
					"host":           schema.StringAttribute{Computed: true, MarkdownDescription: "Host name to connect to."},
					"port":           schema.Int64Attribute{Computed: true, MarkdownDescription: "Port to connect to."},
					"username":       schema.StringAttribute{Computed: true, MarkdownDescription: "The user's name."},
					"password":       schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "The user's password, chosen by the platform. Null with `store_credentials = false`."},
					"database":       schema.StringAttribute{Computed: true, MarkdownDescription: "The user's database."},
					"url":            schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "Connection URL with credentials (for MariaDB without the database, as AppCat writes it). Null with `store_credentials = false`."},
					"ca_certificate": schema.StringAttribute{Computed: true, MarkdownDescription: "PEM CA certificate that signs the server certificate. Null with `store_credentials = false`."},
				},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true})},
	}
}

func (r *databaseUserResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *databaseUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan databaseUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultUserCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r.putAndWait(ctx, &plan, true, &resp.State, &resp.Diagnostics)
}

func (r *databaseUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan databaseUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUserUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Until the change is written the user is as it was: a failure before that leaves the prior
	// state, not the plan with its unknown credentials.
	resp.State.Raw = req.State.Raw.Copy()
	r.putAndWait(ctx, &plan, false, &resp.State, &resp.Diagnostics)
}

// putAndWait writes the user's entry, saves the state at once (a failed wait leaves a tracked
// resource, tainted on create), waits until the platform has written the user's secret, and saves
// the credentials.
func (r *databaseUserResource) putAndWait(ctx context.Context, plan *databaseUserModel, create bool, state stateSetter, diags *diag.Diagnostics) {
	client, ds := r.data.appcatClient()
	diags.Append(ds...)
	t := targetOf(plan, diags)
	if diags.HasError() {
		return
	}
	entry, ds := expandUser(ctx, t, plan)
	diags.Append(ds...)
	if diags.HasError() {
		return
	}
	action := "update"
	if create {
		action = "create"
	}
	tflog.Info(ctx, fmt.Sprintf("writing database user %s of %s %s", t.user, t.kind.api.Kind, t.instanceID()), map[string]any{"field_manager": databaseUserFieldManager})
	view, err := client.PutAccess(ctx, t.kind.api, t.namespace, t.name, databaseUserFieldManager, entry, create)
	switch {
	case appcat.IsNotFound(err):
		diags.AddAttributeError(path.Root("instance_id"), fmt.Sprintf("%s instance %s not found", t.kind.displayName, t.instanceID()),
			fmt.Sprintf("There is no %s instance %s on the platform, so user %s cannot be added to it. Nothing was changed.\n\n"+
				"Create the instance first; referring to its resource (instance_id = appcat_%s.<name>.id) makes Terraform do that in the right order.",
				t.kind.displayName, t.instanceID(), t.user, t.kind.typeName))
		return
	case errors.Is(err, appcat.ErrPrivilegesUnsupported):
		diags.AddAttributeError(path.Root("privileges"), "Privileges not supported on CloudNativePG", cnpgPrivilegesMessage(t)+"\n\nNothing was changed.")
		return
	case errors.Is(err, appcat.ErrAccessExists):
		diags.AddAttributeError(path.Root("user"), fmt.Sprintf("User %s already exists on %s", t.user, t.instanceID()),
			fmt.Sprintf("%s %s already lists user %q in spec.parameters.service.access (another resource or tool manages it). Nothing was changed.\n\n"+
				"To manage it with this resource, import it:\n\n  terraform import <address> %s", t.kind.displayName, t.instanceID(), t.user, t.id()))
		return
	case err != nil:
		diags.AddError(fmt.Sprintf("Could not %s database user %s", action, t.id()), appcat.Explain(err))
		return
	}
	applied, _ := view.Find(t.user)
	flattenUser(t, applied, nil, plan, diags)
	diags.Append(state.Set(ctx, plan)...)
	if diags.HasError() {
		return
	}

	tflog.Info(ctx, fmt.Sprintf("waiting for the platform to provision database user %s", t.id()), map[string]any{"generation": view.Generation})
	secret, err := client.WaitAccess(ctx, t.kind.api, t.namespace, t.name, view.Generation, t.user, appcat.WaitOptions{}, progressLogger(ctx))
	if err != nil {
		diags.AddError(fmt.Sprintf("Database user %s was not provisioned", t.id()), err.Error()+
			"\n\nThe user is in the instance's access list and tracked in the state; the next apply checks it again.")
		return
	}
	flattenUser(t, applied, secret, plan, diags)
	diags.Append(state.Set(ctx, plan)...)
}

func cnpgPrivilegesMessage(t userTarget) string {
	return fmt.Sprintf("%s instance %s runs on the CloudNativePG backend, where the platform does not support privileges for database users. "+
		"Remove privileges (user %s then gets ALL on its database), or use an instance with backend = \"stackgres\".", t.kind.displayName, t.instanceID(), t.user)
}

func (r *databaseUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state databaseUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	t := targetOf(&state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	view, err := client.GetAccess(ctx, t.kind.api, t.namespace, t.name, appcat.Snapshot)
	if appcat.IsNotFound(err) {
		tflog.Warn(ctx, fmt.Sprintf("%s %s is gone from the platform; removing database user %s from the state", t.kind.api.Kind, t.instanceID(), t.user))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read database user %s", t.id()), appcat.Explain(err))
		return
	}
	entry, ok := view.Find(t.user)
	if !ok {
		tflog.Warn(ctx, fmt.Sprintf("user %s is no longer in the access list of %s %s; removing it from the state", t.user, t.kind.api.Kind, t.instanceID()))
		resp.State.RemoveResource(ctx)
		return
	}
	// A state written before store_credentials existed has it null: it stored the credentials.
	if state.StoreCredentials.IsNull() {
		state.StoreCredentials = types.BoolValue(true)
	}
	// The secret is read either way: with store_credentials = false, connection_details still
	// tells where and as whom to connect (flattenUser leaves the credentials out).
	secret, err := client.ConnectionSecret(ctx, t.namespace, appcat.AccessSecretName(t.name, entry), appcat.Snapshot)
	if appcat.IsNotFound(err) {
		secret, err = nil, nil // not (yet) written: the platform will
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read the connection secret of database user %s", t.id()), err.Error())
		return
	}
	flattenUser(t, entry, secret, &state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete removes the user's entry. The platform deletes the user's secret but keeps the role and
// the database: a warning says so, with the SQL to drop them.
func (r *databaseUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state databaseUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.appcatClient()
	resp.Diagnostics.Append(diags...)
	t := targetOf(&state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultUserDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tflog.Info(ctx, fmt.Sprintf("removing database user %s from %s %s", t.user, t.kind.api.Kind, t.instanceID()), map[string]any{"field_manager": databaseUserFieldManager})
	view, removed, err := client.DeleteAccess(ctx, t.kind.api, t.namespace, t.name, databaseUserFieldManager, t.user)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not remove database user %s", t.id()), appcat.Explain(err))
		return
	}
	if !removed {
		return // the instance or the entry is gone already
	}
	database := state.Database.ValueString()
	if database == "" {
		database = t.user
	}
	var sharedWith []string
	for _, e := range view.Users {
		if appcat.AccessDatabase(e) == database {
			sharedWith = append(sharedWith, e.User)
		}
	}
	summary, detail := retainedRoleWarning(t, database, sharedWith)
	resp.Diagnostics.AddWarning(summary, detail)

	// The platform deletes the user's secret in the pass that reports the new generation ready.
	if _, _, err := client.WaitReady(ctx, t.kind.api, t.namespace, t.name, view.Generation, appcat.WaitOptions{}, progressLogger(ctx)); err != nil {
		resp.Diagnostics.AddWarning(fmt.Sprintf("The platform has not confirmed the removal of database user %s", t.id()),
			"The user was removed from the instance's access list; the platform has not reported the instance ready since, "+
				"so the user's connection secret may still exist for a while.\n\n"+err.Error())
	}
}

// retainedRoleWarning is the warning of a destroyed user: the platform keeps role and database;
// this is how to drop them. sharedWith are the remaining users of the same database.
func retainedRoleWarning(t userTarget, database string, sharedWith []string) (summary, detail string) {
	summary = fmt.Sprintf("The platform keeps role %s and database %s of %s", t.user, database, t.instanceID())
	var b strings.Builder
	fmt.Fprintf(&b, "User %s was removed from %s instance %s and its connection secret is deleted. "+
		"As documented for AppCat, the platform keeps the role (user) %q and the database %q with all their data; "+
		"creating the user again gives it the same role back.\n\n", t.user, t.kind.displayName, t.instanceID(), t.user, database)
	b.WriteString("If they are no longer needed, drop them yourself, connected as the instance's admin user (connection_details of the instance resource):\n\n")
	if t.kind.dropUserSQL != nil {
		b.WriteString(t.kind.dropUserSQL(t.user, database, len(sharedWith) == 0))
	}
	if len(sharedWith) > 0 {
		fmt.Fprintf(&b, "\nDatabase %q is still used by %s, so it is not in the list above.", database, quoteList(sharedWith))
	} else {
		b.WriteString("\nDropping the database deletes its data for good; take a backup first if in doubt.")
	}
	return summary, b.String()
}
