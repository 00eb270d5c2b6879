package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
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

func TestAccDatabaseUserCredentialsOutOfState(t *testing.T) {
	ns, name := testNamespace(t), randomName("nocreds")
	secretName := name + "-app"
	const addr = "appcat_database_user.app"
	bare := func(store string) string {
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
	// The client (a postgresql provider, say) refers to connection_details.username, which the
	// state keeps: that makes Terraform open the ephemeral resource once the user exists.
	withClient := func(store string) string {
		return bare(store) + `
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
	secrets := func() (map[string]string, error) {
		values, _, err := userSecretValues(context.Background(), t, ns, secretName)
		if err != nil {
			return nil, err
		}
		named := map[string]string{}
		for what, v := range values {
			named["user's "+what] = v
		}
		return named, nil
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
	storeCredentialsScenario{
		addr: addr, bare: bare, withClient: withClient,
		importID: ns + "/" + name + "/app?store_credentials=false",
		secrets:  secrets,
		withoutCredentials: []statecheck.StateCheck{
			connection("password", knownvalue.Null()),
			connection("url", knownvalue.Null()),
			connection("ca_certificate", knownvalue.Null()),
			connection("username", knownvalue.StringExact("app")),
			connection("database", knownvalue.StringExact("app")),
			connection("port", knownvalue.Int64Exact(5432)),
			connection("host", knownvalue.StringRegexp(regexp.MustCompile(`^postgresql-rw\.`))),
		},
		unchanged: sameSecret, clientGotCredentials: clientGotPassword,
		destroyed: pgAcc.claimsGone(t),
	}.run(t)
}
