package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Unit tests of the attached-block engine's pieces that need no platform.

// TestAttachedSchemasMatchModels decodes an all-null object of each schema into its model: this
// fails when a tfsdk tag and the schema disagree.
func TestAttachedSchemasMatchModels(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, typ tftypes.Type, decode func(tftypes.Value) diag.Diagnostics) {
		t.Helper()
		obj := typ.(tftypes.Object)
		vals := map[string]tftypes.Value{}
		for name, at := range obj.AttributeTypes {
			vals[name] = tftypes.NewValue(at, nil)
		}
		if d := decode(tftypes.NewValue(obj, vals)); d.HasError() {
			t.Fatalf("decoding into the model: %v", d)
		}
	}
	resources := map[string]struct {
		r      resource.Resource
		decode func(s tfsdk.State) diag.Diagnostics
	}{
		"backup_policy": {NewBackupPolicyResource(), func(s tfsdk.State) diag.Diagnostics {
			var m backupPolicyModel
			return s.Get(ctx, &m)
		}},
		"maintenance_window": {NewMaintenanceWindowResource(), func(s tfsdk.State) diag.Diagnostics {
			var m maintenanceWindowModel
			return s.Get(ctx, &m)
		}},
	}
	for name, tc := range resources {
		t.Run(name, func(t *testing.T) {
			var resp resource.SchemaResponse
			tc.r.Schema(ctx, resource.SchemaRequest{}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			if d := resp.Schema.ValidateImplementation(ctx); d.HasError() {
				t.Fatalf("schema invalid: %v", d)
			}
			check(t, resp.Schema.Type().TerraformType(ctx), func(v tftypes.Value) diag.Diagnostics {
				return tc.decode(tfsdk.State{Schema: resp.Schema, Raw: v})
			})
		})
	}
	t.Run("backups", func(t *testing.T) {
		var resp datasource.SchemaResponse
		NewBackupsDataSource().Schema(ctx, datasource.SchemaRequest{}, &resp)
		check(t, resp.Schema.Type().TerraformType(ctx), func(v tftypes.Value) diag.Diagnostics {
			var m backupsModel
			return tfsdk.State{Schema: resp.Schema, Raw: v}.Get(ctx, &m)
		})
	})
	t.Run("instances have restore", func(t *testing.T) {
		for _, r := range []resource.Resource{NewPostgreSQLResource(), NewRedisResource(), NewMariaDBResource()} {
			var resp resource.SchemaResponse
			r.Schema(ctx, resource.SchemaRequest{}, &resp)
			if _, ok := resp.Schema.Attributes["restore"]; !ok {
				t.Errorf("%T has no restore attribute", r)
			}
		}
	})
}

func TestSplitInstanceID(t *testing.T) {
	for id, want := range map[string][2]string{"shop/db": {"shop", "db"}, "a-1/b-2": {"a-1", "b-2"}} {
		ns, name, ok := splitInstanceID(id)
		if !ok || ns != want[0] || name != want[1] {
			t.Errorf("splitInstanceID(%q) = %q, %q, %t", id, ns, name, ok)
		}
	}
	for _, id := range []string{"db", "shop/", "/db", "shop/db/x", "Shop/db", "postgresql:shop/db", ""} {
		if _, _, ok := splitInstanceID(id); ok {
			t.Errorf("splitInstanceID(%q) accepted it", id)
		}
	}
}

func TestCheckPinImageTag(t *testing.T) {
	cases := []struct {
		pin, major string
		errors     bool
		warns      bool
	}{
		{"15", "15", false, false},
		{"15.4", "15", false, false},
		{"15-ubi", "15", false, false},
		{"150", "15", true, false},
		{"14.2", "15", true, false},
		{"latest", "15", true, false},
		{"16.1", "15", false, true},
	}
	for _, c := range cases {
		var d diag.Diagnostics
		checkPinImageTag(c.pin, c.major, &d)
		if d.HasError() != c.errors || (d.WarningsCount() > 0) != c.warns {
			t.Errorf("checkPinImageTag(%q, %q): errors %t warnings %d, want errors %t warnings %t: %v", c.pin, c.major, d.HasError(), d.WarningsCount(), c.errors, c.warns, d)
		}
	}
}

func TestValidateRestore(t *testing.T) {
	ctx := context.Background()
	restore := func(source, backup, ts string) types.Object {
		v := func(s string) attr.Value {
			if s == "" {
				return types.StringNull()
			}
			return types.StringValue(s)
		}
		return types.ObjectValueMust(restoreAttrTypes, map[string]attr.Value{
			"source_instance": v(source), "backup_name": v(backup), "recovery_timestamp": v(ts),
		})
	}
	cnpg, stackgres := postgresqlRestoreRules(backendCloudNativePG), postgresqlRestoreRules(backendStackGres)
	redis := restoreRules{selfService: true, needsBackupName: true, what: "Redis"}
	mariadb := restoreRules{what: "MariaDB"}
	ts := "2026-05-04T13:45:00Z"
	cases := []struct {
		name    string
		rules   restoreRules
		restore types.Object
		want    string // "" for valid
	}{
		{"cnpg latest", cnpg, restore("src", "", ""), ""},
		{"cnpg point in time", cnpg, restore("src", "", ts), ""},
		{"cnpg with backup name", cnpg, restore("src", "b1", ""), "backup_name is not used by PostgreSQL on CloudNativePG"},
		{"stackgres backup", stackgres, restore("src", "b1", ""), ""},
		{"stackgres without backup", stackgres, restore("src", "", ""), "Restore needs a backup name"},
		{"redis backup", redis, restore("src", "b1", ""), ""},
		{"redis without backup", redis, restore("src", "", ""), "Restore needs a backup name"},
		{"redis point in time", redis, restore("src", "b1", ts), "Point-in-time restore not available for Redis"},
		{"mariadb", mariadb, restore("src", "b1", ""), "Restore is not self-service for MariaDB"},
		{"from itself", redis, restore("self", "b1", ""), "cannot be restored from itself"},
		{"no restore", mariadb, types.ObjectNull(restoreAttrTypes), ""},
	}
	for _, c := range cases {
		var d diag.Diagnostics
		validateRestore(ctx, c.restore, types.StringValue("self"), c.rules, &d)
		got := ""
		for _, e := range d.Errors() {
			got += e.Summary() + ": " + e.Detail() + "\n"
		}
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
		if c.want == "Restore is not self-service for MariaDB" && !strings.Contains(got, "guides/backups-and-restore") {
			t.Errorf("%s: the error does not point to the manual restore guide: %q", c.name, got)
		}
	}
}

func TestRecoveryTimestampFormat(t *testing.T) {
	for s, ok := range map[string]bool{
		"2026-05-04T13:45:00Z": true, "2026-05-04T15:45:00+02:00": true,
		"2026-05-04T13:45:00.5Z": false, "2026-05-04 13:45:00Z": false, "2026-05-04T13:45Z": false,
		"2026-13-04T13:45:00Z": false, "2026-05-04T13:45:00": false, "yesterday": false,
	} {
		var d diag.Diagnostics
		resp := validatorResponse(s)
		d.Append(resp...)
		if d.HasError() == ok {
			t.Errorf("recovery timestamp %q: accepted %t, want %t", s, !d.HasError(), ok)
		}
	}
}

func validatorResponse(s string) diag.Diagnostics {
	var resp validator.StringResponse
	recoveryTimestampValidator{}.ValidateString(context.Background(), validator.StringRequest{ConfigValue: types.StringValue(s)}, &resp)
	return resp.Diagnostics
}
