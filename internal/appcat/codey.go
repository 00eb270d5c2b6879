package appcat

import "k8s.io/apimachinery/pkg/runtime/schema"

// Codey is Codey's CodeyInstance: Forgejo as a product, in its own API group codey.io/v1
// (github.com/vshn/appcat apis/codey/dbaas_vshn_codey.go, crds/codey.io_codeyinstances.yaml,
// pkg/controller/webhooks/codey.go). AppCat has no composition function for it:
// component-appcat's composition codey.io (component/vshn_codey.jsonnet) is one
// patch-and-transform step that composes an XVSHNForgejo named after the composite, with the
// host name <claim name>.app.codey.ch, the plan's sizes, the admin e-mail, the version and
// DISABLE_REGISTRATION, and copies three of its connection keys.
var Codey = Kind{
	Kind:         "CodeyInstance",
	GroupVersion: schema.GroupVersion{Group: "codey.io", Version: "v1"},
	Resource:     "codeyinstances",
	Service:      "codey", // CodeyInstance.GetServiceName
	// The webhook's limit (pkg/controller/webhooks/codey.go: maxNestedNameLength).
	NameMaxLength: 27,
	// The composition's connectionDetails: CODEY_USERNAME, CODEY_PASSWORD and CODEY_URL from the
	// Forgejo's FORGEJO_USERNAME (forgejo_admin), FORGEJO_PASSWORD and FORGEJO_URL (its only fqdn,
	// <claim name>.app.codey.ch). The XRD lists exactly these three keys; component-appcat's
	// parameters also name CODEY_HOST and ca.crt, which nothing writes.
	ConnectionSecretKeys: []string{"CODEY_USERNAME", "CODEY_PASSWORD", "CODEY_URL"},
	Connection:           ConnectionKeys{Username: "CODEY_USERNAME", Password: "CODEY_PASSWORD", URL: "CODEY_URL"},
	// Its claim has parameters.service {majorVersion, disableRegistration, adminEmail} and
	// parameters.size.plan only: no security (so no deletion protection), instances, service
	// level, scheduling, backup, maintenance, restore or monitoring block. Its status has only
	// instanceNamespace, which nothing sets (SetInstanceNamespaceStatus is a no-op, and the
	// composition patches no status): the claim reports neither an instance namespace nor a
	// version. No backups objects, database users, exporters or SLI probe (pkg/sliexporter has
	// none for it). The webhook checks the name's length, the provider-config label and that
	// the host name is unused, on create and update only.
	Webhook: true, WebhookIgnoresDeletion: true,
	NoInstanceNamespace: true,
}

// CompositionCodey is Codey's only composition (the XRD's defaultCompositionRef).
const CompositionCodey = "codey.io"

// CodeyPlans are the values of spec.parameters.size.plan (the CRD's enum); the first is the
// default.
var CodeyPlans = []string{"mini", "small"}

// CodeyClaim is a CodeyInstance claim.
type CodeyClaim = Claim[CodeyParameters]

// CodeyParameters is spec.parameters of a CodeyInstance.
type CodeyParameters struct {
	Service *CodeyService `json:"service,omitempty"`
	Size    *CodeySize    `json:"size,omitempty"`
}

// CodeyService is spec.parameters.service of a CodeyInstance.
type CodeyService struct {
	// MajorVersion is the Forgejo release the instance runs, e.g. "14.0.0"; the composition
	// starts from 14.0.0 where it is unset.
	MajorVersion *string `json:"majorVersion,omitempty"`
	// DisableRegistration turns off the registration of new users (default false).
	DisableRegistration *bool `json:"disableRegistration,omitempty"`
	// AdminEmail is the admin user's e-mail address; required.
	AdminEmail string `json:"adminEmail"`
}

// CodeySize is spec.parameters.size of a CodeyInstance: one of CodeyPlans.
type CodeySize struct {
	Plan *string `json:"plan,omitempty"`
}
