package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// instancesScalingDoc follows the instancesDoc of a kind that scales: what its instance count does.
const instancesScalingDoc = " `0` suspends the instance: its pods stop, while its data, credentials and connection details are kept; " +
	"set `instances` back to resume it. A change applies in place, and the apply waits until the platform has converged. " +
	"See the [upgrades and scaling guide](../guides/upgrades-and-scaling)."

// instancesFixedDoc follows the instancesDoc of a kind whose instance count cannot change.
const instancesFixedDoc = " It cannot change once the instance exists: the platform refuses it (\"Scaling after creation is not supported\"), " +
	"so a plan that changes it fails. For another number of instances, create a new instance and move the data."

// dnsLabel is the format of Kubernetes object names the platform accepts for claims.
var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// commonAttributes are the attributes every instance resource has, shaped by the kind's descriptor.
func commonAttributes(d kindDescriptor) map[string]schema.Attribute {
	return mergeAttributes(compositionAttributes(), map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "`namespace/name` of the instance; also the import ID.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"name": schema.StringAttribute{
			Required: true,
			MarkdownDescription: fmt.Sprintf("Name of the %s instance (the claim's name): lowercase letters, digits and `-`, at most %d characters. Changing it replaces the instance.",
				d.displayName, d.api.NameMaxLength),
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			Validators: []validator.String{
				stringvalidator.LengthBetween(1, d.api.NameMaxLength),
				stringvalidator.RegexMatches(dnsLabel, "must consist of lowercase letters, digits and '-', and start and end with a letter or digit"),
			},
		},
		"namespace": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "Namespace of the claim. Defaults to the provider's `namespace`. Changing it replaces the instance.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			Validators: []validator.String{
				stringvalidator.LengthBetween(1, 63),
				stringvalidator.RegexMatches(dnsLabel, "must be a valid Kubernetes namespace name"),
			},
		},
		"version": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: fmt.Sprintf("%s version (`%s`): %s. Defaults to `%s`, the platform's default. "+
				"Changing it upgrades the instance in place; %s. "+
				"The version can only go up, and a major upgrade needs `allow_major_version_upgrade = true`. %s",
				d.displayName, d.versionPath, versionsDoc(d), d.defaultVersion, upgradeWaitDoc(d), patchReleasesDoc(d)),
			Default:    stringdefault.StaticString(d.defaultVersion),
			Validators: []validator.String{versionValidator(d)},
		},
		"instances": schema.Int64Attribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: instancesDescription(d),
			Default:             int64default.StaticInt64(d.defaultInstances),
			Validators:          d.instances,
		},
		"service_level": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: serviceLevelDescription(d),
			Default:             stringdefault.StaticString("besteffort"),
			Validators:          []validator.String{stringvalidator.OneOf("besteffort", "guaranteed")},
		},
		"deletion_protection": schema.BoolAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: deletionProtectionDoc(d),
			Default:             booldefault.StaticBool(true),
		},
		"allow_all_namespaces": schema.BoolAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: fmt.Sprintf("Allow connections from every namespace of the cluster. Defaults to `%t`, as on the platform.", d.allowAllNamespaces),
			Default:             booldefault.StaticBool(d.allowAllNamespaces),
		},
		"allowed_namespaces": stringListAttribute("Further namespaces whose workloads may connect to the instance."),
		"allowed_groups":     stringListAttribute("Groups that get access to the instance namespace (logs, pods, port-forward)."),
		"allowed_users":      stringListAttribute("Users that get access to the instance namespace (logs, pods, port-forward)."),
		"node_selector":      stringMapAttribute("Node selector for the instance's pods (`spec.parameters.scheduling.nodeSelector`).", labelMapValidator()),
		"labels":             stringMapAttribute(labelsDescription(d), labelMapValidator()),
		"annotations":        stringMapAttribute("Annotations of the claim. Annotations other tools set are left alone.", annotationMapValidator()),
		"connection_secret_name": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Name of the Secret, in the claim's namespace, that the platform writes the connection details into. " +
				"Defaults to `<name>-connection`. It must not exist beforehand. Changing it replaces the instance.",
			PlanModifiers: []planmodifier.String{defaultConnectionSecretName(), stringplanmodifier.RequiresReplace()},
			Validators: []validator.String{
				stringvalidator.LengthBetween(1, 253),
				stringvalidator.RegexMatches(regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`), "must be a valid Kubernetes Secret name"),
			},
		},
		"logs": logsAttribute(), // instance_logs.go
		"instance_namespace": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Namespace the platform runs the instance in (`vshn-" + d.api.Service + "-<name>-<suffix>`): its pods, logs and events are there.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"current_version": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: currentVersionDescription(d),
			PlanModifiers:       []planmodifier.String{unknownIfChanged(path.Root("version"))},
		},
		"previous_version": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: previousVersionDescription(d),
			PlanModifiers:       []planmodifier.String{unknownIfChanged(path.Root("version"))},
		},
		"allow_major_version_upgrade": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: fmt.Sprintf("Allow a change of `version` that is a major upgrade: %s. "+
				"Defaults to `false`, and then the plan refuses such a change before anything changes. A major upgrade cannot be undone "+
				"and the service may be unavailable while it runs: take a backup first. "+
				"Only Terraform reads this attribute; it is not sent to the platform. See the [upgrades and scaling guide](../guides/upgrades-and-scaling).",
				majorUpgradeDoc(d)),
			Default: booldefault.StaticBool(false),
		},
		"restore":  restoreAttribute(),
		"alerting": alertingAttribute(),
		"connection_details": schema.SingleNestedAttribute{
			Computed:            true,
			Sensitive:           true,
			MarkdownDescription: "How to connect to the instance, from the platform's connection secret. Sensitive.",
			Attributes:          connectionAttributes(),
			PlanModifiers:       []planmodifier.Object{connectionPlan(d.connectionAffectedBy)},
		},
		"store_credentials": storeCredentialsAttribute(instanceStoreCredentialsDoc), // instance_credentials.go
	})
}

// S3 credentials, written by object storage kinds only.
const (
	accessKeyIDDoc     = "S3 access key ID (`AWS_ACCESS_KEY_ID`), where the service is object storage."
	secretAccessKeyDoc = "S3 secret access key (`AWS_SECRET_ACCESS_KEY`), where the service is object storage."
	regionDoc          = "S3 region of the bucket (`AWS_REGION`), where the service is one bucket."
	bucketNameDoc      = "Name of the bucket (`BUCKET_NAME`), where the service is one bucket."
	endpointDoc        = "S3 endpoint of the bucket, without scheme (`ENDPOINT`), where the service is one bucket; `url` is the same with scheme."
)

// Written by services with several nodes to connect to, or with a web dashboard.
const (
	nodesDoc        = "Every node's `host:port`, separated by spaces, where the service lists them (Exoscale Kafka's brokers, `KAFKA_NODES`)."
	dashboardURLDoc = "URL of the service's web dashboard, where it has one (OpenSearch Dashboards, `OPENSEARCH_DASHBOARD_URI`)."
)

func connectionAttributes() map[string]schema.Attribute {
	doc := map[string]string{
		"host":               "Host name to connect to.",
		"port":               "Port to connect to.",
		"username":           "User name of the instance's admin user.",
		"password":           "Password of the instance's admin user.",
		"database":           "Default database, where the service has one.",
		"url":                "Connection URL, with the credentials where the platform puts them in.",
		"ca_certificate":     "PEM CA certificate that signs the server certificate.",
		"client_certificate": "PEM client certificate, where the service uses one.",
		"client_key":         "PEM client key, where the service uses one.",
		"load_balancer_ip":   "IP address of the load balancer, with `service_type = \"LoadBalancer\"`.",
		"sentinel_hosts":     "Host names of the Redis nodes that run Sentinel (comma-separated, without ports), with a highly available Redis.",
		"gateway_host":       gatewayHostDoc,
		"gateway_port":       gatewayPortDoc,
		"access_key_id":      accessKeyIDDoc,
		"secret_access_key":  secretAccessKeyDoc,
		"collabora_host":     collaboraHostDoc,
		"region":             regionDoc,
		"bucket_name":        bucketNameDoc,
		"endpoint":           endpointDoc,
		"nodes":              nodesDoc,
		"dashboard_url":      dashboardURLDoc,
	}
	// The attributes are not marked Sensitive one by one: connection_details as a whole is, and
	// Terraform keeps the mark on every value read out of a sensitive object, so each of them is
	// as sensitive as before. Marked one by one, each was a path of its own in the state's
	// sensitive_attributes of every instance: about 2.9 KB of a 7.6 KB instance, which terraform
	// core rewrote on every change of any instance.
	attrs := map[string]schema.Attribute{}
	for name, t := range connectionAttrTypes {
		if t == types.Int64Type {
			attrs[name] = schema.Int64Attribute{Computed: true, MarkdownDescription: doc[name]}
			continue
		}
		attrs[name] = schema.StringAttribute{Computed: true, MarkdownDescription: doc[name] + " Sensitive, as all of `connection_details`."}
	}
	return attrs
}

func timeoutsBlock(ctx context.Context) schema.Block {
	return timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true})
}

func boolWithDefault(doc string, def bool) schema.BoolAttribute {
	return schema.BoolAttribute{Optional: true, Computed: true, MarkdownDescription: doc, Default: booldefault.StaticBool(def)}
}

// instanceDescription is a resource's markdown description: what it is, what the apply waits
// for, and what the kind adds.
func instanceDescription(displayName string, k appcat.Kind, more string) string {
	article := "A"
	if strings.ContainsAny(displayName[:1], "AEIOU") {
		article = "An"
	}
	return fmt.Sprintf("%s %s instance of the VSHN Application Catalog (a `%s` claim). "+
		"The apply waits until the platform reports the instance ready and its connection secret complete; "+
		"`connection_details` then holds how to connect (sensitive).\n\n%s", article, displayName, k.Kind, more)
}

func stringListAttribute(doc string) schema.ListAttribute {
	return schema.ListAttribute{
		Optional:            true,
		ElementType:         types.StringType,
		MarkdownDescription: doc,
		Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
	}
}

func stringMapAttribute(doc string, more ...validator.Map) schema.MapAttribute {
	return schema.MapAttribute{
		Optional:            true,
		ElementType:         types.StringType,
		MarkdownDescription: doc,
		Validators:          append([]validator.Map{mapvalidator.SizeAtLeast(1)}, more...),
	}
}

func quoteList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	return strings.Join(quoted, ", ")
}

// majorUpgradeDoc says which version changes of the kind are major upgrades, with examples from
// its versions.
func majorUpgradeDoc(d kindDescriptor) string {
	if d.versionPattern != nil && len(d.versions) > 1 {
		from, to := d.versions[len(d.versions)-2], d.versions[len(d.versions)-1]
		return fmt.Sprintf("for %s a change of the major version, e.g. `%s` → `%s` (but not `%s` → `%s.1`)", d.displayName, from, to, from, from)
	}
	var major, minor []string
	for i := 1; i < len(d.versions); i++ {
		from, to := d.versions[i-1], d.versions[i]
		change := "`" + from + "` → `" + to + "`"
		if d.majorVersion(from) != d.majorVersion(to) {
			major = append(major, change)
		} else {
			minor = append(minor, change)
		}
	}
	if len(major) == 0 {
		return fmt.Sprintf("%s offers no versions that differ in the major version", d.displayName)
	}
	if len(minor) == 0 {
		return fmt.Sprintf("for %s every version change is one (e.g. %s)", d.displayName, major[len(major)-1])
	}
	return fmt.Sprintf("for %s a change of the major version, e.g. %s (but not %s)",
		d.displayName, major[len(major)-1], minor[len(minor)-1])
}

// instancesDescription documents instances: the kind's counts, and whether they can change.
func instancesDescription(d kindDescriptor) string {
	if d.instancesFixed {
		return d.instancesDoc + instancesFixedDoc
	}
	if d.scalingDoc != "" {
		return d.instancesDoc + d.scalingDoc
	}
	return d.instancesDoc + instancesScalingDoc
}

// serviceLevelDescription documents service_level, with the kind's rule for guaranteed.
func serviceLevelDescription(d kindDescriptor) string {
	doc := "`besteffort` (default) or `guaranteed`. With `guaranteed`, VSHN is paged on the SLI alerts"
	if d.haInstances > 0 {
		return doc + " and the platform requires a highly available instance (see `instances`)."
	}
	return doc + "."
}

// labelsDescription documents labels; only AppCat's webhook checks the provider-config label.
func labelsDescription(d kindDescriptor) string {
	doc := "Labels of the claim. Labels other tools set are left alone. " +
		"In a split AppCat setup, `appcat.vshn.io/provider-config` names the cluster the instance runs on"
	if d.api.Webhook && !d.api.WebhookIgnoresProviderConfig {
		return doc + "; the platform refuses a name it does not know."
	}
	return doc + "."
}

// currentVersionDescription documents current_version: the kind's status field, if it has one.
func currentVersionDescription(d kindDescriptor) string {
	if d.api.VersionStatus == "" {
		return "Always null: " + d.displayName + " does not report the version it runs (AppCat has no such status field for it)."
	}
	return "Version the platform reports as running (`status." + d.api.VersionStatus + "`" + d.versionReportedAs + ")."
}

// upgradeWaitDoc says what a version change waits for.
func upgradeWaitDoc(d kindDescriptor) string {
	if d.api.VersionStatus == "" {
		return "the apply waits until the platform reports the instance ready again"
	}
	return "the apply waits until the platform reports the new version in `current_version`"
}

// patchReleasesDoc says who applies patch releases.
func patchReleasesDoc(d kindDescriptor) string {
	if !d.api.Maintenance {
		return "Patch releases are not chosen here: the platform rolls them out with its own releases."
	}
	return "Patch releases are not chosen here: the platform applies them in the maintenance window."
}

// deletionProtectionDoc documents deletion_protection: enforced by the platform where AppCat's
// webhook validates the kind, and by this provider for every kind.
func deletionProtectionDoc(d kindDescriptor) string {
	if !d.api.Webhook {
		return fmt.Sprintf("While `true` (the default, as on the platform), `terraform destroy` fails: this provider refuses to delete the instance. "+
			"Set it to `false` and apply before destroying. The platform stores it but does not enforce it for %s (AppCat registers no "+
			"admission webhook for %s claims), so a deletion with kubectl is not refused.", d.displayName, d.api.Kind)
	}
	return "While `true` (the default, as on the platform), the platform refuses to delete the instance and " +
		"`terraform destroy` fails. Set it to `false` and apply before destroying."
}

// previousVersionDescription documents previous_version: only some kinds report it.
func previousVersionDescription(d kindDescriptor) string {
	if d.api.PreviousVersionStatus == "" {
		return "Always null: " + d.displayName + " does not report the version it ran before an upgrade (AppCat has no such status field for it)."
	}
	return "Version the instance ran before its last version upgrade (`status." + d.api.PreviousVersionStatus + "`); null if it was never upgraded."
}

// versionsDoc says which versions the kind takes: its list, or its pattern's rule with examples.
func versionsDoc(d kindDescriptor) string {
	if d.versionPattern != nil {
		return d.versionPatternDoc + ", e.g. " + quoteList(d.versions)
	}
	return "one of " + quoteList(d.versions)
}

// versionValidator accepts the kind's versions: its list, or what its pattern matches.
func versionValidator(d kindDescriptor) validator.String {
	if d.versionPattern != nil {
		return stringvalidator.RegexMatches(d.versionPattern, "must be "+d.versionPatternDoc)
	}
	return stringvalidator.OneOf(d.versions...)
}
