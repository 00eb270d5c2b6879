package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Unit tests of store_credentials: what of a user's secret reaches connection_details, and what
// the plan says it will be.

func testUserSecret() map[string][]byte {
	return map[string][]byte{
		"POSTGRESQL_HOST":     []byte("postgresql-rw.vshn-postgresql-db.svc.cluster.local"),
		"POSTGRESQL_PORT":     []byte("5432"),
		"POSTGRESQL_USER":     []byte("app"),
		"POSTGRESQL_PASSWORD": []byte("s3cret-password"),
		"POSTGRESQL_DB":       []byte("shop"),
		"POSTGRESQL_URL":      []byte("postgres://app:s3cret-password@postgresql-rw:5432/shop"),
		"ca.crt":              []byte("-----BEGIN CERTIFICATE-----"),
	}
}

func TestUserConnectionWithoutCredentials(t *testing.T) {
	k := postgresqlKind{}.descriptor()
	var diags diag.Diagnostics
	with := userConnectionObject(k, testUserSecret(), true, &diags)
	without := userConnectionObject(k, testUserSecret(), false, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	for _, name := range userSecretAttributes {
		if with.Attributes()[name].IsNull() {
			t.Errorf("with credentials: %s is null", name)
		}
		if !without.Attributes()[name].IsNull() {
			t.Errorf("without credentials: %s = %v, want null", name, without.Attributes()[name])
		}
	}
	for _, name := range []string{"host", "port", "username", "database"} {
		if !without.Attributes()[name].Equal(with.Attributes()[name]) {
			t.Errorf("without credentials: %s = %v, want %v as with them", name, without.Attributes()[name], with.Attributes()[name])
		}
	}
	if !withoutCredentialsObject(with).Equal(without) {
		t.Errorf("withoutCredentialsObject of the stored value = %v, want %v", withoutCredentialsObject(with), without)
	}
	if strings.Contains(without.String(), "s3cret") || strings.Contains(without.String(), "CERTIFICATE") {
		t.Errorf("a secret value is left: %s", without)
	}
	if !userConnectionObject(k, nil, false, &diags).IsNull() {
		t.Error("without a secret connection_details must be null")
	}
}

func TestPlannedUserConnection(t *testing.T) {
	k := postgresqlKind{}.descriptor()
	var diags diag.Diagnostics
	stored := userConnectionObject(k, testUserSecret(), true, &diags)
	redacted := userConnectionObject(k, testUserSecret(), false, &diags)
	model := func(store types.Bool, conn types.Object) databaseUserModel {
		return databaseUserModel{
			Database: types.StringValue("shop"), ConnectionSecretName: types.StringValue("db-app"),
			StoreCredentials: store, Connection: conn,
		}
	}
	yes, no := types.BoolValue(true), types.BoolValue(false)
	unknown := types.ObjectUnknown(userConnectionAttrTypes)
	otherDatabase := model(no, unknown)
	otherDatabase.Database = types.StringValue("orders")
	for _, tc := range []struct {
		name        string
		plan, state databaseUserModel
		noState     bool
		want        types.Object
	}{
		{name: "new user", plan: model(no, unknown), noState: true, want: unknown},
		{name: "stored, unchanged", plan: model(yes, unknown), state: model(yes, stored), want: stored},
		{name: "not stored, unchanged", plan: model(no, unknown), state: model(no, redacted), want: redacted},
		{name: "switched off: known, without the credentials", plan: model(no, unknown), state: model(yes, stored), want: redacted},
		{name: "switched on: read in the apply", plan: model(yes, unknown), state: model(no, redacted), want: unknown},
		{name: "state of an older version (null) is stored", plan: model(yes, unknown), state: model(types.BoolNull(), stored), want: stored},
		{name: "unknown store_credentials", plan: model(types.BoolUnknown(), unknown), state: model(yes, stored), want: unknown},
		{name: "other database", plan: otherDatabase, state: model(no, redacted), want: unknown},
		{name: "secret not written yet", plan: model(no, unknown), state: model(no, types.ObjectNull(userConnectionAttrTypes)), want: unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state := &tc.state
			if tc.noState {
				state = nil
			}
			if got := plannedUserConnection(tc.plan, state); !got.Equal(tc.want) {
				t.Errorf("planned connection_details = %v, want %v", got, tc.want)
			}
		})
	}
}
