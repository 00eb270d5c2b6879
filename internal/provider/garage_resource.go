package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The Garage kind (S3-compatible object storage): its attributes and their mapping to
// VSHNGarage's spec.parameters (vshn/appcat apis/vshn/v1/dbaas_vshn_garage.go).

// garageModel is appcat_garage's model: the common attributes plus Garage's own.
type garageModel struct {
	instanceModel
	sizeModel
	MetadataStorage types.String `tfsdk:"metadata_storage"`
}

type garageKind struct{}

const (
	garageDefaultPlan            = "standard-2"
	garageDefaultMetadataStorage = "5Gi"
)

func (garageKind) descriptor() kindDescriptor {
	return kindDescriptor{
		typeName:           "garage",
		api:                appcat.Garage,
		displayName:        "Garage",
		description:        garageDescription,
		versions:           []string{"2"},
		defaultVersion:     "2",
		versionPath:        "spec.parameters.service.version",
		majorOf:            wholeVersionIsMajor,
		instances:          []validator.Int64{int64validator.AtLeast(1)},
		defaultInstances:   1,
		instancesFixed:     true, // the CRD: "Scaling after creation is not supported"
		allowAllNamespaces: true, // unlike the other kinds
		defaultComposition: appcat.CompositionGarage,
		instancesDoc: "Number of Garage nodes, at least 1 (default 1). The platform sets Garage's replication factor to it, so every node " +
			"holds a copy of the data; more than one makes the instance highly available.",
		// No HA rule for guaranteed and no attribute that moves the endpoint: GARAGE_URL depends
		// on the instance namespace alone.
	}
}

var garageDescription = instanceDescription("Garage", appcat.Garage,
	"Garage is S3-compatible object storage. The platform writes one connection detail, `connection_details.url` "+
		"(`GARAGE_URL`): the S3 endpoint inside the cluster as `host:port`, e.g. `garage.vshn-garage-files-x7k2q.svc.cluster.local:3900`, "+
		"without scheme and without credentials; AppCat hands out no access keys in it.\n\n"+
		"As on AppCat, a Garage instance has no backups, no maintenance window and no database users: `appcat_backup_policy`, "+
		"`appcat_maintenance_window` and `appcat_database_user` refuse it, and `restore` is refused. Its number of instances "+
		"cannot change after creation. AppCat runs no admission webhook for Garage, so it does not enforce `deletion_protection`; "+
		"this provider does, for `terraform destroy`.")

func (garageKind) common(m *garageModel) *instanceModel { return &m.instanceModel }

func (garageKind) attributes() map[string]schema.Attribute {
	restore := restoreAttribute()
	restore.MarkdownDescription = "Not available for Garage: it has no backups, and its claims no `spec.parameters.restore`. " +
		"A plan that sets it fails."
	return mergeAttributes(sizeAttributes(garageDefaultPlan), map[string]schema.Attribute{
		"metadata_storage": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Size of the volume of Garage's metadata database (`spec.parameters.service.metadataStorage`), e.g. `10Gi`. " +
				"Defaults to `" + garageDefaultMetadataStorage + "`, as on the platform; an instance that will hold millions of objects needs more. " +
				"`disk` is the size of the data volume. Both can only grow.",
			Default:    stringdefault.StaticString(garageDefaultMetadataStorage),
			Validators: []validator.String{quantityValidator{}},
		},
		"restore": restore,
	})
}

func (garageKind) expand(ctx context.Context, m *garageModel) (appcat.GarageParameters, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	cp := expandCommon(ctx, &m.instanceModel, &diags)
	p := appcat.GarageParameters{
		Service: &appcat.GarageService{
			Version:         cp.Version,
			MetadataStorage: stringPtr(m.MetadataStorage),
			ServiceLevel:    cp.ServiceLevel,
		},
		Size:       m.sizeModel.expand(),
		Instances:  cp.Instances,
		Security:   cp.Security,
		Scheduling: cp.Scheduling,
		Monitoring: cp.Monitoring,
	}
	p.AdditionalResources = expandAdditionalResources(&m.instanceModel)
	return p, "", diags
}

func (k garageKind) flatten(_ context.Context, claim *appcat.GarageClaim, m *garageModel) diag.Diagnostics {
	p := claim.Spec.Parameters
	svc := p.Service
	if svc == nil {
		svc = &appcat.GarageService{}
	}
	flattenCommon(k.descriptor(), &m.instanceModel, commonParams{Version: svc.Version, ServiceLevel: svc.ServiceLevel,
		Instances: p.Instances, Security: p.Security, Scheduling: p.Scheduling, Monitoring: p.Monitoring})
	m.AdditionalResourcesConfigMap = flattenAdditionalResources(p.AdditionalResources)
	m.sizeModel.flatten(p.Size, garageDefaultPlan)
	m.MetadataStorage = stringOr(svc.MetadataStorage, garageDefaultMetadataStorage)
	return nil
}

func (garageKind) validatePlan(ctx context.Context, plan, state *garageModel, diags *diag.Diagnostics) {
	validateRestore(ctx, plan.Restore, plan.Name, restoreRules{none: true, what: "Garage"}, diags)
	if state != nil {
		// Volumes only grow; AppCat has no webhook that says so for Garage, the volume itself does.
		checkDiskOnlyGrows(path.Root("disk"), state.Disk, plan.Disk, diags)
		checkDiskOnlyGrows(path.Root("metadata_storage"), state.MetadataStorage, plan.MetadataStorage, diags)
	}
}
