package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestAccCLITraceLogHasNoSecrets runs the terraform CLI as a user does — the provider built as a
// binary and installed with dev_overrides — with TF_LOG=TRACE, and checks that the instance's
// password appears nowhere in what terraform prints, while the provider's progress does.
func TestAccCLITraceLogHasNoSecrets(t *testing.T) {
	ns, name := testNamespace(t), randomName("pg")
	cli := newTerraformCLI(t, adminProvider(ns)+fmt.Sprintf(`
resource "appcat_postgresql" "db" {
  name                = %q
  deletion_protection = false
}

output "password" {
  value     = appcat_postgresql.db.connection_details.password
  sensitive = true
}
`, name), "TF_LOG=TRACE")

	applyLog := cli.run("apply", "-auto-approve", "-no-color")
	t.Cleanup(func() { cli.run("destroy", "-auto-approve", "-no-color") })

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
	planLog := cli.run("plan", "-no-color")
	for what, log := range map[string]string{"apply": applyLog, "plan": planLog} {
		if strings.Contains(log, password) {
			t.Errorf("the instance password appears in the TF_LOG=TRACE output of terraform %s", what)
		}
	}
	// The password is in the state, where the user gets it deliberately.
	if got := cli.runEnv([]string{"TF_LOG="}, "output", "-raw", "password"); got != password {
		t.Errorf("terraform output -raw password does not give the platform's password")
	}

	// Each value of connection_details is sensitive through the object (the nested attributes
	// carry no mark of their own, see connectionAttributes): an output of one that is not
	// marked sensitive is refused.
	leak := filepath.Join(cli.dir, "leak.tf")
	writeFile(t, leak, `output "leak" { value = appcat_postgresql.db.connection_details.password }`)
	out, err := cli.runErr([]string{"TF_LOG="}, "plan", "-no-color")
	if err == nil || !strings.Contains(out, "Output refers to sensitive values") {
		t.Errorf("an output of connection_details.password without sensitive = true was not refused (%v):\n%s", err, tail([]byte(out)))
	}
	if err := os.Remove(leak); err != nil {
		t.Fatal(err)
	}
}
