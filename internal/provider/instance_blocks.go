package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// Groups of attributes that several kinds share, each with its schema, model and mapping, so a
// kind embeds the model and merges the attributes instead of repeating them.

// commonParams are the parts of spec.parameters every kind has, wherever the kind keeps them
// (PostgreSQL's version is service.majorVersion, the others' service.version).
type commonParams struct {
	Version      *string
	ServiceLevel *string
	Instances    *int64
	Security     *appcat.Security
	Scheduling   *appcat.Scheduling
	Restore      *appcat.Restore
	Monitoring   *appcat.Monitoring
}

func expandCommon(ctx context.Context, c *instanceModel, diags *diag.Diagnostics) commonParams {
	return commonParams{
		Version:      stringPtr(c.Version),
		ServiceLevel: stringPtr(c.ServiceLevel),
		Instances:    int64Ptr(c.Instances),
		Security:     expandSecurity(ctx, c, diags),
		Scheduling:   expandScheduling(ctx, c, diags),
		Monitoring:   expandAlerting(ctx, c.Alerting, diags),
	}
}

// flattenCommon sets the common attributes, with the platform's default for what is absent.
func flattenCommon(d kindDescriptor, c *instanceModel, p commonParams) {
	c.Version = stringOr(p.Version, d.defaultVersion)
	c.Instances = int64Or(p.Instances, d.defaultInstances)
	c.ServiceLevel = stringOr(p.ServiceLevel, "besteffort")
	flattenSecurity(p.Security, c, d.allowAllNamespaces)
	flattenScheduling(p.Scheduling, c)
	c.Restore = flattenRestore(p.Restore)
	c.Alerting = keepTemplateText(flattenAlerting(p.Monitoring), c.Alerting)
	if !d.has("version") {
		c.Version = types.StringNull()
	}
	if !d.has("service_level") {
		c.ServiceLevel = types.StringNull()
	}
	if !d.has("instances") {
		c.Instances = types.Int64Null()
	}
}

// sizeModel is spec.parameters.size of PostgreSQL and MariaDB (plan, limits, requests, disk).
type sizeModel struct {
	Plan          types.String `tfsdk:"plan"`
	CPU           types.String `tfsdk:"cpu"`
	Memory        types.String `tfsdk:"memory"`
	Disk          types.String `tfsdk:"disk"`
	CPURequest    types.String `tfsdk:"cpu_request"`
	MemoryRequest types.String `tfsdk:"memory_request"`
}

// sizeAttributes are the size attributes; defaultPlan is the kind's default plan.
func sizeAttributes(defaultPlan string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"plan":           planAttribute(defaultPlan, "`cpu`, `memory` and `disk` override the plan's values."),
		"cpu":            quantityAttribute("CPU limit, e.g. `1` or `500m`; overrides the plan."),
		"memory":         quantityAttribute("Memory limit, e.g. `4Gi`; overrides the plan."),
		"disk":           quantityAttribute("Disk size, e.g. `40Gi`; overrides the plan. The disk can only grow."),
		"cpu_request":    quantityAttribute("CPU request, e.g. `250m`."),
		"memory_request": quantityAttribute("Memory request, e.g. `1Gi`."),
	}
}

func (s *sizeModel) expand() *appcat.Size {
	size := &appcat.Size{Plan: stringPtr(s.Plan), CPU: stringPtr(s.CPU), Memory: stringPtr(s.Memory), Disk: stringPtr(s.Disk)}
	if !s.CPURequest.IsNull() || !s.MemoryRequest.IsNull() {
		size.Requests = &appcat.SizeRequests{CPU: stringPtr(s.CPURequest), Memory: stringPtr(s.MemoryRequest)}
	}
	return size
}

func (s *sizeModel) flatten(size *appcat.Size, defaultPlan string) {
	if size == nil {
		size = &appcat.Size{}
	}
	s.Plan = stringOr(size.Plan, defaultPlan)
	s.CPU, s.Memory, s.Disk = stringPtrOrNull(size.CPU), stringPtrOrNull(size.Memory), stringPtrOrNull(size.Disk)
	s.CPURequest, s.MemoryRequest = types.StringNull(), types.StringNull()
	if size.Requests != nil {
		s.CPURequest, s.MemoryRequest = stringPtrOrNull(size.Requests.CPU), stringPtrOrNull(size.Requests.Memory)
	}
}

// networkModel is spec.parameters.network (PostgreSQL, MariaDB).
type networkModel struct {
	ServiceType types.String `tfsdk:"service_type"`
	IPFilter    types.List   `tfsdk:"ip_filter"`
}

var defaultIPFilter = []string{"0.0.0.0/0"}

func networkAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"service_type": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: serviceTypeDoc,
			Default:             stringdefault.StaticString("ClusterIP"),
			Validators:          []validator.String{stringvalidator.OneOf("ClusterIP", "LoadBalancer", serviceTypeTCPGateway)},
		},
		"ip_filter": schema.ListAttribute{
			Optional:            true,
			Computed:            true,
			ElementType:         types.StringType,
			MarkdownDescription: "IP ranges (CIDR) allowed to connect through a load balancer. Defaults to `[\"0.0.0.0/0\"]`.",
			Default:             listdefault.StaticValue(types.ListValueMust(types.StringType, []attr.Value{types.StringValue(defaultIPFilter[0])})),
			Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(cidrValidator{})},
		},
	}
}

func (n *networkModel) expand(ctx context.Context, diags *diag.Diagnostics) *appcat.Network {
	return &appcat.Network{ServiceType: stringPtr(n.ServiceType), IPFilter: expandStringList(ctx, n.IPFilter, diags)}
}

func (n *networkModel) flatten(network *appcat.Network) {
	if network == nil {
		network = &appcat.Network{}
	}
	n.ServiceType = stringOr(network.ServiceType, "ClusterIP")
	ipFilter := network.IPFilter
	if len(ipFilter) == 0 {
		ipFilter = defaultIPFilter
	}
	n.IPFilter = flattenStringList(ipFilter)
}

// planAttribute is a size plan; more says what overrides it. Which plans exist is up to each
// installation, so the schema checks only the form of the name; the plan checks the value against
// the cluster's catalog (catalog_check.go).
func planAttribute(defaultPlan, more string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: fmt.Sprintf("Size plan, e.g. `%s`. The plans and their sizes are set per AppCat installation: "+
			"the `appcat_catalog` data source lists what the cluster offers, and the plan is checked against that list "+
			"when the provider can read it. Defaults to `%s`. %s", defaultPlan, defaultPlan, more),
		Default: stringdefault.StaticString(defaultPlan),
		Validators: []validator.String{
			stringvalidator.LengthBetween(1, 63),
			stringvalidator.RegexMatches(dnsLabel, "must be a plan name: lowercase letters, digits and '-', e.g. standard-4"),
		},
	}
}

func quantityAttribute(doc string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: doc, Validators: []validator.String{quantityValidator{}}}
}

// textAttribute is an optional free text, e.g. a configuration file's content.
func textAttribute(doc string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: doc, Validators: []validator.String{stringvalidator.LengthAtLeast(1)}}
}

// mergeAttributes joins groups of attributes into one map.
func mergeAttributes(groups ...map[string]schema.Attribute) map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, g := range groups {
		for name, a := range g {
			out[name] = a
		}
	}
	return out
}

// tlsModel is spec.parameters.tls of Redis and MariaDB.
type tlsModel struct {
	TLSEnabled     types.Bool `tfsdk:"tls_enabled"`
	TLSAuthClients types.Bool `tfsdk:"tls_auth_clients"`
}

func tlsAttributes(authClientsDoc string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"tls_enabled":      boolWithDefault("Require TLS for connections. Defaults to `true`.", true),
		"tls_auth_clients": boolWithDefault(authClientsDoc, true),
	}
}

func (t *tlsModel) expand() *appcat.TLS {
	return &appcat.TLS{Enabled: boolPtr(t.TLSEnabled), AuthClients: boolPtr(t.TLSAuthClients)}
}

func (t *tlsModel) flatten(tls *appcat.TLS) {
	if tls == nil {
		tls = &appcat.TLS{}
	}
	t.TLSEnabled = boolOr(tls.Enabled, true)
	t.TLSAuthClients = boolOr(tls.AuthClients, true)
}
