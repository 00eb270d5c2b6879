package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/memory"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/platformtest"
)

// Acceptance tests of appcat_database_user against the local platform, checked the way a user
// would: the claim's access list and status, and the per-user secrets, read with client-go.

// userSecret is a per-user secret as read from the platform.
type userSecret struct {
	uid      types.UID
	user     string
	password string
	database string
}

// readUserSecret reads a secret of the claim's namespace with client-go.
func readUserSecret(ctx context.Context, t *testing.T, ns, name string, kind appcat.Kind) (userSecret, error) {
	s, err := adminClientset(t).CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return userSecret{}, err
	}
	spec, _ := appcat.AccessSecretOf(kind)
	if missing := appcat.MissingKeys(s.Data, spec.Keys); len(missing) > 0 {
		return userSecret{}, fmt.Errorf("secret %s/%s lacks %v", ns, name, missing)
	}
	c := spec.Connection
	return userSecret{uid: s.UID, user: string(s.Data[c.Username]), password: string(s.Data[c.Password]), database: string(s.Data[c.Database])}, nil
}

// accessOf reads the claim's access list and status with client-go (through appcat's decoding).
func accessOf(ctx context.Context, t *testing.T, kind appcat.Kind, ns, name string) (*appcat.AccessView, error) {
	c, err := appcat.New(platformtest.Platform().AdminConfig(), appcat.Options{})
	if err != nil {
		return nil, err
	}
	return c.GetAccess(ctx, kind, ns, name, appcat.Exact)
}

// platformUsers reads what the platform did with a claim's access list, as its memory records
// it (package memory): the users provisioned and the roles kept after a removal.
func platformUsers(ctx context.Context, t *testing.T, kind appcat.Kind, ns, name string) ([]memory.ProvisionedUser, []memory.RetainedRole, error) {
	u, err := getClaim(ctx, adminDynamic(t), kind, ns, name)
	if err != nil {
		return nil, nil, err
	}
	return memory.Users(claimMemory(t, u))
}

func usersOf(v *appcat.AccessView) []string {
	var out []string
	for _, e := range v.Users {
		out = append(out, e.User)
	}
	slices.Sort(out)
	return out
}

// stateValuesOfType returns the attribute values of every resource instance of the given type in the
// state, keyed by address.
func stateValuesOfType(req statecheck.CheckStateRequest, resourceType string) map[string]map[string]any {
	out := map[string]map[string]any{}
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		return out
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Type == resourceType {
			out[r.Address] = r.AttributeValues
		}
	}
	return out
}

// userStateCheck is a statecheck from a function.
type userStateCheck func(req statecheck.CheckStateRequest) error

func (c userStateCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c(req)
}

// stateContainsString tells whether the secret appears anywhere in the state as
// `terraform show -json` gives it (sensitive values included).
func stateContainsString(req statecheck.CheckStateRequest, secret string) (bool, error) {
	what, err := firstSecretIn(req.State, map[string]string{"secret": secret})
	return what != "", err
}

// secretsAbsent fails, naming the secret and where, when v (a state or a plan) contains any of
// the secrets.
func secretsAbsent(v any, secrets map[string]string, where string) error {
	what, err := firstSecretIn(v, secrets)
	if err == nil && what != "" {
		err = fmt.Errorf("the %s is in the %s", what, where)
	}
	return err
}

// firstSecretIn names the first of the secrets that v contains, marshalled as JSON (a state or a
// plan as `terraform show -json` gives it); "" when none.
func firstSecretIn(v any, secrets map[string]string) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	for what, s := range secrets {
		if strings.Contains(string(raw), jsonText(s)) {
			return what, nil
		}
	}
	return "", nil
}

// jsonText is s as it appears inside a JSON string that json.Marshal wrote: a certificate's line
// breaks are "\n" there, so looking for the raw value would never find it.
func jsonText(s string) string {
	quoted, _ := json.Marshal(s)
	return string(quoted[1 : len(quoted)-1])
}

func dbUserConfig(ns, instanceBlock, users string) string {
	return adminProvider(ns) + instanceBlock + users
}

func userTestPostgreSQL(name string, lines ...string) string {
	return fmt.Sprintf(`
resource "appcat_postgresql" "db" {
  name                = %q
  deletion_protection = false
  %s
}
`, name, strings.Join(lines, "\n  "))
}

func userTestMariaDB(name string, lines ...string) string {
	return fmt.Sprintf(`
resource "appcat_mariadb" "db" {
  name                = %q
  deletion_protection = false
  %s
}
`, name, strings.Join(lines, "\n  "))
}

func countUsers(kind, instanceRef string, n int) string {
	return fmt.Sprintf(`
resource "appcat_database_user" "u" {
  count       = %d
  kind        = %q
  instance_id = %s.id
  user        = "app${count.index}"
}
`, n, kind, instanceRef)
}

func userAddr(i int) string { return fmt.Sprintf("appcat_database_user.u[%d]", i) }

func dbUserTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
		CheckDestroy:             pgAcc.claimsGone(t),
	})
}

func TestAccDatabaseUserTenUsersOneApply(t *testing.T) {
	ns, name := testNamespace(t), randomName("users")
	var all []string
	for i := range 10 {
		all = append(all, fmt.Sprintf("app%d", i))
	}
	nine := all[:9]

	// secrets remembers each user's secret after the first apply.
	var mu sync.Mutex
	secrets := map[string]userSecret{}

	usersLanded := platformCheck(func(ctx context.Context) error {
		v, err := accessOf(ctx, t, appcat.PostgreSQL, ns, name)
		if err != nil {
			return err
		}
		if got := usersOf(v); !slices.Equal(got, all) {
			return fmt.Errorf("claim's access list = %v, want all ten %v", got, all)
		}
		provisioned, _, err := platformUsers(ctx, t, appcat.PostgreSQL, ns, name)
		if err != nil {
			return err
		}
		if len(provisioned) != 10 {
			return fmt.Errorf("the platform provisioned %d users, want 10", len(provisioned))
		}
		passwords := map[string]bool{}
		mu.Lock()
		defer mu.Unlock()
		for _, u := range all {
			s, err := readUserSecret(ctx, t, ns, name+"-"+u, appcat.PostgreSQL)
			if err != nil {
				return fmt.Errorf("user %s: %w", u, err)
			}
			if s.user != u || s.database != u {
				return fmt.Errorf("secret of %s holds user %q, database %q", u, s.user, s.database)
			}
			passwords[s.password] = true
			secrets[u] = s
		}
		if len(passwords) != 10 {
			return fmt.Errorf("the ten users have %d distinct passwords", len(passwords))
		}
		return nil
	})
	stateMatchesSecrets := userStateCheck(func(req statecheck.CheckStateRequest) error {
		mu.Lock()
		defer mu.Unlock()
		values := stateValuesOfType(req, "appcat_database_user")
		if len(values) != 10 {
			return fmt.Errorf("%d users in the state, want 10", len(values))
		}
		for i, u := range all {
			v := values[userAddr(i)]
			conn, _ := v["connection_details"].(map[string]any)
			if conn == nil || conn["password"] != secrets[u].password || conn["username"] != u {
				return fmt.Errorf("state of %s does not hold the credentials of its secret", u)
			}
		}
		// The check that the ephemeral resource's test relies on can see a password in the state.
		if found, err := stateContainsString(req, secrets["app0"].password); err != nil || !found {
			return fmt.Errorf("stateContainsString did not find a password that is in the state (err %v)", err)
		}
		return nil
	})

	config := dbUserConfig(ns, userTestPostgreSQL(name), countUsers("postgresql", "appcat_postgresql.db", 10))
	configNine := dbUserConfig(ns, userTestPostgreSQL(name), countUsers("postgresql", "appcat_postgresql.db", 9))
	dbUserTest(t,
		resource.TestStep{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				usersLanded,
				stateMatchesSecrets,
				claimConverged(t, appcat.PostgreSQL, ns, name),
				statecheck.ExpectKnownValue(userAddr(3), tfjsonpath.New("id"), knownvalue.StringExact(ns+"/"+name+"/app3")),
				statecheck.ExpectKnownValue(userAddr(3), tfjsonpath.New("database"), knownvalue.StringExact("app3")),
				statecheck.ExpectKnownValue(userAddr(3), tfjsonpath.New("connection_secret_name"), knownvalue.StringExact(name+"-app3")),
				statecheck.ExpectKnownValue(userAddr(3), tfjsonpath.New("privileges"), knownvalue.Null()),
				statecheck.ExpectKnownValue(userAddr(3), tfjsonpath.New("connection_details").AtMapKey("port"), knownvalue.Int64Exact(5432)),
				statecheck.ExpectKnownValue(userAddr(3), tfjsonpath.New("connection_details").AtMapKey("database"), knownvalue.StringExact("app3")),
				statecheck.ExpectKnownValue(userAddr(3), tfjsonpath.New("connection_details").AtMapKey("host"),
					knownvalue.StringRegexp(regexp.MustCompile(`^postgresql-rw\.vshn-postgresql-`+name+`-[a-z]{5}\.svc\.cluster\.local$`))),
				statecheck.ExpectKnownValue(userAddr(3), tfjsonpath.New("connection_details").AtMapKey("url"),
					knownvalue.StringRegexp(regexp.MustCompile(`^postgresql://app3:[A-Za-z0-9]+@postgresql-rw\..+:5432/app3$`))),
				statecheck.ExpectKnownValue(userAddr(3), tfjsonpath.New("connection_details").AtMapKey("ca_certificate"),
					knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`))),
			},
		},
		// Nothing changed: the next plan is empty.
		resource.TestStep{Config: config, PlanOnly: true},
		// Destroying one user leaves the nine others as they are.
		resource.TestStep{
			Config: configNine,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr(9), plancheck.ResourceActionDestroy),
				plancheck.ExpectResourceAction(userAddr(4), plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction("appcat_postgresql.db", plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: []statecheck.StateCheck{platformCheck(func(ctx context.Context) error {
				v, err := accessOf(ctx, t, appcat.PostgreSQL, ns, name)
				if err != nil {
					return err
				}
				if got := usersOf(v); !slices.Equal(got, nine) {
					return fmt.Errorf("claim's access list = %v, want %v", got, nine)
				}
				_, retained, err := platformUsers(ctx, t, appcat.PostgreSQL, ns, name)
				if err != nil {
					return err
				}
				if len(retained) != 1 || retained[0].User != "app9" || retained[0].Database != "app9" {
					return fmt.Errorf("retained roles = %+v, want app9 (the platform keeps the role and database)", retained)
				}
				if _, err := adminClientset(t).CoreV1().Secrets(ns).Get(ctx, name+"-app9", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
					return fmt.Errorf("secret of the destroyed user app9: err = %v, want not found", err)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, u := range nine {
					s, err := readUserSecret(ctx, t, ns, name+"-"+u, appcat.PostgreSQL)
					if err != nil {
						return fmt.Errorf("user %s: %w", u, err)
					}
					if s.uid != secrets[u].uid || s.password != secrets[u].password {
						return fmt.Errorf("the secret of %s, which stays, was replaced or its password changed", u)
					}
				}
				return nil
			})},
		},
		// Import by namespace/instance/user fills every attribute; an import block plans no change.
		resource.TestStep{
			Config: configNine, ResourceName: userAddr(0), ImportState: true,
			ImportStateId: ns + "/" + name + "/app0", ImportStateVerify: true,
		},
		resource.TestStep{
			Config: configNine, ResourceName: userAddr(0), ImportState: true,
			ImportStateKind: resource.ImportBlockWithID, ImportStateId: ns + "/" + name + "/app0",
		},
		resource.TestStep{
			Config: configNine, ResourceName: userAddr(1), ImportState: true,
			ImportStateId: "postgresql:" + ns + "/" + name + "/app1", ImportStateVerify: true,
		},
		resource.TestStep{
			Config: configNine, ResourceName: userAddr(1), ImportState: true,
			ImportStateId: ns + "/" + name + "/app9", ExpectError: regexp.MustCompile(`has no user "app9"`),
		},
	)
}

func TestAccDatabaseUserPrivilegesInPlace(t *testing.T) {
	t.Run("PostgreSQLStackGres", func(t *testing.T) {
		ns, name := testNamespace(t), randomName("sgpriv")
		user := func(privileges string) string {
			return fmt.Sprintf(`
resource "appcat_database_user" "app" {
  kind        = "postgresql"
  instance_id = appcat_postgresql.db.id
  user        = "app"
  database    = "shop"
  privileges  = %s
}
`, privileges)
		}
		var before userSecret
		dbUserTest(t,
			resource.TestStep{
				Config: dbUserConfig(ns, userTestPostgreSQL(name, `backend = "stackgres"`), user(`["SELECT"]`)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("appcat_database_user.app", tfjsonpath.New("privileges"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("SELECT")})),
					statecheck.ExpectKnownValue("appcat_database_user.app", tfjsonpath.New("connection_details").AtMapKey("database"), knownvalue.StringExact("shop")),
					platformCheck(func(ctx context.Context) (err error) {
						before, err = readUserSecret(ctx, t, ns, name+"-app", appcat.PostgreSQL)
						return err
					}),
				},
			},
			resource.TestStep{
				Config: dbUserConfig(ns, userTestPostgreSQL(name, `backend = "stackgres"`), user(`["SELECT", "INSERT", "UPDATE"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("appcat_database_user.app", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("appcat_database_user.app", tfjsonpath.New("connection_details").AtMapKey("database"), knownvalue.StringExact("shop")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("appcat_database_user.app", tfjsonpath.New("privileges"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("SELECT"), knownvalue.StringExact("INSERT"), knownvalue.StringExact("UPDATE")})),
					platformCheck(func(ctx context.Context) error {
						v, err := accessOf(ctx, t, appcat.PostgreSQL, ns, name)
						if err != nil {
							return err
						}
						e, ok := v.Find("app")
						if !ok || fmt.Sprint(e.Privileges) != "[INSERT SELECT UPDATE]" {
							return fmt.Errorf("claim's entry of app = %+v, want privileges INSERT SELECT UPDATE", e)
						}
						provisioned, _, err := platformUsers(ctx, t, appcat.PostgreSQL, ns, name)
						if err != nil {
							return err
						}
						if p, _ := memory.Provisioned(provisioned, "app"); fmt.Sprint(p.Privileges) != "[INSERT SELECT UPDATE]" {
							return fmt.Errorf("provisioned user app = %+v: the platform did not apply the change", p)
						}
						after, err := readUserSecret(ctx, t, ns, name+"-app", appcat.PostgreSQL)
						if err != nil {
							return err
						}
						if after.uid != before.uid || after.password != before.password {
							return fmt.Errorf("the privilege change replaced the user's secret or its password")
						}
						return nil
					}),
				},
			},
		)
	})

	t.Run("MariaDB", func(t *testing.T) {
		ns, name := testNamespace(t), randomName("mdbpriv")
		user := func(privileges string) string {
			return fmt.Sprintf(`
resource "appcat_database_user" "app" {
  kind        = "mariadb"
  instance_id = appcat_mariadb.db.id
  user        = "shop"
  privileges  = %s
}
`, privileges)
		}
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             accKind{resourceType: "appcat_mariadb", api: appcat.MariaDB}.claimsGone(t),
			Steps: []resource.TestStep{
				{
					Config: dbUserConfig(ns, userTestMariaDB(name), user(`["ALL PRIVILEGES"]`)),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("appcat_database_user.app", tfjsonpath.New("connection_details").AtMapKey("username"), knownvalue.StringExact("shop")),
						statecheck.ExpectKnownValue("appcat_database_user.app", tfjsonpath.New("connection_details").AtMapKey("database"), knownvalue.StringExact("shop")),
						statecheck.ExpectKnownValue("appcat_database_user.app", tfjsonpath.New("connection_details").AtMapKey("port"), knownvalue.Int64Exact(3306)),
						statecheck.ExpectKnownValue("appcat_database_user.app", tfjsonpath.New("connection_details").AtMapKey("url"),
							knownvalue.StringRegexp(regexp.MustCompile(`^mysql://shop:[A-Za-z0-9]+@mariadb\..+:3306$`))),
					},
				},
				{
					Config: dbUserConfig(ns, userTestMariaDB(name), user(`["SELECT", "LOCK TABLES"]`)),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("appcat_database_user.app", plancheck.ResourceActionUpdate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{platformCheck(func(ctx context.Context) error {
						provisioned, _, err := platformUsers(ctx, t, appcat.MariaDB, ns, name)
						if err != nil {
							return err
						}
						if p, _ := memory.Provisioned(provisioned, "shop"); fmt.Sprint(p.Privileges) != "[LOCK TABLES SELECT]" {
							return fmt.Errorf("provisioned user shop = %+v", p)
						}
						return nil
					})},
				},
				{
					Config: dbUserConfig(ns, userTestMariaDB(name), user(`["SELECT", "LOCK TABLES"]`)), ResourceName: "appcat_database_user.app",
					ImportState: true, ImportStateId: ns + "/" + name + "/shop", ImportStateVerify: true,
				},
			},
		})
	})
}

func TestAccDatabaseUserRejectedAtPlanTime(t *testing.T) {
	ns := testNamespace(t)
	user := func(kind, lines string) string {
		return adminProvider(ns) + fmt.Sprintf(`
resource "appcat_database_user" "u" {
  kind        = %q
  instance_id = "%s/db"
  %s
}
`, kind, ns, lines)
	}
	var steps []resource.TestStep
	for _, tc := range []struct{ kind, lines, want string }{
		{"postgresql", `user = "Bad_User"`, `must consist of lowercase letters, digits and '-'`},
		{"postgresql", `user = "app_user"`, `must consist of lowercase letters, digits and '-'`},
		{"mariadb", `user = "1app"`, `must consist of lowercase letters, digits and '-'`},
		{"postgresql", `user = "app-"`, `must consist of lowercase letters, digits and '-'`},
		{"postgresql", fmt.Sprintf("user = %q", strings.Repeat("a", 64)), `string length must be between 1 and 63`},
		{"mariadb", fmt.Sprintf("user = %q", strings.Repeat("a", 33)), `MariaDB allows user names of at most 32 characters`},
		{"postgresql", "user = \"app\"\n  database = \"Shop\"", `must consist of lowercase letters`},
		{"postgresql", "user = \"app\"\n  privileges = [\"select\"]", `"select" is not a PostgreSQL privilege`},
		{"postgresql", "user = \"app\"\n  privileges = [\"ALL PRIVILEGES\"]", `"ALL PRIVILEGES" is not a PostgreSQL privilege`},
		{"postgresql", "user = \"app\"\n  privileges = []", `set must contain at least 1 elements`},
		{"redis", `user = "app"`, `value must be one of`},
	} {
		steps = append(steps, resource.TestStep{Config: user(tc.kind, tc.lines), PlanOnly: true, ExpectError: regexp.MustCompile(regexp.QuoteMeta(tc.want))})
	}
	dbUserTest(t, steps...)
}

func TestAccDatabaseUserPrivilegesOnCloudNativePG(t *testing.T) {
	ns, name, name2 := testNamespace(t), randomName("cnpg"), randomName("cnpgnew")
	withPrivileges := func(instance string) string {
		return fmt.Sprintf(`
resource "appcat_database_user" "app_%[1]s" {
  kind        = "postgresql"
  instance_id = appcat_postgresql.%[1]s.id
  user        = "app"
  privileges  = ["SELECT"]
}
`, instance)
	}
	second := strings.Replace(userTestPostgreSQL(name2), `"db"`, `"db2"`, 1)
	accessEmpty := func(instances ...string) statecheck.StateCheck {
		return platformCheck(func(ctx context.Context) error {
			for _, n := range instances {
				v, err := accessOf(ctx, t, appcat.PostgreSQL, ns, n)
				if err != nil {
					return err
				}
				if len(v.Users) != 0 {
					return fmt.Errorf("instance %s has users %v: a refused user was written", n, usersOf(v))
				}
			}
			return nil
		})
	}
	dbUserTest(t,
		resource.TestStep{Config: dbUserConfig(ns, userTestPostgreSQL(name), "")},
		// The instance exists and runs on CloudNativePG (the default): the plan fails.
		resource.TestStep{
			Config:      dbUserConfig(ns, userTestPostgreSQL(name), withPrivileges("db")),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Privileges not supported on CloudNativePG.*runs on the CloudNativePG\s+backend`),
		},
		// An instance created in the same apply cannot be checked at plan time: the apply refuses
		// before writing anything.
		resource.TestStep{
			Config:      dbUserConfig(ns, userTestPostgreSQL(name)+second, withPrivileges("db2")),
			ExpectError: regexp.MustCompile(`(?s)Privileges not supported on CloudNativePG.*runs on the CloudNativePG\s+backend`),
		},
		resource.TestStep{
			Config:            dbUserConfig(ns, userTestPostgreSQL(name)+second, ""),
			ConfigStateChecks: []statecheck.StateCheck{accessEmpty(name, name2)},
		},
	)
}

func TestDatabaseUserRetainedRoleWarning(t *testing.T) {
	pg := userTarget{kind: postgresqlKind{}.descriptor(), namespace: "ns", name: "db", user: "app"}
	summary, detail := retainedRoleWarning(pg, "shop", nil)
	for _, want := range []string{`DROP DATABASE "shop";`, `DROP ROLE "app";`, `DROP OWNED BY "app";`, "gives it the same role back"} {
		if !strings.Contains(detail, want) {
			t.Errorf("PostgreSQL warning lacks %q:\n%s", want, detail)
		}
	}
	if !strings.Contains(summary, "keeps role app and database shop") {
		t.Errorf("summary %q", summary)
	}
	_, detail = retainedRoleWarning(pg, "shop", []string{"other"})
	if strings.Contains(detail, "DROP DATABASE") || !strings.Contains(detail, "still used by `other`") {
		t.Errorf("a shared database must not be in the SQL:\n%s", detail)
	}
	maria := userTarget{kind: mariadbKind{}.descriptor(), namespace: "ns", name: "db", user: "app"}
	_, detail = retainedRoleWarning(maria, "app", nil)
	for _, want := range []string{"DROP DATABASE `app`;", "DROP USER 'app'@'%';"} {
		if !strings.Contains(detail, want) {
			t.Errorf("MariaDB warning lacks %q:\n%s", want, detail)
		}
	}
}

// TestAccDatabaseUserDestroyWarns runs the terraform CLI as a user does and checks what it prints
// when a user is destroyed: a warning that the platform keeps the role and database, with the SQL
// to drop them; and that the platform did keep them (its memory records them).
func TestAccDatabaseUserDestroyWarns(t *testing.T) {
	ns, name := testNamespace(t), randomName("warn")
	cli := newTerraformCLI(t, adminProvider(ns)+userTestPostgreSQL(name)+`
resource "appcat_database_user" "app" {
  kind        = "postgresql"
  instance_id = appcat_postgresql.db.id
  user        = "app"
  database    = "shop"
}
`)
	cli.run("apply", "-auto-approve", "-no-color")
	t.Cleanup(func() { cli.run("destroy", "-auto-approve", "-no-color") })

	out := cli.run("destroy", "-target=appcat_database_user.app", "-auto-approve", "-no-color")
	for _, want := range []string{
		"Warning: The platform keeps role app and database shop of " + ns + "/" + name,
		`DROP DATABASE "shop";`,
		`DROP ROLE "app";`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("terraform destroy does not print %q:\n%s", want, tail([]byte(out)))
		}
	}
	v, err := accessOf(context.Background(), t, appcat.PostgreSQL, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	_, retained, err := platformUsers(context.Background(), t, appcat.PostgreSQL, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Users) != 0 || len(retained) != 1 || retained[0].User != "app" || retained[0].Database != "shop" {
		t.Errorf("after the destroy: users %v, retained %+v; want none listed and app/shop retained", usersOf(v), retained)
	}
	if _, err := adminClientset(t).CoreV1().Secrets(ns).Get(context.Background(), name+"-app", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the user's secret after the destroy: err = %v, want not found", err)
	}
}

// A user that follows its instance's instance_namespace (as the docs recommend) is created again on
// a replaced instance in the same apply.
func TestAccDatabaseUserFollowsReplacedInstance(t *testing.T) {
	ns, name := testNamespace(t), randomName("repl")
	user := `
resource "appcat_database_user" "app" {
  kind        = "postgresql"
  instance_id = appcat_postgresql.db.id
  user        = "app"
  lifecycle {
    replace_triggered_by = [appcat_postgresql.db.instance_namespace]
  }
}
`
	dbUserTest(t,
		resource.TestStep{Config: dbUserConfig(ns, userTestPostgreSQL(name), user)},
		// An update of the instance does not replace the user.
		resource.TestStep{
			Config: dbUserConfig(ns, userTestPostgreSQL(name, `labels = { team = "a" }`), user),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("appcat_postgresql.db", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("appcat_database_user.app", plancheck.ResourceActionNoop),
			}},
		},
		// A replacement does, and the new instance has the user.
		resource.TestStep{
			Config: dbUserConfig(ns, userTestPostgreSQL(name, `labels = { team = "a" }`, `backend = "stackgres"`), user),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("appcat_postgresql.db", plancheck.ResourceActionReplace),
				plancheck.ExpectResourceAction("appcat_database_user.app", plancheck.ResourceActionReplace),
			}},
			ConfigStateChecks: []statecheck.StateCheck{platformCheck(func(ctx context.Context) error {
				v, err := accessOf(ctx, t, appcat.PostgreSQL, ns, name)
				if err != nil {
					return err
				}
				if v.Composition != appcat.CompositionPostgreSQLStackGres || !slices.Equal(usersOf(v), []string{"app"}) {
					return fmt.Errorf("replaced instance: composition %s, users %v; want StackGres with user app", v.Composition, usersOf(v))
				}
				_, err = readUserSecret(ctx, t, ns, name+"-app", appcat.PostgreSQL)
				return err
			})},
		},
	)
}
