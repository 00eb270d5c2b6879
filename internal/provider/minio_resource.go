package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The MinIO kind (S3-compatible object storage): its attributes and their mapping to
// VSHNMinio's spec.parameters (vshn/appcat apis/vshn/v1/vshn_minio.go).

// minioModel is appcat_minio's model: the common attributes plus MinIO's own.
type minioModel struct {
	instanceModel
	sizeModel
	Mode         types.String `tfsdk:"mode"`
	StorageClass types.String `tfsdk:"storage_class"`
}

type minioKind struct{}

const (
	minioDefaultPlan = "standard-1"
	minioDefaultMode = "distributed"
)

func (minioKind) descriptor() kindDescriptor {
	return kindDescriptor{
		typeName:           "minio",
		api:                appcat.MinIO,
		displayName:        "MinIO",
		description:        minioDescription,
		instances:          []validator.Int64{int64validator.AtLeast(4)},
		defaultInstances:   4,
		allowAllNamespaces: true, // as Garage, unlike the databases
		defaultComposition: appcat.CompositionMinIO,
		instancesDoc: "Number of MinIO servers in `distributed` mode, at least 4 (default 4): MinIO erasure-codes the objects " +
			"across them. In `standalone` mode the platform runs one server whatever this says.",
		scalingDoc: " A change applies in place and the apply waits until the platform has converged; MinIO itself cannot " +
			"move existing data to a different number of servers, so choose the number before the instance holds data.",
		// VSHNMinio has neither a version nor a service level (its SLA is always best effort),
		// no scheduling and no additional resources.
		lacks: []string{
			"version", "current_version", "previous_version", "allow_major_version_upgrade",
			"service_level", "node_selector", "additional_resources_config_map",
		},
	}
}

var minioDescription = instanceDescription("MinIO", appcat.MinIO,
	"MinIO is S3-compatible object storage. The platform writes three connection details: `connection_details.url` "+
		"(`MINIO_URL`), the S3 endpoint inside the cluster as `http://<cluster IP>:9000`, and the root credentials "+
		"`connection_details.access_key_id` (`AWS_ACCESS_KEY_ID`) and `connection_details.secret_access_key` (`AWS_SECRET_ACCESS_KEY`).\n\n"+
		"As on AppCat, a MinIO instance has a maintenance window (`appcat_maintenance_window`) and metrics (`appcat_metrics_endpoint`), "+
		"but no version, no service level, no backups and no database users: `appcat_backup_policy` and `appcat_database_user` "+
		"refuse it, and `restore` is refused.")

func (minioKind) common(m *minioModel) *instanceModel { return &m.instanceModel }

func (minioKind) attributes() map[string]schema.Attribute {
	restore := restoreAttribute()
	restore.MarkdownDescription = "Not available for MinIO: it has no backups. A plan that sets it fails."
	return mergeAttributes(sizeAttributes(minioDefaultPlan), map[string]schema.Attribute{
		"mode": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "`distributed` (default: `instances` servers) or `standalone` (one server) " +
				"(`spec.parameters.service.mode`).",
			Default:    stringdefault.StaticString(minioDefaultMode),
			Validators: []validator.String{stringvalidator.OneOf("distributed", "standalone")},
		},
		"storage_class": textAttribute("StorageClass of the instance's volumes (`spec.parameters.storageClass`). Defaults to the cluster's default."),
		"restore":       restore,
	})
}

func (minioKind) expand(ctx context.Context, m *minioModel) (appcat.MinIOParameters, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	cp := expandCommon(ctx, &m.instanceModel, &diags)
	return appcat.MinIOParameters{
		Service:      &appcat.MinIOService{Mode: stringPtr(m.Mode)},
		Size:         m.sizeModel.expand(),
		Instances:    cp.Instances,
		StorageClass: stringPtr(m.StorageClass),
		Security:     cp.Security,
		Monitoring:   cp.Monitoring,
	}, "", diags
}

func (k minioKind) flatten(_ context.Context, claim *appcat.MinIOClaim, m *minioModel) diag.Diagnostics {
	p := claim.Spec.Parameters
	svc := p.Service
	if svc == nil {
		svc = &appcat.MinIOService{}
	}
	flattenCommon(k.descriptor(), &m.instanceModel, commonParams{Instances: p.Instances, Security: p.Security, Monitoring: p.Monitoring})
	m.sizeModel.flatten(p.Size, minioDefaultPlan)
	m.Mode = stringOr(svc.Mode, minioDefaultMode)
	m.StorageClass = stringPtrOrNull(p.StorageClass)
	return nil
}

func (minioKind) validatePlan(ctx context.Context, plan, state *minioModel, diags *diag.Diagnostics) {
	validateRestore(ctx, plan.Restore, plan.Name, restoreRules{none: true, what: "MinIO"}, diags)
	if state != nil {
		checkDiskOnlyGrows(path.Root("disk"), state.Disk, plan.Disk, diags)
	}
}
