package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// store_credentials = false on appcat_database_user, checked as a user would: the user and its
// Secret exist on the platform, its credentials reach a client through appcat_connection, and
// none of the Secret's secret values is in the state or in a plan.

// userSecretValues are the values of a user's Secret that store_credentials = false keeps out of
// Terraform, keyed by what they are, as read from the platform.
func userSecretValues(ctx context.Context, t *testing.T, ns, secretName string) (map[string]string, k8stypes.UID, error) {
	s, err := adminClientset(t).CoreV1().Secrets(ns).Get(ctx, secretName, metav1.GetOptions{})
	if err != nil {
		return nil, "", err
	}
	spec, _ := appcat.AccessSecretOf(appcat.PostgreSQL)
	values := map[string]string{
		"password":       string(s.Data[spec.Connection.Password]),
		"URL":            string(s.Data[spec.Connection.URL]),
		"CA certificate": string(s.Data[spec.Connection.CA]),
	}
	for what, v := range values {
		if len(v) < 16 {
			return nil, "", fmt.Errorf("the user's %s %q is too short to look for", what, v)
		}
	}
	return values, s.UID, nil
}

// noUserSecretInState fails when a secret value of the user's Secret is anywhere in the state.
func noUserSecretInState(t *testing.T, ns, secretName string) userStateCheck {
	return func(req statecheck.CheckStateRequest) error {
		values, _, err := userSecretValues(context.Background(), t, ns, secretName)
		if err != nil {
			return err
		}
		return nothingSecretIn(values)(req)
	}
}

// noUserSecretInPlan fails when a secret value of the user's Secret is anywhere in the plan, the
// prior state it was planned from included.
func noUserSecretInPlan(t *testing.T, ns, secretName string) userPlanCheck {
	return func(req plancheck.CheckPlanRequest) error {
		values, _, err := userSecretValues(context.Background(), t, ns, secretName)
		if err != nil {
			return err
		}
		return nothingSecretInPlan(values)(req)
	}
}

// noUserSecretInPlannedValues is noUserSecretInPlan for the planned values only: when
// store_credentials is switched off, the prior state still holds the credentials.
func noUserSecretInPlannedValues(t *testing.T, ns, secretName string) userPlanCheck {
	return func(req plancheck.CheckPlanRequest) error {
		values, _, err := userSecretValues(context.Background(), t, ns, secretName)
		if err != nil {
			return err
		}
		raw, err := json.Marshal(req.Plan.PlannedValues)
		if err != nil {
			return err
		}
		for what, s := range values {
			if strings.Contains(string(raw), jsonText(s)) {
				return fmt.Errorf("the user's %s is in the planned values", what)
			}
		}
		return nil
	}
}

func TestAccDatabaseUserCredentialsOutOfState(t *testing.T) {
	ns, name := testNamespace(t), randomName("nocreds")
	secretName := name + "-app"
	const addr = "appcat_database_user.app"
	user := func(store string) string {
		// The instance keeps its own credentials out of the state too: its CA certificate is the
		// user's, which the checks look for.
		return adminProvider(ns) + userTestPostgreSQL(name, "store_credentials = false") + fmt.Sprintf(`
resource "appcat_database_user" "app" {
  kind              = "postgresql"
  instance_id       = appcat_postgresql.db.id
  user              = "app"
  store_credentials = %s
}
`, store)
	}
	// config adds a client that gets the user's credentials through appcat_connection — the echo
	// provider stands in for a postgresql provider. Referring to connection_details.username,
	// which the state keeps, makes Terraform open it once the user exists.
	config := func(store string) string {
		return user(store) + `
ephemeral "appcat_connection" "app" {
  kind        = "postgresql"
  instance_id = appcat_postgresql.db.id
  user        = appcat_database_user.app.connection_details.username
}

provider "echo" {
  data = {
    username        = ephemeral.appcat_connection.app.username
    password_sha256 = sha256(ephemeral.appcat_connection.app.password)
  }
}

resource "echo" "client" {}
`
	}
	connection := func(attr string, check knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New("connection_details").AtMapKey(attr), check)
	}
	withoutCredentials := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("store_credentials"), knownvalue.Bool(false)),
		connection("password", knownvalue.Null()),
		connection("url", knownvalue.Null()),
		connection("ca_certificate", knownvalue.Null()),
		connection("username", knownvalue.StringExact("app")),
		connection("database", knownvalue.StringExact("app")),
		connection("port", knownvalue.Int64Exact(5432)),
		connection("host", knownvalue.StringRegexp(regexp.MustCompile(`^postgresql-rw\.`))),
		noUserSecretInState(t, ns, secretName),
	}

	// The user's Secret as first written: the switches must keep it, and its password.
	var (
		uid      k8stypes.UID
		password string
	)
	sameSecret := platformCheck(func(ctx context.Context) error {
		values, u, err := userSecretValues(ctx, t, ns, secretName)
		if err != nil {
			return err
		}
		if uid == "" {
			uid, password = u, values["password"]
			return nil
		}
		if u != uid || values["password"] != password {
			return fmt.Errorf("the user's Secret was replaced or its password changed")
		}
		return nil
	})
	// clientGotPassword: the ephemeral resource passed the user's password on to the client.
	clientGotPassword := userStateCheck(func(req statecheck.CheckStateRequest) error {
		values, _, err := userSecretValues(context.Background(), t, ns, secretName)
		if err != nil {
			return err
		}
		data, _ := stateValuesOfType(req, "echo")["echo.client"]["data"].(map[string]any)
		if data["username"] != "app" || data["password_sha256"] != sha256Hex(values["password"]) {
			return fmt.Errorf("the client got username %v and a password that is not the user's", data["username"])
		}
		return nil
	})
	emptyPlanWithoutSecrets := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
		plancheck.ExpectEmptyPlan(),
		noUserSecretInPlan(t, ns, secretName),
	}}
	importID := ns + "/" + name + "/app?store_credentials=false"

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{needEphemeralResources},
		PreCheck:               func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"appcat": testAccProtoV6ProviderFactories["appcat"],
			"echo":   echoprovider.NewProviderServer(),
		},
		CheckDestroy: pgAcc.claimsGone(t),
		Steps: []resource.TestStep{
			// Created without its credentials in the state; the refresh after the apply reads none
			// into it either (an empty plan whose prior state holds no secret).
			{
				Config:            config("false"),
				ConfigStateChecks: slices.Concat(withoutCredentials, []statecheck.StateCheck{sameSecret, clientGotPassword}),
				ConfigPlanChecks:  emptyPlanWithoutSecrets,
			},
			// Switched on, in place: the state gets the credentials of the same user.
			{
				Config: config("true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("store_credentials"), knownvalue.Bool(true)),
					connection("ca_certificate", knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`))),
					sameSecret,
					userStateCheck(func(req statecheck.CheckStateRequest) error {
						conn, _ := stateValuesOfType(req, "appcat_database_user")[addr]["connection_details"].(map[string]any)
						if conn["password"] != password || !strings.Contains(fmt.Sprint(conn["url"]), password) {
							return fmt.Errorf("connection_details lacks the user's password")
						}
						return nil
					}),
					clientGotPassword,
				},
			},
			// Switched off, in place: the plan already shows the credentials gone, and they are.
			{
				Config: config("false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("connection_details").AtMapKey("password"), knownvalue.Null()),
						noUserSecretInPlannedValues(t, ns, secretName),
					},
					PostApplyPostRefresh: emptyPlanWithoutSecrets.PostApplyPostRefresh,
				},
				ConfigStateChecks: slices.Concat(withoutCredentials, []statecheck.StateCheck{sameSecret, clientGotPassword}),
			},
			// Import with ?store_credentials=false reads no credentials either, and matches the state.
			// (Terraform imports without the client: a provider configured from an ephemeral value
			// that depends on a resource cannot be configured during an import.)
			{
				Config: user("false"), ResourceName: addr, ImportState: true,
				ImportStateId: importID, ImportStateVerify: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					values, _, err := userSecretValues(context.Background(), t, ns, secretName)
					if err != nil {
						return err
					}
					for _, s := range states {
						for key, v := range s.Attributes {
							for what, secret := range values {
								if strings.Contains(v, secret) {
									return fmt.Errorf("the imported %s holds the user's %s", key, what)
								}
							}
						}
					}
					return nil
				},
			},
			{
				Config: user("false"), ResourceName: addr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithID, ImportStateId: importID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{noUserSecretInPlan(t, ns, secretName)}},
			},
			{
				Config: user("false"), ResourceName: addr, ImportState: true,
				ImportStateId: ns + "/" + name + "/app?store_credentials=no",
				ExpectError:   regexp.MustCompile(`Unknown option "store_credentials=no"`),
			},
			// Back to the configuration with the client (destroy uses the last one): still no change.
			{Config: config("false"), PlanOnly: true},
		},
	})
}
