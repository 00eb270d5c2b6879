package manifests_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/manifests"
)

// VSHNForgejo has AppCat's webhook (name limit 27, sizes, guaranteed, fqdn and mailer checks);
// a claim needs service.fqdn, so it is tested here rather than in allKinds.
var forgejo = claimKind{kind: "VSHNForgejo", gvr: gvr("vshnforgejoes"), maxName: 27, ownComp: manifests.CompositionForgejo,
	otherComp: manifests.CompositionRedis, guaranteed: 2}

// forgejoParams are a Forgejo claim's parameters with its required fqdn and more.
func forgejoParams(more ...any) map[string]any {
	p := params(more...)
	svc, _ := p["service"].(map[string]any)
	if svc == nil {
		svc = map[string]any{}
		p["service"] = svc
	}
	if _, ok := svc["fqdn"]; !ok {
		svc["fqdn"] = []any{"git.example.com"}
	}
	return p
}

// TestForgejoCRDSchema: the upstream CRD's fields, defaults and patterns with the installed
// XRD's plans, and the name rule.
func TestForgejoCRDSchema(t *testing.T) {
	for _, c := range decodeAll(t).crds {
		if c.Spec.Names.Kind != forgejo.kind {
			continue
		}
		if c.Name != "vshnforgejoes.vshn.appcat.vshn.io" || c.Spec.Names.Plural != "vshnforgejoes" || c.Spec.Group != manifests.Group {
			t.Errorf("names: %s %+v", c.Name, c.Spec.Names)
		}
		root := c.Spec.Versions[0].Schema.OpenAPIV3Schema
		for path, want := range map[string]any{
			"spec.parameters.service.majorVersion":        "14.0.0",
			"spec.parameters.service.adminEmail":          "gitea@local.domain",
			"spec.parameters.service.serviceLevel":        "besteffort",
			"spec.parameters.service.ssh.enabled":         false,
			"spec.parameters.security.allowAllNamespaces": false,
			"spec.parameters.security.deletionProtection": true,
			"spec.parameters.size.plan":                   "small",
			"spec.parameters.instances":                   float64(1),
			"spec.parameters.backup.enabled":              true,
		} {
			wantDefault(t, root, path, want)
		}
		if got, want := enumValues(t, prop(t, root, "spec.parameters.size.plan")), []any{"large", "medium", "mini", "small"}; !reflect.DeepEqual(got, want) {
			t.Errorf("plan enum %v, want %v", got, want)
		}
		if p := prop(t, root, "spec.parameters.instances"); p.Maximum == nil || *p.Maximum != 1 {
			t.Errorf("instances maximum %v, want 1", p.Maximum)
		}
		if svc := prop(t, root, "spec.parameters.service"); !reflect.DeepEqual(svc.Required, []string{"fqdn"}) {
			t.Errorf("service.required = %v, want [fqdn]", svc.Required)
		}
		for _, p := range []string{"service.forgejoSettings.APP_NAME", "service.forgejoSettings.config.mailer",
			"maintenance.dayOfWeek", "backup.schedule", "additionalResources.configMapRef"} {
			prop(t, root, "spec.parameters."+p)
		}
		if _, ok := prop(t, root, "spec.parameters").Properties["restore"]; ok {
			t.Error("spec.parameters.restore: VSHNForgejo has none")
		}
		for _, p := range []string{"status.currentReleaseTag", "status.sshPort", "status.schedules.maintenance.dayOfWeek"} {
			prop(t, root, p)
		}
		if r := root.XValidations; len(r) != 1 || r[0].Rule != "size(self.metadata.name) <= 27" {
			t.Errorf("name rule %+v, want AppCat's 27 characters", r)
		}
		return
	}
	t.Fatal("no VSHNForgejo CRD")
}

// TestForgejoRules: on the API server, a Forgejo claim gets its defaults and the webhook's rules.
func TestForgejoRules(t *testing.T) {
	e := newEnv(t)
	k := forgejo
	e.unprotectAtCleanup(k)

	// A service block needs fqdn (a claim without one passes the CRD, as upstream, and fails in
	// the composition: "must supply at least one FQDN").
	e.wantInvalid(e.create(k, claim(k, "nofqdn", params("service", obj("adminEmail", "git@example.com")))), "fqdn", "no fqdn")
	e.wantInvalid(e.create(k, claim(k, "emptyfqdn", params("service", obj("fqdn", []any{})))), "fqdn", "an empty fqdn list")
	e.mustCreate(k, claim(k, "defaults", forgejoParams()))
	u := e.get(k, "defaults")
	for path, want := range map[string]any{
		"instances": int64(1), "service.majorVersion": "14.0.0", "service.adminEmail": "gitea@local.domain", "size.plan": "small",
		"service.ssh.enabled": false, "security.deletionProtection": true,
	} {
		got, _, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec", "parameters"}, strings.Split(path, ".")...)...)
		if got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	e.wantDeleteRefused(k, "defaults")

	long := strings.Repeat("f", k.maxName+1)
	e.wantInvalid(e.create(k, claim(k, long, forgejoParams())), "metadata.name is too long", "a name of 28 characters")
	e.wantInvalid(e.create(k, claim(k, "two", forgejoParams("instances", int64(2)))), "should be less than or equal to 1", "two instances")
	e.wantInvalid(e.create(k, claim(k, "ga", forgejoParams("service", obj("serviceLevel", "guaranteed", "fqdn", []any{"git.example.com"})))),
		"must have more than 1 replicas", "guaranteed with one instance")
	e.wantInvalid(e.create(k, claim(k, "badhost", forgejoParams("service", obj("fqdn", []any{"git.example.com", "not a host"})))),
		"FQDN not a host is not a valid DNS name", "fqdn with a space")
	e.wantInvalid(e.create(k, claim(k, "mail", forgejoParams("service", obj("fqdn", []any{"git.example.com"},
		"forgejoSettings", obj("config", obj("mailer", obj("protocol", "sendmail"))))))), "bad mailer.PROTOCOL", "mailer protocol sendmail")
	e.mustCreate(k, claim(k, "mail-ok", forgejoParams("service", obj("fqdn", []any{"git.example.com"},
		"forgejoSettings", obj("config", obj("mailer", obj("PROTOCOL", "smtps")))))))
	e.wantInvalid(e.create(k, claim(k, "email", forgejoParams("service", obj("fqdn", []any{"git.example.com"}, "adminEmail", "nobody")))),
		"should match", "admin email without a domain")
	e.wantInvalid(e.create(k, claim(k, "big", forgejoParams("size", obj("plan", "huge")))), "Unsupported value", "plan huge")
	e.mustCreate(k, claim(k, "disk", forgejoParams("size", obj("disk", "60Gi"))))
	e.wantInvalid(e.patch(k, "disk", `{"spec":{"parameters":{"size":{"disk":"50Gi"}}}}`), "disk downsizing is not allowed for VSHNForgejo", "disk 60Gi -> 50Gi")

	e.mustCreate(k, claim(k, "comp", forgejoParams(), composition(k.ownComp)))
	e.wantInvalid(e.patch(k, "comp", fmt.Sprintf(`{"spec":{"compositionRef":{"name":%q}}}`, k.otherComp)),
		"spec.compositionRef is immutable", "change compositionRef")
}
