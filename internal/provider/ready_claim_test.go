package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// readyClaim creates a claim of kind k outside Terraform, with the connection secret
// <name>-connection, waits until the platform reports it ready and returns the client and the
// connection secret. The claim is deleted when the test ends, so params should turn deletion
// protection off.
func readyClaim[P any](t *testing.T, k appcat.Kind, ns, name string, params P) (*appcat.Client, map[string][]byte) {
	t.Helper()
	c, err := appcat.New(platformtest.Platform().AdminConfig(), appcat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	applied, err := appcat.ApplyClaim(ctx, c, k, "test-setup", &appcat.Claim[P]{
		Metadata: appcat.ObjectMeta{Name: name, Namespace: ns},
		Spec:     appcat.Spec[P]{Parameters: params, WriteConnectionSecretToRef: &appcat.LocalRef{Name: name + "-connection"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.DeleteClaim(ctx, k, ns, name); err == nil {
			_ = c.WaitDeleted(ctx, k, ns, name, nil)
		}
	})
	_, secret, err := c.WaitReady(ctx, k, ns, name, applied.Metadata.Generation, appcat.WaitOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, secret
}

// unprotected is spec.parameters.security without deletion protection.
func unprotected() *appcat.Security {
	no := false
	return &appcat.Security{DeletionProtection: &no}
}

// echoConnection opens appcat_connection "c" for the instance ns/name of the kind and passes the
// expressions of data (attribute name → HCL expression over ephemeral.appcat_connection.c) to
// the echo provider, whose state must then satisfy checks.
func echoConnection(t *testing.T, kind, ns, name string, data map[string]string, checks map[string]knownvalue.Check) {
	t.Helper()
	hcl := ""
	for key, expr := range data {
		hcl += fmt.Sprintf("    %s = %s\n", key, expr)
	}
	var stateChecks []statecheck.StateCheck
	for key, check := range checks {
		stateChecks = append(stateChecks, statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey(key), check))
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		PreCheck:               func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"appcat": testAccProtoV6ProviderFactories["appcat"],
			"echo":   echoprovider.NewProviderServer(),
		},
		Steps: []resource.TestStep{{
			Config: adminProvider(ns) + fmt.Sprintf(`
ephemeral "appcat_connection" "c" {
  kind        = %q
  instance_id = "%s/%s"
}

provider "echo" {
  data = {
%s  }
}

resource "echo" "test" {}
`, kind, ns, name, hcl),
			ConfigStateChecks: stateChecks,
		}},
	})
}

// refusal is an attached resource or data source ("resource" or "data" of type typ, with the
// further lines more) that refuses a kind at plan time because the kind lacks something.
type refusal struct {
	block, typ string
	more       []string
	lacks      string
}

// everyAttachment is every attached resource and data source, each refusing a kind that has
// none of what they attach to (Codey, ObjectBucket).
var everyAttachment = []refusal{
	{"resource", "appcat_backup_policy", nil, "backups"},
	{"resource", "appcat_maintenance_window", []string{`day_of_week = "monday"`}, "maintenance window"},
	{"resource", "appcat_database_user", []string{`user = "app"`}, "database users"},
	{"data", "appcat_backups", nil, "backups"},
	{"data", "appcat_metrics_endpoint", nil, "metrics targets"},
	{"data", "appcat_sla_report", []string{`month = "2026-11"`}, "SLA report"},
}

// refusedAttachments are plan-only steps in which each attached block refuses an instance of k,
// saying what k lacks.
func (k accKind) refusedAttachments(ns string, refusals ...refusal) []resource.TestStep {
	ref := []string{fmt.Sprintf("kind = %q", k.kindName()), `instance_id = "` + ns + `/files"`}
	var steps []resource.TestStep
	for _, r := range refusals {
		want := wrapped(regexp.QuoteMeta(`Attribute kind value must be one of: [`) + `[^]]*` +
			regexp.QuoteMeta(fmt.Sprintf(`], got: %q. %s instances have no %s`, k.kindName(), k.displayName, r.lacks)))
		steps = append(steps, resource.TestStep{Config: adminProvider(ns) + block(r.block, r.typ, "test", append(ref, r.more...)...),
			PlanOnly: true, ExpectError: regexp.MustCompile(want)})
	}
	return steps
}
