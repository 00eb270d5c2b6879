package controller

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Database users: spec.parameters.service.access[] of PostgreSQL and MariaDB claims.
//
// For every entry the platform creates a role (user) and a database (default: the user's name),
// grants the privileges (default ALL) and writes a per-user connection secret, by default
// <claim>-<user> in the claim's namespace. Without a database server behind it, the controller
// does what a client can observe:
//
//   - the per-user secret, complete in one write, with a password drawn once per user (an HMAC
//     of claim UID and user name under the platform seed: the same after every reconcile, after a
//     controller restart, and when a removed user is added again — as the retained role keeps its
//     password);
//   - memory.access [{user, database, privileges, secretName}]: the users provisioned, in spec
//     order (extension: the real AppCat shows them only through its composed resources);
//   - memory.retainedRoles [{user, database, removedAt}]: users (or databases of a user) removed
//     from access[]. As documented for AppCat, removing an entry deletes its secret but keeps the
//     role and the database; this list makes that visible (extension);
//   - the claim is not Ready until every user's secret is written: provision writes them before
//     the status, and an invalid entry fails the claim (Synced and Ready False, with the reason).
//
// The rules checked here are the platform's: a user or database name is used inside Kubernetes
// object names on AppCat (secret <claim>-<user>, roles and grants named after it), so it must be a
// DNS label (lowercase letters, digits, '-', starting with a letter), within the database's own
// length limit; PostgreSQL privileges are not available on the CloudNativePG composition.

// labelAccessUser marks a per-user connection secret with its user. The secret also carries the
// claim's labels (so a change to it wakes the claim) and an owner reference to the claim.
const labelAccessUser = "appcat.vshn.io/access-user"

// accessSpec is what differs between the kinds that have database users.
type accessSpec struct {
	userMaxLength, databaseMaxLength int
	// privilegePattern is what the platform's SQL provider accepts as one privilege.
	privilegePattern *regexp.Regexp
	// privilegesSupported tells whether the claim's implementation can grant privileges.
	privilegesSupported func(obj *unstructured.Unstructured) bool
	// secret is the per-user secret's content; base is the instance's own connection data.
	secret func(u accessUser, password string, base map[string][]byte) map[string][]byte
}

// The kinds' database users (kind.access).
var (
	postgresqlAccess = accessSpec{
		userMaxLength: 63, databaseMaxLength: 63, // NAMEDATALEN - 1
		privilegePattern: regexp.MustCompile(`^[A-Z]+$`),
		privilegesSupported: func(obj *unstructured.Unstructured) bool {
			composition := specString(obj, "compositionRef", "name")
			return composition != "" && composition != compositionPostgreSQLCNPG
		},
		secret: postgresqlUserSecret,
	}
	mariadbAccess = accessSpec{
		userMaxLength: 32, databaseMaxLength: 64,
		privilegePattern:    regexp.MustCompile(`^[A-Z_ ]+$`),
		privilegesSupported: func(*unstructured.Unstructured) bool { return true },
		secret:              mariadbUserSecret,
	}
)

const compositionPostgreSQLCNPG = "vshnpostgrescnpg.vshn.appcat.vshn.io"

// accessName is the shape of user and database names: a DNS label that starts with a letter.
var accessName = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

// accessUser is one valid entry of spec.parameters.service.access, defaults filled in.
type accessUser struct {
	User, Database string
	Privileges     []string
	SecretName     string
}

// parseAccess reads and checks spec.parameters.service.access. Any invalid entry fails the whole
// list (a userError), so that nothing is half applied.
func parseAccess(obj *unstructured.Unstructured, spec accessSpec) ([]accessUser, error) {
	raw, _, err := unstructured.NestedSlice(obj.Object, "spec", "parameters", "service", "access")
	if err != nil {
		return nil, userError{msg: fmt.Sprintf("spec.parameters.service.access: %v", err)}
	}
	mainSecret := specString(obj, "writeConnectionSecretToRef", "name")
	users := make([]accessUser, 0, len(raw))
	seenUser, seenSecret := map[string]bool{}, map[string]string{}
	for i, item := range raw {
		field := fmt.Sprintf("spec.parameters.service.access[%d]", i)
		fail := func(format string, args ...any) error {
			return userError{msg: field + fmt.Sprintf(format, args...)}
		}
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fail(": not an object")
		}
		u := accessUser{User: stringField(m, "user")}
		u.Database = stringField(m, "database")
		if u.Database == "" {
			u.Database = u.User
		}
		if err := checkAccessName(u.User, spec.userMaxLength); err != "" {
			return nil, fail(".user %q: %s", u.User, err)
		}
		if err := checkAccessName(u.Database, spec.databaseMaxLength); err != "" {
			return nil, fail(".database %q: %s", u.Database, err)
		}
		if seenUser[u.User] {
			return nil, fail(".user: user %q is listed more than once", u.User)
		}
		seenUser[u.User] = true

		if list, ok := m["privileges"].([]any); ok {
			for _, p := range list {
				s, _ := p.(string)
				if !spec.privilegePattern.MatchString(s) {
					return nil, fail(".privileges: %q is not a privilege (expected uppercase, e.g. SELECT)", s)
				}
				u.Privileges = append(u.Privileges, s)
			}
		}
		if len(u.Privileges) > 0 && !spec.privilegesSupported(obj) {
			return nil, fail(".privileges: privileges are not supported by the CloudNativePG composition %s; remove them (the user gets ALL on its database) or use the StackGres composition", compositionPostgreSQLCNPG)
		}

		u.SecretName = obj.GetName() + "-" + u.User
		if ref, ok := m["writeConnectionSecretToRef"].(map[string]any); ok {
			if name := stringField(ref, "name"); name != "" {
				u.SecretName = name
			}
			if ns := stringField(ref, "namespace"); ns != "" && ns != obj.GetNamespace() {
				return nil, fail(".writeConnectionSecretToRef.namespace %q: this platform writes user secrets only into the claim's namespace %q", ns, obj.GetNamespace())
			}
		}
		if errs := validation.IsDNS1123Subdomain(u.SecretName); len(errs) > 0 {
			return nil, fail(": secret name %q is not valid: %s", u.SecretName, strings.Join(errs, "; "))
		}
		if u.SecretName == mainSecret {
			return nil, fail(": secret name %q is the instance's own connection secret", u.SecretName)
		}
		if other, dup := seenSecret[u.SecretName]; dup {
			return nil, fail(": secret name %q is already used by user %q", u.SecretName, other)
		}
		seenSecret[u.SecretName] = u.User
		users = append(users, u)
	}
	return users, nil
}

func stringField(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// checkAccessName returns why name is not a valid user or database name, or "".
func checkAccessName(name string, maxLength int) string {
	switch {
	case name == "":
		return "must not be empty"
	case len(name) > maxLength:
		return fmt.Sprintf("is %d characters long, at most %d are allowed", len(name), maxLength)
	case !accessName.MatchString(name):
		return "must consist of lowercase letters, digits and '-', start with a letter and end with a letter or digit"
	}
	return ""
}

// accessPassword is the password of one database user of the claim.
func (p *platformSecrets) accessPassword(uid types.UID, user string) string {
	return p.password(string(uid) + "/access/" + user)
}

func postgresqlUserSecret(u accessUser, password string, base map[string][]byte) map[string][]byte {
	host, port := string(base["POSTGRESQL_HOST"]), string(base["POSTGRESQL_PORT"])
	return map[string][]byte{
		"POSTGRESQL_USER":       []byte(u.User),
		"POSTGRESQL_PASSWORD":   []byte(password),
		"POSTGRESQL_DB":         []byte(u.Database),
		"POSTGRESQL_HOST":       []byte(host),
		"POSTGRESQL_PORT":       []byte(port),
		"POSTGRESQL_URL":        fmt.Appendf(nil, "postgresql://%s:%s@%s:%s/%s", u.User, password, host, port, u.Database),
		keyCACert:               base[keyCACert],
		corev1.TLSCertKey:       base[corev1.TLSCertKey],
		corev1.TLSPrivateKeyKey: base[corev1.TLSPrivateKeyKey],
	}
}

func mariadbUserSecret(u accessUser, password string, base map[string][]byte) map[string][]byte {
	host, port := string(base["MARIADB_HOST"]), string(base["MARIADB_PORT"])
	return map[string][]byte{
		"MARIADB_USERNAME": []byte(u.User),
		"MARIADB_PASSWORD": []byte(password),
		"MARIADB_DB":       []byte(u.Database),
		"MARIADB_HOST":     []byte(host),
		"MARIADB_PORT":     []byte(port),
		// As AppCat writes it: without the database.
		"MARIADB_URL": fmt.Appendf(nil, "mysql://%s:%s@%s:%s", u.User, password, host, port),
		keyCACert:     base[keyCACert],
	}
}

func isAccessSecret(s *corev1.Secret) bool { return s.Labels[labelAccessUser] != "" }

// accessOutcome is what ensureAccess did, for the status.
type accessOutcome struct {
	users []accessUser
}

// ensureAccess writes the per-user connection secrets of the claim's access list and deletes
// those of users no longer listed. It returns nil for kinds without database users.
func (r *reconciler) ensureAccess(ctx context.Context, obj *unstructured.Unstructured, instanceNS string) (*accessOutcome, error) {
	if r.kind.access == nil {
		return nil, nil
	}
	users, err := parseAccess(obj, *r.kind.access)
	if err != nil {
		return nil, err
	}
	out := &accessOutcome{users: users}
	_, hadUsers, _ := unstructured.NestedSlice(obj.Object, "status", "access")
	if len(users) == 0 && !hadUsers && observedGeneration(obj) == obj.GetGeneration() {
		return out, nil // nothing listed now or before: spare the list call
	}

	existing, err := r.listAccessSecrets(ctx, obj)
	if err != nil {
		return nil, err
	}
	ps, err := r.secretsFor(ctx, obj, instanceNS)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, u := range users {
		want[u.SecretName] = true
		if err := r.writeAccessSecret(ctx, obj, instanceNS, ps, *r.kind.access, u, existing[u.SecretName]); err != nil {
			return nil, err
		}
	}
	for name, s := range existing {
		if want[name] {
			continue
		}
		if err := r.client.Delete(ctx, s); err != nil && !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("deleting connection secret %s/%s of removed user %s: %w", s.Namespace, name, s.Labels[labelAccessUser], err)
		}
	}
	return out, nil
}

// listAccessSecrets returns the per-user secrets this claim owns, by name.
func (r *reconciler) listAccessSecrets(ctx context.Context, obj *unstructured.Unstructured) (map[string]*corev1.Secret, error) {
	var list corev1.SecretList
	if err := r.client.List(ctx, &list, client.InNamespace(obj.GetNamespace()),
		client.MatchingLabels(claimLabels(r.kind, obj)), client.HasLabels{labelAccessUser}); err != nil {
		return nil, fmt.Errorf("listing user connection secrets: %w", err)
	}
	out := make(map[string]*corev1.Secret, len(list.Items))
	for i := range list.Items {
		if s := &list.Items[i]; ownedBy(s, obj.GetUID()) {
			out[s.Name] = s
		}
	}
	return out, nil
}

// writeAccessSecret creates or updates one user's secret, complete in one write, and only when
// its content differs. existing is the secret as listed (nil: none).
func (r *reconciler) writeAccessSecret(ctx context.Context, obj *unstructured.Unstructured, instanceNS string, ps *platformSecrets, spec accessSpec, u accessUser, existing *corev1.Secret) error {
	// The instance's connection data gives host, port, CA and (PostgreSQL) the server
	// certificate, which is kept from the existing secret while it still fits.
	base, err := connectionSecretData(r.kind, obj, instanceNS, ps, existing)
	if err != nil {
		return err
	}
	data := spec.secret(u, ps.accessPassword(obj.GetUID(), u.User), base)
	labels := claimLabels(r.kind, obj)
	labels[labelAccessUser] = u.User

	if existing == nil {
		s := &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{
				Namespace:       obj.GetNamespace(),
				Name:            u.SecretName,
				Labels:          labels,
				OwnerReferences: []metav1.OwnerReference{ownerRef(obj)},
			},
			Type: corev1.SecretTypeOpaque,
			Data: data,
		}
		err := r.client.Create(ctx, s)
		if apierrors.IsAlreadyExists(err) {
			return r.secretInTheWay(ctx, obj, u)
		}
		if err != nil {
			return fmt.Errorf("creating connection secret %s/%s of user %s: %w", obj.GetNamespace(), u.SecretName, u.User, err)
		}
		return nil
	}

	merged := maps.Clone(existing.Labels)
	maps.Copy(merged, labels)
	if equality.Semantic.DeepEqual(existing.Data, data) && maps.Equal(existing.Labels, merged) {
		return nil
	}
	existing.Data = data
	existing.Labels = merged
	if err := r.client.Update(ctx, existing); err != nil {
		return fmt.Errorf("updating connection secret %s/%s of user %s: %w", existing.Namespace, existing.Name, u.User, err)
	}
	return nil
}

// secretInTheWay explains why a user's secret could not be created: a secret of that name exists
// that is not this user's. As with the instance's own secret, it is left alone.
func (r *reconciler) secretInTheWay(ctx context.Context, obj *unstructured.Unstructured, u accessUser) error {
	var s corev1.Secret
	err := r.client.Get(ctx, types.NamespacedName{Namespace: obj.GetNamespace(), Name: u.SecretName}, &s)
	switch {
	case apierrors.IsNotFound(err):
		return retrySoon("connection secret %s of user %s deleted meanwhile", u.SecretName, u.User)
	case err != nil:
		return fmt.Errorf("reading connection secret %s/%s: %w", obj.GetNamespace(), u.SecretName, err)
	case ownedBy(&s, obj.GetUID()) && isAccessSecret(&s):
		// Ours, written meanwhile (the list was older).
		return retrySoon("connection secret %s of user %s written meanwhile", u.SecretName, u.User)
	}
	return userError{
		msg:   fmt.Sprintf("cannot write the connection secret of user %q: secret %q already exists in namespace %q and does not belong to this user", u.User, u.SecretName, obj.GetNamespace()),
		retry: conflictRetry,
	}
}

// deleteAccessSecrets deletes every per-user secret of the claim (on deletion of the claim).
func (r *reconciler) deleteAccessSecrets(ctx context.Context, obj *unstructured.Unstructured) error {
	if r.kind.access == nil {
		return nil
	}
	existing, err := r.listAccessSecrets(ctx, obj)
	if err != nil {
		return err
	}
	for _, s := range existing {
		if err := r.client.Delete(ctx, s); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting connection secret %s/%s: %w", s.Namespace, s.Name, err)
		}
	}
	return nil
}

// setAccessStatus puts memory.access and memory.retainedRoles into status (a copy of the
// claim's status, which still holds the previous values).
func setAccessStatus(status map[string]any, out *accessOutcome, now time.Time) {
	if out == nil {
		return
	}
	type pair struct{ user, database string }
	active := map[pair]bool{}
	access := make([]any, 0, len(out.users))
	for _, u := range out.users {
		active[pair{u.User, u.Database}] = true
		e := map[string]any{"user": u.User, "database": u.Database, "secretName": u.SecretName}
		if len(u.Privileges) > 0 {
			privs := make([]any, len(u.Privileges))
			for i, p := range u.Privileges {
				privs[i] = p
			}
			e["privileges"] = privs
		}
		access = append(access, e)
	}

	// Retained: what was retained before and is not active again, then what was active before
	// and is not any more.
	var retained []any
	seen := map[pair]bool{}
	keep := func(p pair, removedAt string) {
		if active[p] || seen[p] || p.user == "" {
			return
		}
		seen[p] = true
		retained = append(retained, map[string]any{"user": p.user, "database": p.database, "removedAt": removedAt})
	}
	prevRetained, _ := status["retainedRoles"].([]any)
	for _, item := range prevRetained {
		if m, ok := item.(map[string]any); ok {
			keep(pair{stringField(m, "user"), stringField(m, "database")}, stringField(m, "removedAt"))
		}
	}
	prevAccess, _ := status["access"].([]any)
	for _, item := range prevAccess {
		if m, ok := item.(map[string]any); ok {
			keep(pair{stringField(m, "user"), stringField(m, "database")}, now.UTC().Format(time.RFC3339))
		}
	}

	if len(access) > 0 {
		status["access"] = access
	} else {
		delete(status, "access")
	}
	if len(retained) > 0 {
		status["retainedRoles"] = retained
	} else {
		delete(status, "retainedRoles")
	}
}
