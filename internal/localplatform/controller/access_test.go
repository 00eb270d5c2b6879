package controller_test

import (
	"crypto/x509"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Database users (spec.parameters.service.access[]) as a client of the platform sees them: the
// per-user connection secrets, the users provisioned and retained (the platform's memory), and the claim's readiness.

var (
	pgUserKeys      = []string{"POSTGRESQL_USER", "POSTGRESQL_PASSWORD", "POSTGRESQL_DB", "POSTGRESQL_HOST", "POSTGRESQL_PORT", "POSTGRESQL_URL", "ca.crt", "tls.crt", "tls.key"}
	mariadbUserKeys = []string{"MARIADB_USERNAME", "MARIADB_PASSWORD", "MARIADB_DB", "MARIADB_HOST", "MARIADB_PORT", "MARIADB_URL", "ca.crt"}
)

const compositionStackGres = "vshnpostgres.vshn.appcat.vshn.io"

// accessEntry builds one entry of spec.parameters.service.access.
func accessEntry(user, database string, privileges []string, secret string) map[string]any {
	e := map[string]any{"user": user}
	if database != "" {
		e["database"] = database
	}
	if len(privileges) > 0 {
		list := make([]any, len(privileges))
		for i, p := range privileges {
			list[i] = p
		}
		e["privileges"] = list
	}
	if secret != "" {
		e["writeConnectionSecretToRef"] = map[string]any{"name": secret, "namespace": userNS()}
	}
	return e
}

func setAccess(obj *unstructured.Unstructured, entries ...map[string]any) {
	list := make([]any, len(entries))
	for i, e := range entries {
		list[i] = e
	}
	setParam(obj, list, "service", "access")
}

// readyWithSecrets waits for the claim to be Ready for its generation and, in the same instant
// (the watch event that first shows it Ready), checks that every named secret exists: the
// platform must not report Ready before all user secrets are written.
func readyWithSecrets(t *testing.T, k kindInfo, name string, secrets ...string) *unstructured.Unstructured {
	t.Helper()
	u := user(t)
	var missing []string
	obj := waitClaim(t, u, k, userNS(), name, k.Kind+" "+name+" Ready", func(o *unstructured.Unstructured) bool {
		if !readyNow(o) {
			return false
		}
		for _, s := range secrets {
			if _, err := u.kube.CoreV1().Secrets(userNS()).Get(ctxFor(t), s, metav1.GetOptions{}); err != nil {
				missing = append(missing, fmt.Sprintf("%s (%v)", s, err))
			}
		}
		return true
	})
	if len(missing) > 0 {
		t.Errorf("the claim was Ready for generation %d before these user secrets were written: %v", obj.GetGeneration(), missing)
	}
	return obj
}

// provisionedUsers returns the users the platform's memory records as provisioned, as
// "user/database/secretName/privileges" strings.
func provisionedUsers(t *testing.T, obj *unstructured.Unstructured) []string {
	list, _, _ := unstructured.NestedSlice(memoryOf(t, obj).Object, "access")
	var out []string
	for _, item := range list {
		m := item.(map[string]any)
		out = append(out, fmt.Sprintf("%v/%v/%v/%v", m["user"], m["database"], m["secretName"], m["privileges"]))
	}
	return out
}

// retainedRoles returns the users (and databases) the platform's memory records as removed but
// kept, as "user/database" strings, checking removedAt.
func retainedRoles(t *testing.T, obj *unstructured.Unstructured) []string {
	t.Helper()
	list, _, _ := unstructured.NestedSlice(memoryOf(t, obj).Object, "retainedRoles")
	var out []string
	for _, item := range list {
		m := item.(map[string]any)
		if _, err := time.Parse(time.RFC3339, fmt.Sprint(m["removedAt"])); err != nil {
			t.Errorf("retainedRoles entry %v: removedAt: %v", m, err)
		}
		out = append(out, fmt.Sprintf("%v/%v", m["user"], m["database"]))
	}
	return out
}

// checkUserSecret asserts a per-user secret: exactly the keys AppCat writes, readable by the
// user, owned by the claim, with the user's name and database, and the instance's host, port and CA.
func checkUserSecret(t *testing.T, k kindInfo, obj *unstructured.Unstructured, name, dbUser, database string, main *corev1.Secret) *corev1.Secret {
	t.Helper()
	keys := pgUserKeys
	if k.Kind == mariadb.Kind {
		keys = mariadbUserKeys
	}
	s := checkSecret(t, k, obj, name, keys)
	if s.Labels["appcat.vshn.io/access-user"] != dbUser {
		t.Errorf("secret %s: label appcat.vshn.io/access-user = %q, want %q", name, s.Labels["appcat.vshn.io/access-user"], dbUser)
	}
	d := func(key string) string { return string(s.Data[key]) }
	m := func(key string) string { return string(main.Data[key]) }
	switch k.Kind {
	case postgres.Kind:
		if d("POSTGRESQL_USER") != dbUser || d("POSTGRESQL_DB") != database || d("POSTGRESQL_HOST") != m("POSTGRESQL_HOST") || d("POSTGRESQL_PORT") != "5432" {
			t.Errorf("secret %s: user %q db %q host %q port %q; want %s, %s, the instance's host %s, 5432",
				name, d("POSTGRESQL_USER"), d("POSTGRESQL_DB"), d("POSTGRESQL_HOST"), d("POSTGRESQL_PORT"), dbUser, database, m("POSTGRESQL_HOST"))
		}
		if d("POSTGRESQL_PASSWORD") == m("POSTGRESQL_PASSWORD") {
			t.Errorf("secret %s: the user has the admin's password", name)
		}
		checkURL(t, d("POSTGRESQL_URL"), "postgresql", dbUser, d("POSTGRESQL_PASSWORD"), d("POSTGRESQL_HOST"), "5432", "/"+database)
		cert := parseCert(t, s.Data["tls.crt"])
		if _, err := cert.Verify(x509.VerifyOptions{DNSName: d("POSTGRESQL_HOST"), Roots: caPool(t, s)}); err != nil {
			t.Errorf("secret %s: tls.crt does not verify against ca.crt for the host: %v", name, err)
		}
		if _, err := tlsKeyPair(s); err != nil {
			t.Errorf("secret %s: tls.crt/tls.key: %v", name, err)
		}
	case mariadb.Kind:
		if d("MARIADB_USERNAME") != dbUser || d("MARIADB_DB") != database || d("MARIADB_HOST") != m("MARIADB_HOST") || d("MARIADB_PORT") != "3306" {
			t.Errorf("secret %s: user %q db %q host %q port %q; want %s, %s, the instance's host %s, 3306",
				name, d("MARIADB_USERNAME"), d("MARIADB_DB"), d("MARIADB_HOST"), d("MARIADB_PORT"), dbUser, database, m("MARIADB_HOST"))
		}
		if d("MARIADB_PASSWORD") == m("MARIADB_PASSWORD") {
			t.Errorf("secret %s: the user has the admin's password", name)
		}
		checkURL(t, d("MARIADB_URL"), "mysql", dbUser, d("MARIADB_PASSWORD"), d("MARIADB_HOST"), "3306", "")
	}
	return s
}

func passwordOf(s *corev1.Secret) string {
	if p, ok := s.Data["POSTGRESQL_PASSWORD"]; ok {
		return string(p)
	}
	return string(s.Data["MARIADB_PASSWORD"])
}

func secretGone(t *testing.T, name string) {
	t.Helper()
	waitFor(t, "secret "+name+" to be deleted", func() (bool, error) {
		_, err := admin(t).kube.CoreV1().Secrets(userNS()).Get(ctxFor(t), name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
}

func TestAccessPostgreSQLLifecycle(t *testing.T) {
	u, a := user(t), admin(t)
	name := uniqueName("pgusers")
	obj := newClaim(postgres, name, name+"-conn", nil)
	setAccess(obj,
		accessEntry("app", "", nil, ""),
		accessEntry("reporting", "shop", nil, ""),
		accessEntry("custom", "", nil, name+"-custom-creds"),
	)
	createClaim(t, u, postgres, obj)
	secrets := []string{name + "-app", name + "-reporting", name + "-custom-creds"}
	obj = readyWithSecrets(t, postgres, name, secrets...)

	main := getSecret(t, u, userNS(), name+"-conn")
	app := checkUserSecret(t, postgres, obj, name+"-app", "app", "app", main)
	reporting := checkUserSecret(t, postgres, obj, name+"-reporting", "reporting", "shop", main)
	custom := checkUserSecret(t, postgres, obj, name+"-custom-creds", "custom", "custom", main)
	passwords := map[string]bool{passwordOf(app): true, passwordOf(reporting): true, passwordOf(custom): true}
	if len(passwords) != 3 {
		t.Error("users share passwords")
	}
	for p := range passwords {
		if len(p) < 24 {
			t.Errorf("password %q is too short", p)
		}
	}
	want := []string{
		"app/app/" + name + "-app/<nil>",
		"reporting/shop/" + name + "-reporting/<nil>",
		"custom/custom/" + name + "-custom-creds/<nil>",
	}
	if got := provisionedUsers(t, obj); !slices.Equal(got, want) {
		t.Errorf("provisioned users = %v\nwant %v", got, want)
	}
	if got := retainedRoles(t, obj); len(got) != 0 {
		t.Errorf("retained roles = %v, want none", got)
	}

	t.Run("UnrelatedChangeLeavesSecretsAlone", func(t *testing.T) {
		updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) {
			setParam(o, true, "service", "vacuumEnabled")
		})
		readyWithSecrets(t, postgres, name, secrets...)
		for _, before := range []*corev1.Secret{app, reporting, custom} {
			after := getSecret(t, u, userNS(), before.Name)
			if after.UID != before.UID || after.ResourceVersion != before.ResourceVersion {
				t.Errorf("secret %s was rewritten or replaced by a change that does not concern it", before.Name)
			}
		}
	})

	t.Run("RenamedInstanceSecretKeepsUserSecrets", func(t *testing.T) {
		updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(o.Object, name+"-conn2", "spec", "writeConnectionSecretToRef", "name")
		})
		readyWithSecrets(t, postgres, name, append(slices.Clone(secrets), name+"-conn2")...)
		secretGone(t, name+"-conn")
		for _, before := range []*corev1.Secret{app, reporting, custom} {
			if after := getSecret(t, u, userNS(), before.Name); after.UID != before.UID {
				t.Errorf("user secret %s was replaced when the instance's secret was renamed", before.Name)
			}
		}
	})

	t.Run("RemovedUserLosesSecretButRoleIsRetained", func(t *testing.T) {
		updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) {
			setAccess(o, accessEntry("app", "", nil, ""), accessEntry("custom", "", nil, name+"-custom-creds"))
		})
		obj := readyWithSecrets(t, postgres, name, name+"-app", name+"-custom-creds")
		secretGone(t, name+"-reporting")
		if got := provisionedUsers(t, obj); len(got) != 2 || !strings.HasPrefix(got[0], "app/") || !strings.HasPrefix(got[1], "custom/") {
			t.Errorf("provisioned users = %v, want app and custom", got)
		}
		if got := retainedRoles(t, obj); !slices.Equal(got, []string{"reporting/shop"}) {
			t.Errorf("retained roles = %v, want [reporting/shop]", got)
		}
		for _, before := range []*corev1.Secret{app, custom} {
			if after := getSecret(t, u, userNS(), before.Name); after.UID != before.UID || passwordOf(after) != passwordOf(before) {
				t.Errorf("secret %s of a user that stays was replaced or changed its password", before.Name)
			}
		}
	})

	t.Run("ReaddedUserGetsItsPasswordBack", func(t *testing.T) {
		updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) {
			setAccess(o, accessEntry("app", "", nil, ""), accessEntry("custom", "", nil, name+"-custom-creds"), accessEntry("reporting", "shop", nil, ""))
		})
		obj := readyWithSecrets(t, postgres, name, secrets...)
		again := getSecret(t, u, userNS(), name+"-reporting")
		if passwordOf(again) != passwordOf(reporting) {
			t.Error("the re-added user got a new password; the retained role still has the old one")
		}
		if got := retainedRoles(t, obj); len(got) != 0 {
			t.Errorf("retained roles = %v, want none once the user is back", got)
		}
	})

	t.Run("DeletedUserSecretIsWrittenAgain", func(t *testing.T) {
		if err := a.kube.CoreV1().Secrets(userNS()).Delete(ctxFor(t), name+"-app", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		var after *corev1.Secret
		waitFor(t, "the user secret to be written again", func() (bool, error) {
			s, err := u.kube.CoreV1().Secrets(userNS()).Get(ctxFor(t), name+"-app", metav1.GetOptions{})
			after = s
			return err == nil, err
		})
		if after.UID == app.UID || passwordOf(after) != passwordOf(app) {
			t.Errorf("recreated user secret: new object %v, password kept %v", after.UID != app.UID, passwordOf(after) == passwordOf(app))
		}
	})

	t.Run("DeletingTheClaimDeletesUserSecrets", func(t *testing.T) {
		deleteClaimAndWait(t, postgres, userNS(), name)
		for _, s := range secrets {
			if _, err := a.kube.CoreV1().Secrets(userNS()).Get(ctxFor(t), s, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("user secret %s still exists after the claim is gone (err %v)", s, err)
			}
		}
	})
}

func TestAccessMariaDB(t *testing.T) {
	u := user(t)
	name := uniqueName("mdbusers")
	obj := newClaim(mariadb, name, name+"-conn", map[string]any{"instances": int64(3)})
	setAccess(obj,
		accessEntry("shop", "", []string{"SELECT", "INSERT", "UPDATE", "DELETE"}, ""),
		accessEntry("readonly", "shop", []string{"SELECT"}, ""),
	)
	createClaim(t, u, mariadb, obj)
	obj = readyWithSecrets(t, mariadb, name, name+"-shop", name+"-readonly")
	main := getSecret(t, u, userNS(), name+"-conn")
	shop := checkUserSecret(t, mariadb, obj, name+"-shop", "shop", "shop", main)
	ro := checkUserSecret(t, mariadb, obj, name+"-readonly", "readonly", "shop", main)
	if !strings.HasPrefix(string(shop.Data["MARIADB_HOST"]), "proxysql.") {
		t.Errorf("MARIADB_HOST = %q, want the ProxySQL service of the Galera cluster", shop.Data["MARIADB_HOST"])
	}
	if passwordOf(shop) == passwordOf(ro) {
		t.Error("users share a password")
	}
	want := []string{
		"shop/shop/" + name + "-shop/[SELECT INSERT UPDATE DELETE]",
		"readonly/shop/" + name + "-readonly/[SELECT]",
	}
	if got := provisionedUsers(t, obj); !slices.Equal(got, want) {
		t.Errorf("provisioned users = %v\nwant %v", got, want)
	}

	// A change of privileges changes the status, not the user's secret.
	updateClaim(t, u, mariadb, userNS(), name, func(o *unstructured.Unstructured) {
		setAccess(o, accessEntry("shop", "", []string{"ALL PRIVILEGES"}, ""), accessEntry("readonly", "shop", []string{"SELECT"}, ""))
	})
	obj = readyWithSecrets(t, mariadb, name, name+"-shop", name+"-readonly")
	if got := provisionedUsers(t, obj); len(got) != 2 || got[0] != "shop/shop/"+name+"-shop/[ALL PRIVILEGES]" {
		t.Errorf("status.access after the privilege change = %v", got)
	}
	if after := getSecret(t, u, userNS(), name+"-shop"); after.ResourceVersion != shop.ResourceVersion {
		t.Error("a privilege change rewrote the user's secret")
	}
}

func TestAccessPrivilegesByComposition(t *testing.T) {
	u := user(t)

	t.Run("CloudNativePGRefusesPrivileges", func(t *testing.T) {
		name := uniqueName("pgcnpg")
		obj := newClaim(postgres, name, "", nil)
		setAccess(obj, accessEntry("app", "", []string{"SELECT"}, ""))
		createClaim(t, u, postgres, obj)
		obj = waitClaim(t, u, postgres, userNS(), name, "Synced False", func(o *unstructured.Unstructured) bool {
			c := cond(o, "Synced")
			return c != nil && c["status"] == "False" && condGen(c) == o.GetGeneration()
		})
		if msg := fmt.Sprint(cond(obj, "Synced")["message"]); !strings.Contains(msg, "access[0].privileges") || !strings.Contains(msg, "CloudNativePG") {
			t.Errorf("Synced message %q does not say that privileges are not supported on CloudNativePG", msg)
		}
		if c := cond(obj, "Ready"); c == nil || c["status"] != "False" {
			t.Errorf("Ready = %v, want False", c)
		}
		if _, err := u.kube.CoreV1().Secrets(userNS()).Get(ctxFor(t), name+"-app", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("a secret was written for the refused user (err %v)", err)
		}

		// Without privileges the same user is fine.
		updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) { setAccess(o, accessEntry("app", "", nil, "")) })
		obj = readyWithSecrets(t, postgres, name, name+"-app")
		if got := provisionedUsers(t, obj); len(got) != 1 {
			t.Errorf("provisioned users = %v", got)
		}
	})

	t.Run("StackGresGrantsPrivileges", func(t *testing.T) {
		name := uniqueName("pgsg")
		obj := newClaim(postgres, name, name+"-conn", nil)
		obj.Object["spec"].(map[string]any)["compositionRef"] = map[string]any{"name": compositionStackGres}
		setAccess(obj, accessEntry("app", "", []string{"CONNECT", "CREATE"}, ""))
		createClaim(t, u, postgres, obj)
		obj = readyWithSecrets(t, postgres, name, name+"-app")
		checkUserSecret(t, postgres, obj, name+"-app", "app", "app", getSecret(t, u, userNS(), name+"-conn"))
		if got := provisionedUsers(t, obj); !slices.Equal(got, []string{"app/app/" + name + "-app/[CONNECT CREATE]"}) {
			t.Errorf("provisioned users = %v", got)
		}
	})
}

func TestAccessInvalidEntries(t *testing.T) {
	u, a := user(t), admin(t)
	for _, tc := range []struct {
		name    string
		entries func(claim string) []map[string]any
		want    []string // parts of the Synced message
	}{
		{"UppercaseAndUnderscore", func(string) []map[string]any { return []map[string]any{accessEntry("Bad_User", "", nil, "")} },
			[]string{`access[0].user "Bad_User"`, "lowercase"}},
		{"StartsWithDigit", func(string) []map[string]any {
			return []map[string]any{accessEntry("ok", "", nil, ""), accessEntry("1app", "", nil, "")}
		},
			[]string{`access[1].user "1app"`}},
		{"TooLong", func(string) []map[string]any {
			return []map[string]any{accessEntry(strings.Repeat("a", 64), "", nil, "")}
		},
			[]string{"64 characters long, at most 63"}},
		{"DuplicateUser", func(string) []map[string]any {
			return []map[string]any{accessEntry("app", "", nil, ""), accessEntry("app", "other", nil, "")}
		},
			[]string{`"app" is listed more than once`}},
		{"SecretOfTheInstance", func(claim string) []map[string]any {
			return []map[string]any{accessEntry("app", "", nil, claim+"-conn")}
		},
			[]string{"is the instance's own connection secret"}},
		{"LowercasePrivilege", func(string) []map[string]any { return []map[string]any{accessEntry("app", "", []string{"select"}, "")} },
			[]string{`"select" is not a privilege`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := uniqueName("pgbad")
			obj := newClaim(postgres, name, name+"-conn", nil)
			obj.Object["spec"].(map[string]any)["compositionRef"] = map[string]any{"name": compositionStackGres}
			setAccess(obj, tc.entries(name)...)
			createClaim(t, u, postgres, obj)
			obj = waitClaim(t, u, postgres, userNS(), name, "Synced False", func(o *unstructured.Unstructured) bool {
				c := cond(o, "Synced")
				return c != nil && c["status"] == "False"
			})
			msg := fmt.Sprint(cond(obj, "Synced")["message"])
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("Synced message %q lacks %q", msg, w)
				}
			}
			if c := cond(obj, "Ready"); c == nil || c["status"] != "False" {
				t.Errorf("Ready = %v, want False", c)
			}
		})
	}

	t.Run("ForeignSecretIsNotOverwritten", func(t *testing.T) {
		name := uniqueName("pgfor")
		secret := name + "-app"
		foreign := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: secret, Namespace: userNS()}, StringData: map[string]string{"mine": "yes"}}
		if _, err := a.kube.CoreV1().Secrets(userNS()).Create(ctxFor(t), foreign, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = a.kube.CoreV1().Secrets(userNS()).Delete(ctxFor(t), secret, metav1.DeleteOptions{}) })
		obj := newClaim(postgres, name, "", nil)
		setAccess(obj, accessEntry("app", "", nil, ""))
		createClaim(t, u, postgres, obj)
		obj = waitClaim(t, u, postgres, userNS(), name, "Synced False", func(o *unstructured.Unstructured) bool {
			c := cond(o, "Synced")
			return c != nil && c["status"] == "False"
		})
		if msg := fmt.Sprint(cond(obj, "Synced")["message"]); !strings.Contains(msg, secret) || !strings.Contains(msg, "already exists") {
			t.Errorf("Synced message %q does not explain the clash", msg)
		}
		if s := getSecret(t, u, userNS(), secret); len(s.Data) != 1 || len(s.OwnerReferences) != 0 {
			t.Errorf("foreign secret was changed: keys %v, owners %v", slices.Collect(maps.Keys(s.Data)), s.OwnerReferences)
		}
		if err := a.kube.CoreV1().Secrets(userNS()).Delete(ctxFor(t), secret, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		readyWithSecrets(t, postgres, name, secret)
	})
}
