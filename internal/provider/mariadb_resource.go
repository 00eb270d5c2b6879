package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// The MariaDB kind: its attributes and their mapping to VSHNMariaDB's spec.parameters.

// mariadbModel is appcat_mariadb's model: the common attributes plus MariaDB's own.
type mariadbModel struct {
	instanceModel
	sizeModel
	networkModel
	tlsModel
	StorageClass          types.String `tfsdk:"storage_class"`
	MariaDBSettings       types.String `tfsdk:"mariadb_settings"`
	ProxySQLCPURequest    types.String `tfsdk:"proxysql_cpu_request"`
	ProxySQLMemoryRequest types.String `tfsdk:"proxysql_memory_request"`
	ProxySQLCPULimit      types.String `tfsdk:"proxysql_cpu_limit"`
	ProxySQLMemoryLimit   types.String `tfsdk:"proxysql_memory_limit"`
}

// NewMariaDBResource is appcat_mariadb.
func NewMariaDBResource() resource.Resource { return newInstanceResource(mariadbKind{}) }

// NewMariaDBDataSource is the appcat_mariadb data source.
func NewMariaDBDataSource() datasource.DataSource { return newInstanceDataSource(mariadbKind{}) }

type mariadbKind struct{}

const mariadbDefaultPlan = "standard-1"

func (mariadbKind) descriptor() kindDescriptor {
	return kindDescriptor{
		typeName:           "mariadb",
		api:                appcat.MariaDB,
		displayName:        "MariaDB",
		description:        mariadbDescription,
		versions:           []string{"10.4", "10.5", "10.6", "10.9", "10.10", "10.11", "11.0", "11.1", "11.2", "11.3", "11.4", "11.5", "11.8"},
		defaultVersion:     "11.8",
		versionPath:        "spec.parameters.service.version",
		versionReportedAs:  "; the server version, e.g. `11.4.2-MariaDB-log`",
		majorOf:            majorBeforeFirstDot,
		instances:          []validator.Int64{int64validator.OneOf(0, 1, 3)},
		defaultInstances:   1,
		haInstances:        3,
		defaultComposition: appcat.CompositionMariaDB,
		instancesDoc: "Number of MariaDB instances: 1 (default), 3 or 0. Three make a highly available Galera cluster behind ProxySQL, " +
			"which moves `connection_details.host` to the ProxySQL service. " +
			"With more than one instance, `tls_enabled` cannot change.",
		// HA moves the host to ProxySQL; a load balancer adds its address.
		connectionAffectedBy: []path.Path{path.Root("instances"), path.Root("service_type")},
		dropUserSQL:          mariadbDropUserSQL,
	}
}

var mariadbDescription = instanceDescription("MariaDB", appcat.MariaDB,
	"Backups, maintenance windows and database users are managed by their own resources.")

func (mariadbKind) common(m *mariadbModel) *instanceModel { return &m.instanceModel }

func (mariadbKind) attributes() map[string]schema.Attribute {
	return mergeAttributes(
		sizeAttributes(mariadbDefaultPlan),
		networkAttributes(),
		tlsAttributes("Require clients to present a certificate. Defaults to `true`."),
		map[string]schema.Attribute{
			"storage_class":           textAttribute("StorageClass of the instance's volumes. Defaults to the cluster's default."),
			"mariadb_settings":        textAttribute("MariaDB configuration in `my.cnf` syntax, e.g. `\"max_connections = 500\"`."),
			"proxysql_cpu_request":    quantityAttribute("CPU request of ProxySQL (with 3 instances), e.g. `50m`."),
			"proxysql_memory_request": quantityAttribute("Memory request of ProxySQL (with 3 instances), e.g. `64Mi`."),
			"proxysql_cpu_limit":      quantityAttribute("CPU limit of ProxySQL (with 3 instances), e.g. `500m`."),
			"proxysql_memory_limit":   quantityAttribute("Memory limit of ProxySQL (with 3 instances), e.g. `256Mi`."),
		})
}

func (mariadbKind) expand(ctx context.Context, m *mariadbModel) (appcat.MariaDBParameters, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	cp := expandCommon(ctx, &m.instanceModel, &diags)
	p := appcat.MariaDBParameters{
		Service:      &appcat.MariaDBService{Version: cp.Version, ServiceLevel: cp.ServiceLevel, MariadbSettings: stringPtr(m.MariaDBSettings)},
		Size:         m.sizeModel.expand(),
		Instances:    cp.Instances,
		StorageClass: stringPtr(m.StorageClass),
		TLS:          m.tlsModel.expand(),
		Network:      m.networkModel.expand(ctx, &diags),
		Security:     cp.Security,
		Scheduling:   cp.Scheduling,
		Restore:      expandRestore(ctx, m.Restore, &diags),
		Monitoring:   cp.Monitoring,
	}
	p.AdditionalResources = expandAdditionalResources(&m.instanceModel)
	var res appcat.Resources
	if !m.ProxySQLCPURequest.IsNull() || !m.ProxySQLMemoryRequest.IsNull() {
		res.Requests = &appcat.ResourceList{CPU: stringPtr(m.ProxySQLCPURequest), Memory: stringPtr(m.ProxySQLMemoryRequest)}
	}
	if !m.ProxySQLCPULimit.IsNull() || !m.ProxySQLMemoryLimit.IsNull() {
		res.Limits = &appcat.ResourceList{CPU: stringPtr(m.ProxySQLCPULimit), Memory: stringPtr(m.ProxySQLMemoryLimit)}
	}
	if res.Requests != nil || res.Limits != nil {
		p.Service.ProxySQL = &appcat.ProxySQL{Resources: &res}
	}
	return p, "", diags
}

func (k mariadbKind) flatten(_ context.Context, claim *appcat.MariaDBClaim, m *mariadbModel) diag.Diagnostics {
	p := claim.Spec.Parameters
	svc := p.Service
	if svc == nil {
		svc = &appcat.MariaDBService{}
	}
	flattenCommon(k.descriptor(), &m.instanceModel, commonParams{Version: svc.Version, ServiceLevel: svc.ServiceLevel,
		Instances: p.Instances, Security: p.Security, Scheduling: p.Scheduling, Restore: p.Restore, Monitoring: p.Monitoring})
	m.AdditionalResourcesConfigMap = flattenAdditionalResources(p.AdditionalResources)
	m.sizeModel.flatten(p.Size, mariadbDefaultPlan)
	m.networkModel.flatten(p.Network)
	m.tlsModel.flatten(p.TLS)
	m.StorageClass = stringPtrOrNull(p.StorageClass)
	m.MariaDBSettings = stringPtrOrNull(svc.MariadbSettings)
	var requests, limits appcat.ResourceList
	if svc.ProxySQL != nil && svc.ProxySQL.Resources != nil {
		if r := svc.ProxySQL.Resources.Requests; r != nil {
			requests = *r
		}
		if l := svc.ProxySQL.Resources.Limits; l != nil {
			limits = *l
		}
	}
	m.ProxySQLCPURequest, m.ProxySQLMemoryRequest = stringPtrOrNull(requests.CPU), stringPtrOrNull(requests.Memory)
	m.ProxySQLCPULimit, m.ProxySQLMemoryLimit = stringPtrOrNull(limits.CPU), stringPtrOrNull(limits.Memory)
	return nil
}

func (mariadbKind) validatePlan(ctx context.Context, plan, state *mariadbModel, diags *diag.Diagnostics) {
	warnGatewayUnrouted(plan.ServiceType, "MariaDB", diags)
	validateRestore(ctx, plan.Restore, plan.Name, restoreRules{what: "MariaDB"}, diags)
	if state == nil {
		return
	}
	checkDiskOnlyGrows(path.Root("disk"), state.Disk, plan.Disk, diags)
	// Galera cannot switch TLS on a running cluster: the platform refuses the change while
	// more than one instance is (to be) running.
	if plan.Instances.IsUnknown() || plan.TLSEnabled.IsUnknown() || state.TLSEnabled.IsNull() {
		return
	}
	if n := plan.Instances.ValueInt64(); n > 1 && plan.TLSEnabled.ValueBool() != state.TLSEnabled.ValueBool() {
		diags.AddAttributeError(path.Root("tls_enabled"), "TLS cannot change on a MariaDB cluster",
			fmt.Sprintf("The platform cannot switch TLS (tls_enabled %t → %t) while the instance runs %d instances. "+
				"Set instances = 1 and apply, change tls_enabled and apply, then set instances = %d again.",
				state.TLSEnabled.ValueBool(), plan.TLSEnabled.ValueBool(), n, n))
	}
}
