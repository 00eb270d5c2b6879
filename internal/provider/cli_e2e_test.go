package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestAccCLITraceLogHasNoSecrets runs the terraform CLI as a user does — the provider built as a
// binary and installed with dev_overrides — with TF_LOG=TRACE, and checks that the instance's
// password appears nowhere in what terraform prints, while the provider's progress does.
func TestAccCLITraceLogHasNoSecrets(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must point at the terraform binary")
	}
	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-appcat"), "github.com/vshn/terraform-provider-appcat")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	writeFile(t, cliConfig, fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/vshn/appcat" = %q
  }
  direct {}
}
`, pluginDir))
	ns, name := testNamespace(t), randomName("pg")
	workDir := filepath.Join(dir, "work")
	writeFile(t, filepath.Join(workDir, "main.tf"), fmt.Sprintf(`
terraform {
  required_providers {
    appcat = { source = "vshn/appcat" }
  }
}
%s
resource "appcat_postgresql" "db" {
  name                = %q
  deletion_protection = false
}

output "password" {
  value     = appcat_postgresql.db.connection_details.password
  sensitive = true
}
`, adminProvider(ns), name))

	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(terraform, args...)
		cmd.Dir = workDir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "TF_LOG=TRACE", "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, tail(out))
		}
		return string(out)
	}
	applyLog := run("apply", "-auto-approve", "-no-color")
	t.Cleanup(func() { run("destroy", "-auto-approve", "-no-color") })

	secret, err := adminClientset(t).CoreV1().Secrets(ns).Get(context.Background(), name+"-connection", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the connection secret: %v", err)
	}
	password := string(secret.Data["POSTGRESQL_PASSWORD"])
	if len(password) < 8 {
		t.Fatalf("the platform's password is implausibly short (%d characters)", len(password))
	}
	if !strings.Contains(applyLog, "Apply complete!") {
		t.Fatalf("apply did not complete:\n%s", tail([]byte(applyLog)))
	}
	if !strings.Contains(applyLog, "waiting for VSHNPostgreSQL "+ns+"/"+name+" to become ready") {
		t.Errorf("the provider's progress is not in the log")
	}
	refreshLog := run("plan", "-no-color", "-detailed-exitcode")
	for what, log := range map[string]string{"apply": applyLog, "plan": refreshLog} {
		if strings.Contains(log, password) {
			t.Errorf("the instance password appears in the TF_LOG=TRACE output of terraform %s", what)
		}
	}
	// The password is in the state, where the user can get it deliberately.
	if got := strings.TrimSpace(runQuiet(t, terraform, workDir, cliConfig, "output", "-raw", "password")); got != password {
		t.Errorf("terraform output -raw password does not give the platform's password")
	}
}

func runQuiet(t *testing.T, terraform, dir, cliConfig string, args ...string) string {
	t.Helper()
	cmd := exec.Command(terraform, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
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
