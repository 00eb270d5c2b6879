package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// terraformCLI runs the real terraform (or tofu) binary the way a user does: the provider built as
// a binary and installed through dev_overrides, in a working directory of its own.
type terraformCLI struct {
	tb        testing.TB
	terraform string
	cliConfig string
	dir       string
	env       []string
}

// newTerraformCLI builds the provider and prepares a working directory with main.tf.
func newTerraformCLI(tb testing.TB, mainTF string, env ...string) *terraformCLI {
	tb.Helper()
	if os.Getenv("TF_ACC") == "" {
		tb.Skip("acceptance test: set TF_ACC=1")
	}
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		tb.Fatal("TF_ACC_TERRAFORM_PATH must point at the terraform binary")
	}
	dir := tb.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-appcat"), "github.com/vshn/terraform-provider-appcat")
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("building the provider: %v\n%s", err, out)
	}
	cli := &terraformCLI{tb: tb, terraform: terraform, cliConfig: filepath.Join(dir, "terraformrc"), dir: filepath.Join(dir, "work"), env: env}
	// source = "vshn/appcat" is registry.terraform.io/vshn/appcat to Terraform and
	// registry.opentofu.org/vshn/appcat to OpenTofu; the override names both, as a user's would.
	writeFile(tb, cli.cliConfig, fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/vshn/appcat" = %[1]q
    "registry.opentofu.org/vshn/appcat" = %[1]q
  }
  direct {}
}
`, pluginDir))
	writeFile(tb, filepath.Join(cli.dir, "main.tf"), `terraform {
  required_providers {
    appcat = { source = "vshn/appcat" }
  }
}
`+mainTF)
	return cli
}

// run runs terraform with the arguments and returns what it printed; it fails the test on error.
func (c *terraformCLI) run(args ...string) string {
	c.tb.Helper()
	return c.runEnv(nil, args...)
}

// runEnv is run with more environment variables (later values win over the CLI's own).
func (c *terraformCLI) runEnv(env []string, args ...string) string {
	c.tb.Helper()
	out, err := c.runErr(env, args...)
	if err != nil {
		c.tb.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, tail([]byte(out)))
	}
	return out
}

// timed runs terraform and returns how long it took.
func (c *terraformCLI) timed(args ...string) time.Duration {
	c.tb.Helper()
	start := time.Now()
	c.run(args...)
	return time.Since(start)
}

func (c *terraformCLI) runErr(env []string, args ...string) (string, error) {
	cmd := c.command(env, args...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// measured runs terraform like runEnv and returns its wall time and CPU time. The CPU time is
// terraform's own and that of the provider processes it started and waited for (wait4 counts
// reaped children), so a benchmark subtracts what the providers report to get terraform core's.
func (c *terraformCLI) measured(env []string, args ...string) (wall, cpu time.Duration) {
	c.tb.Helper()
	cmd := c.command(env, args...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall = time.Since(start)
	if err != nil {
		c.tb.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, tail(out))
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

func (c *terraformCLI) command(env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(c.terraform, args...)
	cmd.Dir = c.dir
	cmd.Env = append(append(append(os.Environ(), "TF_CLI_CONFIG_FILE="+c.cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1"), c.env...), env...)
	return cmd
}

func writeFile(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// tail keeps the end of long terraform output for failure messages.
func tail(out []byte) string {
	const keep = 4000
	if len(out) > keep {
		return "…" + string(out[len(out)-keep:])
	}
	return string(out)
}
