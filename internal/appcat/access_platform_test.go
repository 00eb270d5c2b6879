package appcat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform"
	"github.com/vshn/terraform-provider-appcat/internal/localplatform/memory"
)

// The access operations against the local AppCat platform (with TF_ACC set, as the other tests
// that need the platform): concurrent writers of one access list, composition with the instance's
// server-side apply, and what the platform does with the list.

const accessFieldManager = "test-database-user"

func startAccessPlatform(t *testing.T) *localplatform.Platform {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("needs the local platform: set TF_ACC=1")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	p, err := localplatform.Start(ctx, localplatform.Options{StateDir: t.TempDir(), ProvisioningDelay: 0})
	if err != nil {
		t.Fatalf("starting the local platform: %v", err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("stopping the platform: %v", err)
		}
	})
	return p
}

func TestAccessOnPlatform(t *testing.T) {
	p := startAccessPlatform(t)
	cfg := p.UserConfig() // a customer's rights, as the provider has them
	cfg.QPS, cfg.Burst = 50, 100
	c, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ns := p.UserNamespace()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	newPostgreSQL := func(t *testing.T, name, composition string) {
		t.Helper()
		claim := &PostgreSQLClaim{
			Metadata: ObjectMeta{Name: name, Namespace: ns},
			Spec: Spec[PostgreSQLParameters]{
				Parameters: PostgreSQLParameters{
					Service:  &PostgreSQLService{MajorVersion: accessPtr("16")},
					Security: &Security{DeletionProtection: accessPtr(false)},
				},
				CompositionRef:             &LocalRef{Name: composition},
				WriteConnectionSecretToRef: &LocalRef{Name: name + "-conn"},
			},
		}
		applied, err := ApplyClaim(ctx, c, PostgreSQL, "terraform-appcat-postgresql", claim)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := c.DeleteClaim(ctx, PostgreSQL, ns, name); err != nil {
				t.Errorf("cleanup: %v", err)
				return
			}
			if err := c.WaitDeleted(ctx, PostgreSQL, ns, name, nil); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		})
		if _, _, err := c.WaitReady(ctx, PostgreSQL, ns, name, applied.Metadata.Generation, WaitOptions{}, nil); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("TenConcurrentWritersAllLand", func(t *testing.T) {
		name := "sg-users"
		newPostgreSQL(t, name, CompositionPostgreSQLStackGres)

		// Ten users written at once, while the instance resource re-applies its own fields with
		// server-side apply: every user must land, and the apply must not drop any.
		var wg sync.WaitGroup
		errs := make([]error, 10)
		gens := make([]int64, 10)
		for i := range 10 {
			wg.Go(func() {
				e := Access{User: fmt.Sprintf("user%d", i)}
				if i%2 == 0 {
					e.Privileges = []string{"CONNECT"}
				}
				v, err := c.PutAccess(ctx, PostgreSQL, ns, name, accessFieldManager, e, true)
				errs[i] = err
				if v != nil {
					gens[i] = v.Generation
				}
			})
		}
		wg.Go(func() {
			for i := range 3 {
				claim := &PostgreSQLClaim{
					Metadata: ObjectMeta{Name: name, Namespace: ns},
					Spec: Spec[PostgreSQLParameters]{Parameters: PostgreSQLParameters{
						Service:  &PostgreSQLService{MajorVersion: accessPtr("16"), VacuumEnabled: accessPtr(i%2 == 0)},
						Security: &Security{DeletionProtection: accessPtr(false)},
					}, CompositionRef: &LocalRef{Name: CompositionPostgreSQLStackGres}, WriteConnectionSecretToRef: &LocalRef{Name: name + "-conn"}},
				}
				if _, err := ApplyClaim(ctx, c, PostgreSQL, "terraform-appcat-postgresql", claim); err != nil {
					t.Errorf("instance apply: %v", err)
				}
			}
		})
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("user%d: %v", i, err)
			}
		}
		view, err := c.GetAccess(ctx, PostgreSQL, ns, name, Exact)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range view.Users {
			got = append(got, e.User)
		}
		slices.Sort(got)
		want := []string{"user0", "user1", "user2", "user3", "user4", "user5", "user6", "user7", "user8", "user9"}
		if !slices.Equal(got, want) {
			t.Fatalf("access list = %v\nwant %v", got, want)
		}

		// Each user gets its own secret and password once the platform is done.
		passwords := map[string]string{}
		for i := range 10 {
			user := fmt.Sprintf("user%d", i)
			data, err := c.WaitAccess(ctx, PostgreSQL, ns, name, gens[i], user, WaitOptions{}, nil)
			if err != nil {
				t.Fatalf("%s: %v", user, err)
			}
			if string(data["POSTGRESQL_USER"]) != user || string(data["POSTGRESQL_DB"]) != user {
				t.Errorf("%s: secret for user %q db %q", user, data["POSTGRESQL_USER"], data["POSTGRESQL_DB"])
			}
			passwords[string(data["POSTGRESQL_PASSWORD"])] = user
		}
		if len(passwords) != 10 {
			t.Errorf("%d distinct passwords for 10 users", len(passwords))
		}

		// The list is written by the users' field manager (an Update), never owned by the
		// instance's apply.
		u, err := c.get(ctx, PostgreSQL.GVR(), ns, name, Exact)
		if err != nil {
			t.Fatal(err)
		}
		var accessOwners []string
		for _, mf := range u.GetManagedFields() {
			var fields map[string]any
			if mf.FieldsV1 == nil || json.Unmarshal(mf.FieldsV1.Raw, &fields) != nil {
				continue
			}
			if _, ok, _ := unstructured.NestedFieldNoCopy(fields, "f:spec", "f:parameters", "f:service", "f:access"); ok {
				accessOwners = append(accessOwners, fmt.Sprintf("%s/%s", mf.Manager, mf.Operation))
			}
		}
		if !slices.Equal(accessOwners, []string{accessFieldManager + "/Update"}) {
			t.Errorf("spec.parameters.service.access is managed by %v, want only %s/Update", accessOwners, accessFieldManager)
		}

		// Change one user in place, remove another: the rest stays.
		view, err = c.PutAccess(ctx, PostgreSQL, ns, name, accessFieldManager, Access{User: "user1", Privileges: []string{"CONNECT", "CREATE"}}, false)
		if err != nil {
			t.Fatal(err)
		}
		if e, _ := view.Find("user1"); fmt.Sprint(e.Privileges) != "[CONNECT CREATE]" || len(view.Users) != 10 {
			t.Errorf("after the update: user1 privileges %v, %d users", e.Privileges, len(view.Users))
		}
		if _, err := c.PutAccess(ctx, PostgreSQL, ns, name, accessFieldManager, Access{User: "user1"}, true); !errors.Is(err, ErrAccessExists) {
			t.Errorf("create of an existing user: %v, want ErrAccessExists", err)
		}
		view, removed, err := c.DeleteAccess(ctx, PostgreSQL, ns, name, accessFieldManager, "user3")
		if err != nil || !removed || len(view.Users) != 9 {
			t.Fatalf("DeleteAccess = %v, %v (%d users left)", removed, err, len(view.Users))
		}
		ready, _, err := c.WaitReady(ctx, PostgreSQL, ns, name, view.Generation, WaitOptions{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// What the platform did with the list, as its memory records it (package memory).
		admin, err := kubernetes.NewForConfig(p.AdminConfig())
		if err != nil {
			t.Fatal(err)
		}
		mem, err := memory.OfClaim(ctx, admin, ready)
		if err != nil {
			t.Fatal(err)
		}
		provisioned, retained, err := memory.Users(mem)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := memory.Provisioned(provisioned, "user3"); ok || len(provisioned) != 9 {
			t.Errorf("provisioned users still list user3 or lack others: %v", provisioned)
		}
		if p, _ := memory.Provisioned(provisioned, "user1"); fmt.Sprint(p.Privileges) != "[CONNECT CREATE]" {
			t.Errorf("provisioned user1 = %+v", p)
		}
		if len(retained) != 1 || retained[0].User != "user3" || retained[0].Database != "user3" {
			t.Errorf("retained roles = %+v, want user3", retained)
		}
		if _, err := c.ConnectionSecret(ctx, ns, name+"-user3", Exact); !IsNotFound(err) {
			t.Errorf("secret of the removed user: err = %v, want not found", err)
		}
		if _, err := c.ConnectionSecret(ctx, ns, name+"-user4", Exact); err != nil {
			t.Errorf("secret of a remaining user: %v", err)
		}
	})

	t.Run("CloudNativePGRefusesPrivilegesWithoutWriting", func(t *testing.T) {
		name := "cnpg-users"
		newPostgreSQL(t, name, CompositionPostgreSQLCNPG)
		_, err := c.PutAccess(ctx, PostgreSQL, ns, name, accessFieldManager, Access{User: "app", Privileges: []string{"SELECT"}}, true)
		if !errors.Is(err, ErrPrivilegesUnsupported) {
			t.Fatalf("err = %v, want ErrPrivilegesUnsupported", err)
		}
		view, err := c.GetAccess(ctx, PostgreSQL, ns, name, Exact)
		if err != nil || len(view.Users) != 0 {
			t.Errorf("access list after the refusal: %v (err %v), want empty", view.Users, err)
		}
		view, err = c.PutAccess(ctx, PostgreSQL, ns, name, accessFieldManager, Access{User: "app"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.WaitAccess(ctx, PostgreSQL, ns, name, view.Generation, "app", WaitOptions{}, nil); err != nil {
			t.Errorf("user without privileges on CloudNativePG: %v", err)
		}
	})
}
