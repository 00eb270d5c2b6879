package controller

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Database users on a real PostgreSQL server, as AppCat's composition makes them with
// provider-sql (vshnpostgres/user_management.go): a login role per user with its password; the
// database, created by the first user that names it and owned by that user; grants of the user's
// privileges (ALL without any) — CONNECT and TEMPORARY on the database, USAGE on schema public,
// CREATE and ALL on both, and table privileges such as SELECT on the tables of schema public.
// Nothing is dropped: a removed user's role and database stay, as AppCat composes them without the
// delete management policy.

// serverUser is one database user of an instance.
type serverUser struct {
	name, password, database string
	privileges               []string
}

var (
	pgDatabaseOnly = []string{"CONNECT", "TEMPORARY", "TEMP"}
	pgSchemaOnly   = []string{"USAGE"}
	pgBoth         = []string{"CREATE", "ALL", "ALL PRIVILEGES"}
)

// postgresUsersSQL is a psql script that makes users as AppCat does; it can run again.
func postgresUsersSQL(users []serverUser) string {
	var b strings.Builder
	b.WriteString("\\set ON_ERROR_STOP on\n")
	owner := map[string]string{} // database → the first user that names it
	for _, u := range users {
		if _, ok := owner[u.database]; !ok {
			owner[u.database] = u.name
		}
	}
	for _, u := range users {
		role, db := pgIdent(u.name), pgIdent(u.database)
		fmt.Fprintf(&b, "\\connect postgres\n")
		fmt.Fprintf(&b, "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %s) THEN CREATE ROLE %s LOGIN PASSWORD %s; "+
			"ELSE ALTER ROLE %s LOGIN PASSWORD %s; END IF; END$$;\n", pgLiteral(u.name), role, pgLiteral(u.password), role, pgLiteral(u.password))
		fmt.Fprintf(&b, "SELECT 'CREATE DATABASE ' || %s || ' OWNER ' || %s || ' TEMPLATE template0' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = %s)\\gexec\n",
			pgLiteral(db), pgLiteral(pgIdent(owner[u.database])), pgLiteral(u.database))
		privileges := u.privileges
		if len(privileges) == 0 {
			privileges = []string{"ALL"}
		}
		var onDatabase, onSchema, onTables []string
		for _, p := range privileges {
			switch {
			case slices.Contains(pgDatabaseOnly, p):
				onDatabase = append(onDatabase, p)
			case slices.Contains(pgSchemaOnly, p):
				onSchema = append(onSchema, p)
			case slices.Contains(pgBoth, p):
				onDatabase = append(onDatabase, p)
				onSchema = append(onSchema, p)
			default:
				onTables = append(onTables, p)
			}
		}
		if len(onDatabase) > 0 {
			fmt.Fprintf(&b, "GRANT %s ON DATABASE %s TO %s;\n", strings.Join(onDatabase, ", "), db, role)
		}
		if len(onSchema) == 0 && len(onTables) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\\connect %s\n", db)
		if len(onSchema) > 0 {
			fmt.Fprintf(&b, "GRANT %s ON SCHEMA public TO %s;\n", strings.Join(onSchema, ", "), role)
		}
		if len(onTables) > 0 {
			privs := strings.Join(onTables, ", ")
			fmt.Fprintf(&b, "GRANT %s ON ALL TABLES IN SCHEMA public TO %s;\n", privs, role)
			// Tables the database's owner creates later are covered too.
			fmt.Fprintf(&b, "ALTER DEFAULT PRIVILEGES FOR ROLE %s IN SCHEMA public GRANT %s ON TABLES TO %s;\n", pgIdent(owner[u.database]), privs, role)
		}
	}
	return b.String()
}

// pgIdent quotes a name as an SQL identifier.
func pgIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// pgLiteral quotes a string as an SQL literal.
func pgLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (postgresServer) applyUsers(ctx context.Context, dir string, spec serverSpec) error {
	if len(spec.users) == 0 {
		return nil
	}
	psql := exec.CommandContext(ctx, filepath.Join(postgresBinDir(), "psql"), "-X", "-q", "-h", dir, "-p", strconv.Itoa(spec.port), "-U", "postgres", "-d", "postgres", "-f", "-")
	psql.Stdin = strings.NewReader(postgresUsersSQL(spec.users))
	if out, err := psql.CombinedOutput(); err != nil {
		return fmt.Errorf("psql: %w: %s", err, out)
	}
	return nil
}
