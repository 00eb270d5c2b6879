package provider

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

func TestAccProvider(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it against the local platform")
	}
	t.Run("host, token and CA with no files on disk, as in Terraform Cloud", func(t *testing.T) {
		p := platformtest.Platform()
		ns, name := p.UserNamespace(), randomName("pg")
		provider := fmt.Sprintf(`
provider "appcat" {
  host                   = %q
  token                  = %q
  cluster_ca_certificate = <<-EOT
%s
EOT
  namespace              = %q
}
`, p.Host(), p.UserToken(), p.CACertPEM(), ns)
		forbiddenNS := testNamespace(t) // exists, but not granted to the user
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config: provider + fmt.Sprintf(`
resource "appcat_postgresql" "test" {
  name                = %q
  deletion_protection = false
}
`, name),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("namespace"), knownvalue.StringExact(ns)),
						statecheck.ExpectKnownValue(pgAddr, tfjsonpath.New("connection_details").AtMapKey("password"), knownvalue.NotNull()),
						claimConverged(t, appcat.PostgreSQL, ns, name),
					},
				},
				{
					// The customer has no rights outside the namespaces granted to them.
					Config: provider + fmt.Sprintf(`
resource "appcat_postgresql" "test" {
  name                = %q
  deletion_protection = false
}

resource "appcat_postgresql" "elsewhere" {
  name                = %q
  namespace           = %q
  deletion_protection = false
}
`, name, randomName("pg"), forbiddenNS),
					ExpectError: regexp.MustCompile(`(?s)Could not create PostgreSQL instance ` + forbiddenNS + `/.*forbidden.*lack of permission`),
				},
			},
		})
	})

	t.Run("provider values unknown at plan time do not fail the plan", func(t *testing.T) {
		// A cluster created in the same apply: the provider's host is known only after apply.
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: `
resource "terraform_data" "cluster" {
  input = "https://127.0.0.1:1"
}

provider "appcat" {
  host      = terraform_data.cluster.output
  token     = "unused"
  namespace = "my-app"
}

resource "appcat_postgresql" "test" {
  name    = "planned-only"
  version = "16"
}
`,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			}},
		})
	})
}
