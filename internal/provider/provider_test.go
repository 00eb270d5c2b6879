package provider

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// Acceptance tests run the real terraform binary (TF_ACC_TERRAFORM_PATH) with the provider in
// process, against the local AppCat platform that TestMain starts for this test binary.

// testAccProtoV6ProviderFactories serves the provider in process for terraform-plugin-testing.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"appcat": func() (tfprotov6.ProviderServer, error) { return NewServer("test")(), nil },
}

// failNamePattern makes the local platform fail provisioning of claims whose name matches.
const failNamePattern = "^fail-"

func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") == "" {
		// Unit tests only: there is no platform, so the acceptance tests (TestAcc…) are skipped
		// here rather than each on its own, before anything reaches for the platform.
		flag.Parse()
		if f := flag.Lookup("test.skip"); f != nil && f.Value.String() == "" {
			_ = f.Value.Set("^TestAcc")
		}
		os.Exit(m.Run())
	}
	if err := prepareCLIEnv(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	platformtest.Main(m)
}

var setupOnce = sync.OnceValue(setupAcceptancePlatform)

// testAccPreCheck is every acceptance test's PreCheck.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	if err := setupOnce(); err != nil {
		t.Fatalf("setting up the acceptance test platform: %v", err)
	}
}

// setupAcceptancePlatform turns on the platform's fault knob. Tests configure the provider with
// provider blocks (adminProvider), never through the environment, so that each test says which
// credentials it uses.
func setupAcceptancePlatform() error {
	p := platformtest.Platform()
	cs, err := kubernetes.NewForConfig(p.AdminConfig())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cm, err := cs.CoreV1().ConfigMaps("appcat-system").Get(ctx, "platform-config", metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("reading the platform config: %w", err)
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	cm.Data["failNamePattern"] = failNamePattern
	_, err = cs.CoreV1().ConfigMaps("appcat-system").Update(ctx, cm, metav1.UpdateOptions{})
	return err
}

// testNamespace creates a namespace of its own for one test, so tests running in parallel never
// see each other's claims.
func testNamespace(t testing.TB) string {
	t.Helper()
	skipWithoutPlatform(t)
	cs := adminClientset(t)
	name := fmt.Sprintf("acc-%d", rand.IntN(1_000_000_000))
	_, err := cs.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
	return name
}

// customerNamespace is testNamespace granted to the platform's customer (appcat-user, the
// provider's "user" context), for tests that run as the customer. Granting it is the platform
// operator's part, done as the admin: a customer may neither create namespaces nor bind roles.
func customerNamespace(t testing.TB) string {
	t.Helper()
	ns := testNamespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := platformtest.Platform().GrantNamespace(ctx, ns); err != nil {
		t.Fatalf("granting namespace %s to the customer: %v", ns, err)
	}
	return ns
}

// skipWithoutPlatform skips an acceptance test when TF_ACC is not set: there is no platform then.
func skipWithoutPlatform(t testing.TB) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it against the local platform")
	}
}

func adminClientset(t testing.TB) kubernetes.Interface {
	t.Helper()
	skipWithoutPlatform(t)
	cs, err := kubernetes.NewForConfig(platformtest.Platform().AdminConfig())
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// customerClientset acts as the platform's customer (appcat-user), e.g. to change something
// outside Terraform as the customer would with kubectl.
func customerClientset(t testing.TB) kubernetes.Interface {
	t.Helper()
	skipWithoutPlatform(t)
	cs, err := kubernetes.NewForConfig(platformtest.Platform().UserConfig())
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// randomName returns a claim name with the given prefix.
func randomName(prefix string) string {
	return fmt.Sprintf("%s-%05d", prefix, rand.IntN(100000))
}
