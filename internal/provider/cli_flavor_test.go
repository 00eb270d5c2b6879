package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The acceptance tests run on Terraform and on OpenTofu: TF_ACC_TERRAFORM_PATH names either
// (make test runs both). Where the two behave differently, a test asks which one runs and
// expects what that one does; nothing is skipped for one of them.

// cliIsOpenTofu reports whether TF_ACC_TERRAFORM_PATH is OpenTofu (its `version` says
// "OpenTofu v…", Terraform's "Terraform v…").
var cliIsOpenTofu = sync.OnceValue(func() bool {
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		return false
	}
	out, err := exec.Command(path, "version").CombinedOutput()
	if err != nil {
		panic(fmt.Sprintf("%s version: %v\n%s", path, err, out))
	}
	return strings.Contains(string(out), "OpenTofu v")
})

// cliName is "Terraform" or "OpenTofu", for messages.
func cliName() string {
	if cliIsOpenTofu() {
		return "OpenTofu"
	}
	return "Terraform"
}

// prepareCLIEnv adapts the environment of an acceptance test run to OpenTofu:
//
//   - A provider without a source address in the configuration is hashicorp/<name> on the
//     default registry, which is registry.opentofu.org for OpenTofu; the testing framework
//     announces the in-process provider as registry.terraform.io/hashicorp/appcat unless
//     TF_ACC_PROVIDER_HOST says otherwise, and OpenTofu would look for it in its registry.
//   - TF_CLI_CONFIG_FILE naming a file that does not exist: Terraform runs without a CLI
//     configuration (warning on stderr), OpenTofu prints its warning on stdout, even before the
//     JSON of `tofu version -json`, which the testing framework then fails to parse. Without the
//     variable OpenTofu reads its default CLI configuration, as it would from a missing file.
func prepareCLIEnv() error {
	if !cliIsOpenTofu() {
		return nil
	}
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
		if err := os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org"); err != nil {
			return err
		}
	}
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f != "" {
		if _, err := os.Stat(f); errors.Is(err, fs.ErrNotExist) {
			return os.Unsetenv("TF_CLI_CONFIG_FILE")
		}
	}
	return nil
}

// Versions from which Terraform and OpenTofu have the features some tests use.
var (
	// Ephemeral resources (appcat_connection): Terraform 1.10, OpenTofu 1.11.
	needEphemeralResources = requireCLI("ephemeral resources", tfversion.Version1_10_0, tfversion.Version1_11_0)
	// Write-only attributes (the credentials of appcat_alert_channel): both 1.11.
	needWriteOnlyAttributes = requireCLI("write-only attributes", tfversion.Version1_11_0, tfversion.Version1_11_0)
)

// requireCLI is a TerraformVersionCheck that fails a test using a feature the binary under test
// lacks: Terraform has it from terraform on, OpenTofu from opentofu on. It fails rather than
// skips, so that a run on an unsupported binary does not pass by testing less.
func requireCLI(feature string, terraform, opentofu *version.Version) tfversion.TerraformVersionCheck {
	return requireCLICheck{feature: feature, terraform: terraform, opentofu: opentofu}
}

type requireCLICheck struct {
	feature             string
	terraform, opentofu *version.Version
}

func (c requireCLICheck) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	minimum := c.terraform
	if cliIsOpenTofu() {
		minimum = c.opentofu
	}
	if req.TerraformVersion.Core().LessThan(minimum) {
		resp.Error = fmt.Errorf("%s need %s %s or later; %s is %s", c.feature, cliName(), minimum, os.Getenv("TF_ACC_TERRAFORM_PATH"), req.TerraformVersion)
	}
}
