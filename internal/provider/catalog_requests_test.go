package provider

import (
	"testing"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// TestAccCatalogRequests counts, in the platform's audit log, what the catalog check costs: a
// plan of new instances reads the catalog once, however many there are; terraform validate and a
// plan -refresh=false of unchanged instances make no request at all. Not parallel, so that the
// audit log holds only this test's provider requests.
func TestAccCatalogRequests(t *testing.T) {
	ns := testNamespace(t)
	cli := newTerraformCLI(t, adminProvider(ns)+`
resource "appcat_redis" "db" {
  count               = 2
  name                = "db-${count.index}"
  plan                = "standard-2"
  deletion_protection = false
}
`)
	audit := platformtest.Platform().AuditLogPath()
	count := func(args ...string) requestCount {
		t.Helper()
		mark := auditMark(t, audit)
		cli.run(args...)
		return providerRequests(t, audit, mark)
	}

	if got := count("plan", "-no-color", "-out=new.tfplan"); got.byVerb["list appcats"] != 1 {
		t.Errorf("plan of two new instances: %s; want the catalog listed once", got)
	}
	cli.run("apply", "-auto-approve", "-no-color")
	t.Cleanup(func() { cli.run("destroy", "-auto-approve", "-no-color") })

	if got := count("validate", "-no-color"); got.total != 0 {
		t.Errorf("terraform validate: %s; want none", got)
	}
	if got := count("plan", "-refresh=false", "-no-color", "-detailed-exitcode"); got.total != 0 {
		t.Errorf("plan -refresh=false of unchanged instances: %s; want none", got)
	}
}
