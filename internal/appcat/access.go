package appcat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
)

// Database users: spec.parameters.service.access[] of PostgreSQL and MariaDB claims.
//
// The platform treats the list as one value (x-kubernetes-list-type: atomic), so server-side
// apply cannot merge entries from several writers: whoever applies last would own the whole list.
// It is changed by read-modify-write instead: GET the claim, change the list, UPDATE with the
// object's resourceVersion, and on a conflict (someone wrote in between — another user resource,
// the instance resource, the platform's controller) read again and redo the change. Ten users
// created in one terraform apply therefore all land. The Update carries its own field manager, so
// managedFields show who last wrote the list; the instance resource's server-side apply does not
// send the list and leaves it alone.

// Errors of the access operations, to be tested with errors.Is.
var (
	// ErrAccessExists: the user is already in the instance's access list (create only).
	ErrAccessExists = errors.New("the user already exists in the instance's access list")
	// ErrPrivilegesUnsupported: the instance's implementation cannot grant privileges.
	ErrPrivilegesUnsupported = errors.New("privileges are not supported by this instance's implementation")
	// ErrClaimDeleting: the instance is being deleted; its access list is not changed any more.
	ErrClaimDeleting = errors.New("the instance is being deleted")
)

// AccessSecret describes the per-user connection secret of a kind: the keys the platform writes
// and what each part of the connection is called.
type AccessSecret struct {
	Keys       []string
	Connection ConnectionKeys
}

// UserRules are what differs between the kinds that have database users.
type UserRules struct {
	// Secret is the per-user connection secret.
	Secret AccessSecret
	// UserMaxLength and DatabaseMaxLength are the database's own limits on names.
	UserMaxLength, DatabaseMaxLength int
	// Privilege is what the platform's SQL provider accepts as one privilege.
	Privilege *regexp.Regexp
	// PrivilegeCompositions are the compositions that can grant privileges; nil: all.
	PrivilegeCompositions []string
}

// AccessSecretOf returns the per-user connection secret of kinds that have database users;
// ok is false for the others (Redis).
func AccessSecretOf(k Kind) (s AccessSecret, ok bool) {
	if k.Users == nil {
		return AccessSecret{}, false
	}
	return k.Users.Secret, true
}

// AccessNameRule is the platform's rule for user and database names. On AppCat the user's name
// becomes part of Kubernetes object names (the secret <instance>-<user>, the role and grant
// objects), so it must be a DNS label; it must start with a letter to be a plain SQL identifier.
// Underscores are therefore not possible, although both databases would accept them.
var AccessNameRule = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

// AccessLimits are a kind's length limits for user and database names: the database's own
// (PostgreSQL: 63 bytes, NAMEDATALEN-1; MariaDB: 32 characters for users as in MySQL 5.7+, 64
// for databases). Zero for a kind without users.
func AccessLimits(k Kind) (userMax, databaseMax int) {
	if k.Users == nil {
		return 0, 0
	}
	return k.Users.UserMaxLength, k.Users.DatabaseMaxLength
}

// PrivilegeRule is what the platform's SQL provider accepts as one privilege of a kind:
// PostgreSQL `^[A-Z]+$` (e.g. SELECT, CONNECT), MariaDB `^[A-Z_ ]+$` (e.g. ALL PRIVILEGES).
func PrivilegeRule(k Kind) *regexp.Regexp {
	if k.Users == nil {
		return regexp.MustCompile(`^$`)
	}
	return k.Users.Privilege
}

// PrivilegesSupported tells whether an instance of kind k with the given composition (empty:
// the platform's default) can grant privileges: every MariaDB, and PostgreSQL on StackGres but not
// on CloudNativePG (the default).
func PrivilegesSupported(k Kind, composition string) bool {
	if k.Users == nil {
		return false
	}
	return k.Users.PrivilegeCompositions == nil || slices.Contains(k.Users.PrivilegeCompositions, composition)
}

// DefaultAccessSecretName is the platform's name for a user's secret: <instance>-<user>.
func DefaultAccessSecretName(instance, user string) string { return instance + "-" + user }

// AccessSecretName is the name of the secret the platform writes for entry e of instance.
func AccessSecretName(instance string, e Access) string {
	if e.WriteConnectionSecretToRef != nil && e.WriteConnectionSecretToRef.Name != "" {
		return e.WriteConnectionSecretToRef.Name
	}
	return DefaultAccessSecretName(instance, e.User)
}

// AccessDatabase is the database of entry e: its own, or the user's name.
func AccessDatabase(e Access) string {
	if e.Database != nil && *e.Database != "" {
		return *e.Database
	}
	return e.User
}

// AccessView is what the access operations read from a claim.
type AccessView struct {
	Namespace, Name string
	Generation      int64
	ResourceVersion string
	// Composition is spec.compositionRef.name; empty until the platform sets its default.
	Composition string
	Deleting    bool
	// Users is spec.parameters.service.access.
	Users []Access
}

// Find returns the entry of user, if listed.
func (v *AccessView) Find(user string) (Access, bool) {
	for _, e := range v.Users {
		if e.User == user {
			return e, true
		}
	}
	return Access{}, false
}

// accessObject is the part of a claim the access operations decode.
type accessObject struct {
	Metadata ObjectMeta `json:"metadata"`
	Spec     struct {
		Parameters struct {
			Service struct {
				Access []Access `json:"access"`
			} `json:"service"`
		} `json:"parameters"`
		CompositionRef *LocalRef `json:"compositionRef"`
	} `json:"spec"`
}

func accessViewOf(u *unstructured.Unstructured) (*AccessView, error) {
	raw, err := json.Marshal(u.Object)
	if err != nil {
		return nil, err
	}
	var o accessObject
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, fmt.Errorf("decoding %s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
	}
	v := &AccessView{
		Namespace: o.Metadata.Namespace, Name: o.Metadata.Name,
		Generation: o.Metadata.Generation, ResourceVersion: o.Metadata.ResourceVersion,
		Deleting: o.Metadata.DeletionTimestamp != nil,
		Users:    o.Spec.Parameters.Service.Access,
	}
	if o.Spec.CompositionRef != nil {
		v.Composition = o.Spec.CompositionRef.Name
	}
	return v, nil
}

// GetAccess reads the access list from a claim. A missing claim is ErrNotFound.
func (c *Client) GetAccess(ctx context.Context, k Kind, namespace, name string, mode ReadMode) (*AccessView, error) {
	u, err := c.get(ctx, k.GVR(), namespace, name, mode)
	if err != nil {
		return nil, err
	}
	return accessViewOf(u)
}

// UpsertAccess returns list with e in place of the entry of the same user, or appended; the
// order of the other entries is kept. existed tells whether the user was listed.
func UpsertAccess(list []Access, e Access) (out []Access, existed bool) {
	out = make([]Access, 0, len(list)+1)
	for _, old := range list {
		if old.User == e.User {
			if !existed {
				out = append(out, e)
			}
			existed = true
			continue
		}
		out = append(out, old)
	}
	if !existed {
		out = append(out, e)
	}
	return out, existed
}

// RemoveAccess returns list without the entry of user; removed tells whether it was listed.
func RemoveAccess(list []Access, user string) (out []Access, removed bool) {
	out = make([]Access, 0, len(list))
	for _, e := range list {
		if e.User == user {
			removed = true
			continue
		}
		out = append(out, e)
	}
	return out, removed
}

// setAccessList writes list into the claim's spec.parameters.service.access; an empty list
// removes the field (the platform's default: no users).
func setAccessList(u *unstructured.Unstructured, list []Access) error {
	path := []string{"spec", "parameters", "service", "access"}
	if len(list) == 0 {
		unstructured.RemoveNestedField(u.Object, path...)
		return nil
	}
	raw, err := json.Marshal(list)
	if err != nil {
		return err
	}
	var items []any
	if err := json.Unmarshal(raw, &items); err != nil {
		return err
	}
	return unstructured.SetNestedSlice(u.Object, items, path...)
}

// accessBackoff spaces the retries after a conflict. Ten writers of one list need up to ten
// rounds; the jitter spreads them so that each round lets at least one through.
var accessBackoff = wait.Backoff{Steps: 40, Duration: 10 * time.Millisecond, Factor: 1.5, Jitter: 1, Cap: time.Second}

// AccessChange computes the new access list from the claim as read. Returning the list
// unchanged writes nothing.
type AccessChange func(v *AccessView) ([]Access, error)

// ChangeAccess changes a claim's access list by read-modify-write with the claim's
// resourceVersion, retrying on conflicts. It returns the claim as written (or as read, when
// nothing changed). fieldManager names the writer in managedFields.
func (c *Client) ChangeAccess(ctx context.Context, k Kind, namespace, name, fieldManager string, change AccessChange) (*AccessView, error) {
	res := c.dynamic.Resource(k.GVR()).Namespace(namespace)
	c.markWritten(objectKey{k.GVR(), namespace, name})
	var result *AccessView
	err := retry.RetryOnConflict(accessBackoff, func() error {
		u, err := res.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		view, err := accessViewOf(u)
		if err != nil {
			return err
		}
		list, err := change(view)
		if err != nil {
			return err
		}
		if reflect.DeepEqual(normalizeAccess(list), normalizeAccess(view.Users)) {
			result = view
			return nil
		}
		if view.Deleting {
			return ErrClaimDeleting
		}
		if err := setAccessList(u, list); err != nil {
			return err
		}
		// u carries the resourceVersion it was read with: a write in between is a conflict.
		out, err := res.Update(ctx, u, metav1.UpdateOptions{FieldManager: fieldManager})
		if err != nil {
			return err
		}
		result, err = accessViewOf(out)
		return err
	})
	if err != nil {
		return nil, describe(err, k.GVR(), namespace, name)
	}
	return result, nil
}

// normalizeAccess makes nil and empty lists compare equal.
func normalizeAccess(list []Access) []Access {
	if len(list) == 0 {
		return nil
	}
	return list
}

// PutAccess adds entry e to the claim's access list, or replaces the entry of the same user.
// With create, a user already listed is ErrAccessExists (someone else manages it). An entry with
// privileges on an instance that cannot grant them is ErrPrivilegesUnsupported, and nothing is
// written.
func (c *Client) PutAccess(ctx context.Context, k Kind, namespace, name, fieldManager string, e Access, create bool) (*AccessView, error) {
	return c.ChangeAccess(ctx, k, namespace, name, fieldManager, func(v *AccessView) ([]Access, error) {
		if len(e.Privileges) > 0 && !PrivilegesSupported(k, v.Composition) {
			return nil, fmt.Errorf("%w: %s %s/%s runs on %s", ErrPrivilegesUnsupported, k.Kind, namespace, name, compositionOrDefault(v.Composition))
		}
		list, existed := UpsertAccess(v.Users, e)
		if existed && create {
			return nil, fmt.Errorf("%w: user %q of %s %s/%s", ErrAccessExists, e.User, k.Kind, namespace, name)
		}
		return list, nil
	})
}

// DeleteAccess removes the entry of user from the claim's access list; removed tells whether it
// was listed. A missing claim is not an error (removed is false).
func (c *Client) DeleteAccess(ctx context.Context, k Kind, namespace, name, fieldManager, user string) (view *AccessView, removed bool, err error) {
	view, err = c.ChangeAccess(ctx, k, namespace, name, fieldManager, func(v *AccessView) ([]Access, error) {
		list, ok := RemoveAccess(v.Users, user)
		removed = ok
		return list, nil
	})
	if IsNotFound(err) {
		return nil, false, nil
	}
	return view, removed, err
}

func compositionOrDefault(composition string) string {
	if composition == "" {
		return CompositionPostgreSQLCNPG + " (the default)"
	}
	return composition
}

// WaitAccess waits until the platform has provisioned user as of the claim's generation: the
// claim is Synced and Ready for it, and the user's secret (named by its access entry) holds
// every key. It returns the
// secret's data; the values are secret and must never be logged.
func (c *Client) WaitAccess(ctx context.Context, k Kind, namespace, name string, generation int64, user string, opts WaitOptions, progress Progress) (map[string][]byte, error) {
	spec, ok := AccessSecretOf(k)
	if !ok {
		return nil, fmt.Errorf("%s has no database users", k.Kind)
	}
	ready, _, err := c.WaitReady(ctx, k, namespace, name, generation, opts, progress)
	if err != nil {
		return nil, err
	}
	view, err := accessViewOf(ready)
	if err != nil {
		return nil, err
	}
	// The user's secret is named by the access entry, as AppCat names it; AppCat reports no
	// per-user status.
	e, listed := view.Find(user)
	if !listed {
		return nil, fmt.Errorf("user %q is no longer in the access list of %s %s/%s (removed by someone else?)", user, k.Kind, namespace, name)
	}
	return c.waitSecretKeys(ctx, namespace, AccessSecretName(name, e), spec.Keys, fmt.Sprintf("user %s of %s %s/%s", user, k.Kind, namespace, name), opts, progress)
}

// waitSecretKeys polls a secret until it holds every key of want.
func (c *Client) waitSecretKeys(ctx context.Context, namespace, name string, want []string, what string, opts WaitOptions, progress Progress) (map[string][]byte, error) {
	opts = opts.withDefaults()
	c.markWritten(objectKey{secretsGVR, namespace, name})
	var data map[string][]byte
	missing := want
	started := time.Now()
	lastReport := started
	err := wait.PollUntilContextCancel(ctx, 250*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		d, err := c.ConnectionSecret(ctx, namespace, name, Exact)
		switch {
		case IsNotFound(err):
			missing = want
		case err != nil:
			return false, err
		default:
			data, missing = d, MissingKeys(d, want)
		}
		if len(missing) > 0 && progress != nil && time.Since(lastReport) >= opts.ProgressEvery {
			lastReport = time.Now()
			progress(fmt.Sprintf("%s: waiting for connection secret %s/%s", what, namespace, name), map[string]any{"missing_keys": missing})
		}
		return len(missing) == 0, nil
	})
	if err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("timed out after %s waiting for the connection secret %s/%s of %s: missing keys %v", time.Since(started).Round(time.Second), namespace, name, what, missing)
	}
	if err != nil {
		return nil, err
	}
	return data, nil
}
