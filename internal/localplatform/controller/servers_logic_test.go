package controller

import (
	"strings"
	"testing"
)

// TestPostgresUsersSQL: the database belongs to the first user that names it; privileges are
// split as AppCat's composition splits them; names are quoted identifiers, passwords literals.
func TestPostgresUsersSQL(t *testing.T) {
	sql := postgresUsersSQL([]serverUser{
		{name: "app", password: "it's", database: "app"},
		{name: "reader", password: "r", database: "app", privileges: []string{"CONNECT", "USAGE", "SELECT"}},
	})
	for _, want := range []string{
		`CREATE ROLE "app" LOGIN PASSWORD 'it''s'`,
		`'CREATE DATABASE ' || '"app"' || ' OWNER ' || '"app"'`,
		`GRANT ALL ON DATABASE "app" TO "app";`,
		`GRANT ALL ON SCHEMA public TO "app";`,
		`GRANT CONNECT ON DATABASE "app" TO "reader";`,
		`GRANT USAGE ON SCHEMA public TO "reader";`,
		`GRANT SELECT ON ALL TABLES IN SCHEMA public TO "reader";`,
		`ALTER DEFAULT PRIVILEGES FOR ROLE "app" IN SCHEMA public GRANT SELECT ON TABLES TO "reader";`,
	} {
		if !strings.Contains(sql, want) {
			t.Errorf("the script lacks %s:\n%s", want, sql)
		}
	}
	if strings.Contains(sql, `OWNER ' || '"reader"'`) {
		t.Errorf("the second user of a database owns it:\n%s", sql)
	}
}
