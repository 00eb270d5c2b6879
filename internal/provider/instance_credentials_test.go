package provider

import (
	"context"
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
)

// store_credentials = false on the instance resources, checked as a user would: the instance is
// ready and its connection Secret complete on the platform, a client gets the credentials through
// appcat_connection, and none of the Secret's secret values or certificates is in the state or
// in a plan; switching it on and off changes the state in place and nothing on the platform.

// instanceSecretValues are the values of an instance's connection Secret that store_credentials =
// false keeps out of Terraform (those of its keys the kind writes), keyed by what they are, as
// read from the platform; with the Secret's UID and the claim's generation, which the switches
// must keep.
func (k accKind) instanceSecretValues(ctx context.Context, t *testing.T, ns, name string) (map[string]string, k8stypes.UID, int64, error) {
	claim, err := getClaim(ctx, adminDynamic(t), k.api, ns, name)
	if err != nil {
		return nil, "", 0, err
	}
	s, err := adminClientset(t).CoreV1().Secrets(ns).Get(ctx, name+"-connection", metav1.GetOptions{})
	if err != nil {
		return nil, "", 0, err
	}
	keys := k.api.Connection
	values := map[string]string{}
	for what, key := range map[string]string{
		"password": keys.Password, "URL": keys.URL, "CA certificate": keys.CA,
		"client certificate": keys.ClientCertificate, "client key": keys.ClientKey, "S3 secret key": keys.SecretAccessKey,
	} {
		if key == "" {
			continue
		}
		v := string(s.Data[key])
		if len(v) < 16 {
			return nil, "", 0, fmt.Errorf("the instance's %s (%s) %q is too short to look for", what, key, v)
		}
		values[what] = v
	}
	if values["password"] == "" {
		return nil, "", 0, fmt.Errorf("%s writes no password: nothing to keep out of the state", k.displayName)
	}
	return values, s.UID, claim.GetGeneration(), nil
}

// credentialsOutOfState runs the store_credentials scenario on one instance of the kind.
func (k accKind) credentialsOutOfState(t *testing.T) {
	ns, name := testNamespace(t), k.name()
	addr := k.addr()
	instance := func(store string) string {
		return adminProvider(ns) + k.resource(name, "deletion_protection = false", "store_credentials = "+store)
	}
	// config adds a client that gets the credentials through appcat_connection — the echo
	// provider stands in for a database provider. The instance ID, known at plan time, is taken
	// only once connection_details.host is known (the idiom of the ephemeral resource's docs), so
	// Terraform opens it during the apply that creates the instance, after it is ready.
	config := func(store string) string {
		return instance(store) + fmt.Sprintf(`
ephemeral "appcat_connection" "admin" {
  kind        = %q
  instance_id = %s.connection_details.host != "" ? %s.id : null
}

provider "echo" {
  data = {
    host            = %s.connection_details.host
    password_sha256 = sha256(ephemeral.appcat_connection.admin.password)
  }
}

resource "echo" "client" {}
`, k.kindName(), addr, addr, addr)
	}
	connection := func(attr string, check knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New("connection_details").AtMapKey(attr), check)
	}
	secretsOf := func() (map[string]string, error) {
		values, _, _, err := k.instanceSecretValues(context.Background(), t, ns, name)
		return values, err
	}
	noSecretInState := userStateCheck(func(req statecheck.CheckStateRequest) error {
		values, err := secretsOf()
		if err != nil {
			return err
		}
		return nothingSecretIn(values)(req)
	})
	noSecretInPlan := userPlanCheck(func(req plancheck.CheckPlanRequest) error {
		values, err := secretsOf()
		if err != nil {
			return err
		}
		return nothingSecretInPlan(values)(req)
	})
	withoutCredentials := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("store_credentials"), knownvalue.Bool(false)),
		connection("host", knownvalue.StringRegexp(regexp.MustCompile(`\S`))),
		connection("port", knownvalue.NotNull()),
		noSecretInState,
	}
	for _, attr := range instanceSecretAttributes {
		withoutCredentials = append(withoutCredentials, connection(attr, knownvalue.Null()))
	}

	// The Secret and the claim as first seen: the switches must change neither.
	var (
		uid        k8stypes.UID
		generation int64
		password   string
	)
	samePlatform := platformCheck(func(ctx context.Context) error {
		values, u, g, err := k.instanceSecretValues(ctx, t, ns, name)
		if err != nil {
			return err
		}
		if uid == "" {
			uid, generation, password = u, g, values["password"]
			return nil
		}
		if u != uid || values["password"] != password || g != generation {
			return fmt.Errorf("the switch reached the platform: Secret %s → %s, claim generation %d → %d, password changed %t",
				uid, u, generation, g, values["password"] != password)
		}
		return nil
	})
	// clientGotPassword: the ephemeral resource passed the instance's password on to the client.
	clientGotPassword := userStateCheck(func(req statecheck.CheckStateRequest) error {
		values, err := secretsOf()
		if err != nil {
			return err
		}
		data, _ := stateValuesOfType(req, "echo")["echo.client"]["data"].(map[string]any)
		if data["password_sha256"] != sha256Hex(values["password"]) {
			return fmt.Errorf("the client did not get the instance's password")
		}
		return nil
	})
	emptyPlanWithoutSecrets := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
		plancheck.ExpectEmptyPlan(), noSecretInPlan,
	}}
	importID := ns + "/" + name + "?store_credentials=false"

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{needEphemeralResources},
		PreCheck:               func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"appcat": testAccProtoV6ProviderFactories["appcat"],
			"echo":   echoprovider.NewProviderServer(),
		},
		CheckDestroy: k.claimsGone(t),
		Steps: []resource.TestStep{
			// Created without its credentials in the state; the refresh after the apply reads none
			// into it either (an empty plan whose prior state holds no secret).
			{
				Config:            config("false"),
				ConfigStateChecks: slices.Concat(withoutCredentials, []statecheck.StateCheck{samePlatform, clientGotPassword}),
				ConfigPlanChecks:  emptyPlanWithoutSecrets,
			},
			// Switched on, in place: the state gets the credentials of the same instance.
			{
				Config: config("true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("store_credentials"), knownvalue.Bool(true)),
					samePlatform,
					userStateCheck(func(req statecheck.CheckStateRequest) error {
						values, err := secretsOf()
						if err != nil {
							return err
						}
						for what, v := range values {
							if found, err := stateContainsString(req, v); err != nil || !found {
								return fmt.Errorf("the state lacks the instance's %s (%v)", what, err)
							}
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
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("connection_details").AtMapKey("ca_certificate"), knownvalue.Null()),
					},
					PostApplyPostRefresh: emptyPlanWithoutSecrets.PostApplyPostRefresh,
				},
				ConfigStateChecks: slices.Concat(withoutCredentials, []statecheck.StateCheck{samePlatform, clientGotPassword}),
			},
			// Import with ?store_credentials=false reads no credentials either, and matches the state.
			// (Terraform imports without the client: a provider configured from an ephemeral value
			// that depends on a resource cannot be configured during an import.)
			{
				Config: instance("false"), ResourceName: addr, ImportState: true,
				ImportStateId: importID, ImportStateVerify: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					values, err := secretsOf()
					if err != nil {
						return err
					}
					for _, s := range states {
						for key, v := range s.Attributes {
							for what, secret := range values {
								if strings.Contains(v, secret) {
									return fmt.Errorf("the imported %s holds the instance's %s", key, what)
								}
							}
						}
					}
					return nil
				},
			},
			{
				Config: instance("false"), ResourceName: addr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithID, ImportStateId: importID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{noSecretInPlan}},
			},
			{
				Config: instance("false"), ResourceName: addr, ImportState: true,
				ImportStateId: ns + "/" + name + "?store_credentials=no",
				ExpectError:   regexp.MustCompile(`Unknown option "store_credentials=no"`),
			},
			// Back to the configuration with the client (destroy uses the last one): still no change.
			{Config: config("false"), PlanOnly: true},
		},
	})
}

func TestAccInstanceCredentialsOutOfState(t *testing.T) {
	// PostgreSQL: password, URL and CA certificate; Redis: also a client certificate and key.
	for _, k := range []accKind{pgAcc, redisAcc} {
		t.Run(k.kindName(), func(t *testing.T) { k.credentialsOutOfState(t) })
	}
}
