package provider

import (
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
)

// storeCredentialsScenario is the store_credentials test that the instance resources and
// appcat_database_user share, checked as a user would: created with store_credentials = false,
// switched on and off again in place, imported with ?store_credentials=false; a client gets the
// credentials through appcat_connection throughout, and with false none of the secret values is
// in the state or in a plan.
type storeCredentialsScenario struct {
	addr string
	// bare is the configuration with store_credentials = store; withClient adds a client (the
	// echo provider) that gets the credentials through appcat_connection. Imports use bare: a
	// provider configured from an ephemeral value that depends on a resource cannot be
	// configured during an import.
	bare, withClient func(store string) string
	// importID ends in ?store_credentials=false.
	importID string
	// secrets reads what store_credentials = false keeps out of Terraform from the platform,
	// keyed by what it is.
	secrets func() (map[string]string, error)
	// withoutCredentials checks the state with store_credentials = false, beyond the absence of
	// the secrets: what stays (host, port, ...) and what is null.
	withoutCredentials []statecheck.StateCheck
	// unchanged checks that the platform kept what the switches must not change (the Secret, its
	// password, the claim); clientGotCredentials that the client got them.
	unchanged, clientGotCredentials statecheck.StateCheck
	// destroyed is the test case's CheckDestroy.
	destroyed resource.TestCheckFunc
}

func (s storeCredentialsScenario) run(t *testing.T) {
	noSecretInState := userStateCheck(func(req statecheck.CheckStateRequest) error {
		values, err := s.secrets()
		if err != nil {
			return err
		}
		return nothingSecretIn(values)(req)
	})
	everySecretInState := userStateCheck(func(req statecheck.CheckStateRequest) error {
		values, err := s.secrets()
		if err != nil {
			return err
		}
		for what, v := range values {
			if found, err := stateContainsString(req, v); err != nil || !found {
				return fmt.Errorf("the state lacks the %s (%v)", what, err)
			}
		}
		return nil
	})
	noSecretInPlan := userPlanCheck(func(req plancheck.CheckPlanRequest) error {
		values, err := s.secrets()
		if err != nil {
			return err
		}
		return nothingSecretInPlan(values)(req)
	})
	// noSecretInPlannedValues is noSecretInPlan for the planned values only: when
	// store_credentials is switched off, the prior state still holds the credentials.
	noSecretInPlannedValues := userPlanCheck(func(req plancheck.CheckPlanRequest) error {
		values, err := s.secrets()
		if err != nil {
			return err
		}
		return secretsAbsent(req.Plan.PlannedValues, values, "planned values")
	})
	without := slices.Concat(s.withoutCredentials, []statecheck.StateCheck{
		statecheck.ExpectKnownValue(s.addr, tfjsonpath.New("store_credentials"), knownvalue.Bool(false)),
		noSecretInState, s.unchanged, s.clientGotCredentials,
	})
	emptyPlanWithoutSecrets := []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), noSecretInPlan}

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{needEphemeralResources},
		PreCheck:               func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"appcat": testAccProtoV6ProviderFactories["appcat"],
			"echo":   echoprovider.NewProviderServer(),
		},
		CheckDestroy: s.destroyed,
		Steps: []resource.TestStep{
			// Created without the credentials in the state; the refresh after the apply reads none
			// into it either (an empty plan whose prior state holds no secret).
			{
				Config:            s.withClient("false"),
				ConfigStateChecks: without,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: emptyPlanWithoutSecrets},
			},
			// Switched on, in place: the state gets the credentials, the same as before.
			{
				Config: s.withClient("true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(s.addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(s.addr, tfjsonpath.New("store_credentials"), knownvalue.Bool(true)),
					everySecretInState, s.unchanged, s.clientGotCredentials,
				},
			},
			// Switched off, in place: the plan already shows the credentials gone, and they are.
			{
				Config: s.withClient("false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(s.addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(s.addr, tfjsonpath.New("connection_details").AtMapKey("password"), knownvalue.Null()),
						noSecretInPlannedValues,
					},
					PostApplyPostRefresh: emptyPlanWithoutSecrets,
				},
				ConfigStateChecks: without,
			},
			// Import with ?store_credentials=false reads no credentials either, and matches the state.
			{
				Config: s.bare("false"), ResourceName: s.addr, ImportState: true,
				ImportStateId: s.importID, ImportStateVerify: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					values, err := s.secrets()
					if err != nil {
						return err
					}
					for _, state := range states {
						for key, v := range state.Attributes {
							for what, secret := range values {
								if strings.Contains(v, secret) {
									return fmt.Errorf("the imported %s holds the %s", key, what)
								}
							}
						}
					}
					return nil
				},
			},
			{
				Config: s.bare("false"), ResourceName: s.addr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithID, ImportStateId: s.importID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{noSecretInPlan}},
			},
			{
				Config: s.bare("false"), ResourceName: s.addr, ImportState: true,
				ImportStateId: strings.Replace(s.importID, "store_credentials=false", "store_credentials=no", 1),
				ExpectError:   regexp.MustCompile(`Unknown option "store_credentials=no"`),
			},
			// Back to the configuration with the client (destroy uses the last one): still no change.
			{Config: s.withClient("false"), PlanOnly: true},
		},
	})
}
