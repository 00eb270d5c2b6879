package provider

import "fmt"

// The SQL a user runs to drop what AppCat keeps of a removed database user, in each kind's
// dialect (kindDescriptor.dropUserSQL). Lines are indented for the warning they go into.

func postgresqlDropUserSQL(user, database string, dropDatabase bool) string {
	s := ""
	if dropDatabase {
		s += fmt.Sprintf("  DROP DATABASE \"%s\";\n", database)
	}
	s += fmt.Sprintf("  REASSIGN OWNED BY \"%s\" TO postgres;  -- in every database the role owns objects in\n", user)
	s += fmt.Sprintf("  DROP OWNED BY \"%s\";\n", user)
	return s + fmt.Sprintf("  DROP ROLE \"%s\";\n", user)
}

func mariadbDropUserSQL(user, database string, dropDatabase bool) string {
	s := ""
	if dropDatabase {
		s += fmt.Sprintf("  DROP DATABASE `%s`;\n", database)
	}
	return s + fmt.Sprintf("  DROP USER '%s'@'%%';\n", user)
}
