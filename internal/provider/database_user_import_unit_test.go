package provider

import (
	"strings"
	"testing"
)

// The import ID of appcat_database_user: [kind:]namespace/instance/user[?store_credentials=…].
func TestParseUserImportID(t *testing.T) {
	for _, tc := range []struct {
		id      string
		want    userImportID
		problem string
	}{
		{id: "ns/db/app", want: userImportID{namespace: "ns", instance: "db", user: "app", storeCredentials: true}},
		{id: "mariadb:ns/db/app", want: userImportID{kind: "mariadb", namespace: "ns", instance: "db", user: "app", storeCredentials: true}},
		{id: "ns/db/app?store_credentials=false", want: userImportID{namespace: "ns", instance: "db", user: "app"}},
		{id: "postgresql:ns/db/app?store_credentials=false", want: userImportID{kind: "postgresql", namespace: "ns", instance: "db", user: "app"}},
		{id: "ns/db/app?store_credentials=true", want: userImportID{namespace: "ns", instance: "db", user: "app", storeCredentials: true}},
		{id: "ns/db/app?store_credentials=no", problem: `Unknown option "store_credentials=no"`},
		{id: "ns/db/app?store_credentials=false&store_credentials=true", problem: "the only option is store_credentials=true|false"},
		{id: "ns/db/app?password=false", problem: `Unknown option "password=false"`},
		{id: "redis:ns/db/app", problem: `Unknown kind "redis"`},
		{id: "ns/db", problem: "Expected namespace/instance/user"},
		{id: "ns/db/App", problem: "Expected namespace/instance/user"},
		{id: "ns/db/app/x", problem: "Expected namespace/instance/user"},
	} {
		got, problem := parseUserImportID(tc.id)
		switch {
		case tc.problem == "" && problem != "":
			t.Errorf("%q: %s", tc.id, problem)
		case tc.problem != "" && !strings.Contains(problem, tc.problem):
			t.Errorf("%q: problem %q, want one with %q", tc.id, problem, tc.problem)
		case tc.problem == "" && got != tc.want:
			t.Errorf("%q = %+v, want %+v", tc.id, got, tc.want)
		}
	}
}
