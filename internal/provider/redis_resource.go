package provider

import (
	"context"

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

// The Redis kind: its attributes and their mapping to VSHNRedis' spec.parameters.

// redisModel is appcat_redis' model: the common attributes plus Redis' own.
type redisModel struct {
	instanceModel
	tlsModel
	Plan           types.String `tfsdk:"plan"`
	CPURequests    types.String `tfsdk:"cpu_requests"`
	CPULimits      types.String `tfsdk:"cpu_limits"`
	MemoryRequests types.String `tfsdk:"memory_requests"`
	MemoryLimits   types.String `tfsdk:"memory_limits"`
	Disk           types.String `tfsdk:"disk"`
	RedisSettings  types.String `tfsdk:"redis_settings"`
}

// NewRedisResource is appcat_redis.
func NewRedisResource() resource.Resource { return newInstanceResource(redisKind{}) }

// NewRedisDataSource is the appcat_redis data source.
func NewRedisDataSource() datasource.DataSource { return newInstanceDataSource(redisKind{}) }

type redisKind struct{}

const redisDefaultPlan = "standard-1"

func (redisKind) descriptor() kindDescriptor {
	return kindDescriptor{
		typeName:           "redis",
		api:                appcat.Redis,
		displayName:        "Redis",
		description:        redisDescription,
		versions:           []string{"7.0", "7.2", "8.0"},
		defaultVersion:     "7.2",
		versionPath:        "spec.parameters.service.version",
		versionReportedAs:  "; the image tag it runs, e.g. `7.2.5`",
		majorOf:            majorBeforeFirstDot,
		instances:          []validator.Int64{int64validator.OneOf(0, 1, 3)},
		defaultInstances:   1,
		haInstances:        3,
		defaultComposition: appcat.CompositionRedis,
		instancesDoc: "Number of Redis instances: 1 (default), 3 or 0. Three make the service highly available with Redis Sentinel, " +
			"which moves `connection_details.host` to the master service (`redis-master…`) and fills `connection_details.sentinel_hosts` " +
			"with the nodes' host names (comma-separated, without ports).",
		// HA moves the host. The URL is always rediss:// and the client certificate always
		// written, whatever the TLS settings (vshnredis/redis_deploy.go).
		connectionAffectedBy: []path.Path{path.Root("instances")},
	}
}

var redisDescription = instanceDescription("Redis", appcat.Redis,
	"Backups and maintenance windows are managed by their own resources.")

func (redisKind) common(m *redisModel) *instanceModel { return &m.instanceModel }

func (redisKind) attributes() map[string]schema.Attribute {
	return mergeAttributes(tlsAttributes("Require clients to authenticate with a certificate. Defaults to `true`. "+
		"The platform writes a client certificate and key either way: `connection_details.client_certificate` and `client_key`."),
		map[string]schema.Attribute{
			"plan":            planAttribute(redisDefaultPlan, "The other size attributes override the plan's values."),
			"cpu_requests":    quantityAttribute("CPU request, e.g. `250m`; overrides the plan."),
			"cpu_limits":      quantityAttribute("CPU limit, e.g. `1`; overrides the plan."),
			"memory_requests": quantityAttribute("Memory request, e.g. `512Mi`; overrides the plan."),
			"memory_limits":   quantityAttribute("Memory limit, e.g. `1Gi`; overrides the plan."),
			"disk":            quantityAttribute("Disk size, e.g. `16Gi`; overrides the plan. The disk can only grow."),
			"redis_settings":  textAttribute("Redis configuration in `redis.conf` syntax, e.g. `\"maxmemory-policy allkeys-lru\"`."),
		})
}

func (redisKind) expand(ctx context.Context, m *redisModel) (appcat.RedisParameters, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	cp := expandCommon(ctx, &m.instanceModel, &diags)
	p := appcat.RedisParameters{
		Service: &appcat.RedisService{Version: cp.Version, ServiceLevel: cp.ServiceLevel, RedisSettings: stringPtr(m.RedisSettings)},
		Size: &appcat.RedisSize{
			Plan:           stringPtr(m.Plan),
			CPURequests:    stringPtr(m.CPURequests),
			CPULimits:      stringPtr(m.CPULimits),
			MemoryRequests: stringPtr(m.MemoryRequests),
			MemoryLimits:   stringPtr(m.MemoryLimits),
			Disk:           stringPtr(m.Disk),
		},
		Instances:  cp.Instances,
		TLS:        m.tlsModel.expand(),
		Security:   cp.Security,
		Scheduling: cp.Scheduling,
		Restore:    expandRestore(ctx, m.Restore, &diags),
		Monitoring: cp.Monitoring,
	}
	p.AdditionalResources = expandAdditionalResources(&m.instanceModel)
	return p, "", diags
}

func (k redisKind) flatten(_ context.Context, claim *appcat.RedisClaim, m *redisModel) diag.Diagnostics {
	p := claim.Spec.Parameters
	svc := p.Service
	if svc == nil {
		svc = &appcat.RedisService{}
	}
	size := p.Size
	if size == nil {
		size = &appcat.RedisSize{}
	}
	flattenCommon(k.descriptor(), &m.instanceModel, commonParams{Version: svc.Version, ServiceLevel: svc.ServiceLevel,
		Instances: p.Instances, Security: p.Security, Scheduling: p.Scheduling, Restore: p.Restore, Monitoring: p.Monitoring})
	m.tlsModel.flatten(p.TLS)
	m.AdditionalResourcesConfigMap = flattenAdditionalResources(p.AdditionalResources)
	m.Plan = stringOr(size.Plan, redisDefaultPlan)
	m.CPURequests, m.CPULimits = stringPtrOrNull(size.CPURequests), stringPtrOrNull(size.CPULimits)
	m.MemoryRequests, m.MemoryLimits = stringPtrOrNull(size.MemoryRequests), stringPtrOrNull(size.MemoryLimits)
	m.Disk = stringPtrOrNull(size.Disk)
	m.RedisSettings = stringPtrOrNull(svc.RedisSettings)
	return nil
}

func (redisKind) validatePlan(ctx context.Context, plan, state *redisModel, diags *diag.Diagnostics) {
	validateRestore(ctx, plan.Restore, plan.Name, restoreRules{selfService: true, needsBackupName: true, what: "Redis"}, diags)
	if state != nil {
		checkDiskOnlyGrows(path.Root("disk"), state.Disk, plan.Disk, diags)
	}
}
