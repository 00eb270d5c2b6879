package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
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
	bare := func(store string) string {
		return adminProvider(ns) + k.resource(name, "deletion_protection = false", "store_credentials = "+store)
	}
	// The client takes the instance ID, known at plan time, only once connection_details.host is
	// known (the idiom of the ephemeral resource's docs), so Terraform opens it during the apply
	// that creates the instance, after it is ready.
	withClient := func(store string) string {
		return bare(store) + fmt.Sprintf(`
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
	secrets := func() (map[string]string, error) {
		values, _, _, err := k.instanceSecretValues(context.Background(), t, ns, name)
		if err != nil {
			return nil, err
		}
		named := map[string]string{}
		for what, v := range values {
			named["instance's "+what] = v
		}
		return named, nil
	}
	withoutCredentials := []statecheck.StateCheck{
		k.connectionIs("host", knownvalue.StringRegexp(regexp.MustCompile(`\S`))),
		k.connectionIs("port", knownvalue.NotNull()),
	}
	for _, attr := range instanceSecretAttributes {
		withoutCredentials = append(withoutCredentials, k.connectionIs(attr, knownvalue.Null()))
	}

	// The Secret and the claim as first seen: the switches must change neither.
	var (
		uid        k8stypes.UID
		generation int64
		password   string
	)
	unchanged := platformCheck(func(ctx context.Context) error {
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
	clientGotPassword := userStateCheck(func(req statecheck.CheckStateRequest) error {
		values, _, _, err := k.instanceSecretValues(context.Background(), t, ns, name)
		if err != nil {
			return err
		}
		data, _ := stateValuesOfType(req, "echo")["echo.client"]["data"].(map[string]any)
		if data["password_sha256"] != sha256Hex(values["password"]) {
			return fmt.Errorf("the client did not get the instance's password")
		}
		return nil
	})
	storeCredentialsScenario{
		addr: addr, bare: bare, withClient: withClient,
		importID:           ns + "/" + name + "?store_credentials=false",
		secrets:            secrets,
		withoutCredentials: withoutCredentials,
		unchanged:          unchanged, clientGotCredentials: clientGotPassword,
		destroyed: k.claimsGone(t),
	}.run(t)
}

func TestAccInstanceCredentialsOutOfState(t *testing.T) {
	// PostgreSQL: password, URL and CA certificate; Redis: also a client certificate and key.
	for _, k := range []accKind{pgAcc, redisAcc} {
		t.Run(k.kindName(), func(t *testing.T) { k.credentialsOutOfState(t) })
	}
}
