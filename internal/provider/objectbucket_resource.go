package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The ObjectBucket kind (one S3 bucket with its own credentials): its attributes and their
// mapping to ObjectBucket's spec.parameters (vshn/appcat apis/v1/objectstorage_types.go).

// objectBucketModel is appcat_object_bucket's model: the common attributes plus the bucket's own.
type objectBucketModel struct {
	instanceModel
	BucketName           types.String `tfsdk:"bucket_name"`
	Region               types.String `tfsdk:"region"`
	BucketDeletionPolicy types.String `tfsdk:"bucket_deletion_policy"`
}

type objectBucketKind struct{}

// s3BucketName is S3's rule for bucket names (RFC 1123 labels joined by dots, 3 to 63
// characters), which AppCat asks for and the object storage enforces.
var s3BucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func (objectBucketKind) descriptor() kindDescriptor {
	return kindDescriptor{
		typeName:           "object_bucket",
		api:                appcat.ObjectBucket,
		displayName:        "ObjectBucket",
		description:        objectBucketDescription,
		defaultComposition: appcat.CompositionObjectBucketMinIO,
		// AWS_REGION follows spec.parameters.region; a new bucket_name replaces the bucket.
		connectionAffectedBy: []path.Path{path.Root("region")},
		// An ObjectBucket is a bucket and a user on the installation's object storage: no
		// service runs for it, so it has none of the service attributes.
		lacks: []string{
			"version", "current_version", "previous_version", "allow_major_version_upgrade", "instances",
			"service_level", "node_selector", "additional_resources_config_map", "restore", "alerting",
			"instance_namespace", "logs",
		},
	}
}

var objectBucketDescription = instanceDescription("ObjectBucket", appcat.ObjectBucket,
	"An ObjectBucket is one S3 bucket with its own user, on the object storage the installation offers (e.g. cloudscale.ch, "+
		"Exoscale or MinIO; the composition, `spec.compositionRef`, chooses it). The platform writes the connection details "+
		"`connection_details.bucket_name` (`BUCKET_NAME`), `region` (`AWS_REGION`), `endpoint` (`ENDPOINT`, without scheme), "+
		"`url` (`ENDPOINT_URL`) and the bucket user's `access_key_id` (`AWS_ACCESS_KEY_ID`) and `secret_access_key` (`AWS_SECRET_ACCESS_KEY`).\n\n"+
		"No service runs for a bucket: it has no version, instances, service level, instance namespace, logs, backups, maintenance window, "+
		"database users, metrics or SLA report. `appcat_backup_policy`, `appcat_maintenance_window`, `appcat_database_user`, "+
		"`appcat_metrics_endpoint`, `appcat_backups` and `appcat_sla_report` refuse it, and the resource has no attributes for what a bucket lacks.")

func (objectBucketKind) common(m *objectBucketModel) *instanceModel { return &m.instanceModel }

func (objectBucketKind) attributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"bucket_name": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Name of the bucket (`spec.parameters.bucketName`): 3 to 63 lowercase letters, digits, `-` and `.`, " +
				"as S3 requires. Unset: the platform names it after the claim's composite (`<name>-<suffix>`); " +
				"`connection_details.bucket_name` has the name in either case. Some object storages require names unique across " +
				"all their customers. It cannot change once the bucket exists (the platform refuses it): a change replaces the bucket, " +
				"and its objects are lost.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			Validators: []validator.String{
				stringvalidator.RegexMatches(s3BucketName, "must be a valid S3 bucket name: 3 to 63 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"),
			},
		},
		"region": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Region the bucket is created in (`spec.parameters.region`); it must exist on the object storage. " +
				"Unset: the installation's default (e.g. `lpg` on VSHN's cloud), read back after the apply.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"bucket_deletion_policy": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "What deleting the bucket does with its objects (`spec.parameters.bucketDeletionPolicy`): " +
				"`DeleteAll` (default: the objects are deleted with the bucket) or `DeleteIfEmpty` (the bucket is only deleted when empty).",
			Default:    stringdefault.StaticString(appcat.BucketDeletionPolicies[0]),
			Validators: []validator.String{stringvalidator.OneOf(appcat.BucketDeletionPolicies...)},
		},
	}
}

func (objectBucketKind) expand(ctx context.Context, m *objectBucketModel) (appcat.ObjectBucketParameters, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	return appcat.ObjectBucketParameters{
		BucketName:           stringPtr(m.BucketName),
		Region:               stringPtr(m.Region),
		BucketDeletionPolicy: stringPtr(m.BucketDeletionPolicy),
		Security:             expandSecurity(ctx, &m.instanceModel, &diags),
	}, "", diags
}

func (k objectBucketKind) flatten(_ context.Context, claim *appcat.ObjectBucketClaim, m *objectBucketModel) diag.Diagnostics {
	p := claim.Spec.Parameters
	flattenCommon(k.descriptor(), &m.instanceModel, commonParams{Security: p.Security})
	m.BucketName = stringPtrOrNull(p.BucketName)
	m.Region = stringPtrOrNull(p.Region)
	m.BucketDeletionPolicy = stringOr(p.BucketDeletionPolicy, appcat.BucketDeletionPolicies[0])
	return nil
}

func (objectBucketKind) validatePlan(context.Context, *objectBucketModel, *objectBucketModel, *diag.Diagnostics) {
}
