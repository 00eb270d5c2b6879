package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/appcat"
)

// TestAccBackupsOfOneInstance: two instances with backups in one namespace. As on AppCat, a list
// of backups returns the whole namespace's and the backups carry no claim labels; each names its
// instance in its status. The data source lists exactly the instance's own backups.
func TestAccBackupsOfOneInstance(t *testing.T) {
	k := redisAcc
	ns, first, second := testNamespace(t), k.name(), k.name()
	withPolicy := func(label, name string) string {
		return k.instance(label, name, fmt.Sprintf(`annotations = { %q = %q }`, clockSpeedAnnotation, clockSpeed)) +
			block("resource", "appcat_backup_policy", label, append(k.attachedTo(label), backupEveryPlatformMinute, `keep_last = 100`)...)
	}
	instances := adminProvider(ns) + withPolicy("a", first) + withPolicy("b", second)
	lists := block("data", "appcat_backups", "a", fmt.Sprintf("kind = %q", k.kindName()), "instance_id = "+k.ref("a", "id")) +
		block("data", "appcat_backups", "b", fmt.Sprintf("kind = %q", k.kindName()), "instance_id = "+k.ref("b", "id"))
	k.test(t,
		resource.TestStep{Config: instances},
		resource.TestStep{
			PreConfig: func() {
				// Both instances have backups before the lists are read.
				backupHolding(t, k.api, ns, first, writeData(t, k.api, ns, first, "first's data").Checksum)
				backupHolding(t, k.api, ns, second, writeData(t, k.api, ns, second, "second's data").Checksum)
			},
			Config: instances + lists,
			ConfigStateChecks: []statecheck.StateCheck{
				listsOwnBackups(t, k.api, ns, "data.appcat_backups.a", first, second),
				listsOwnBackups(t, k.api, ns, "data.appcat_backups.b", second, first),
			},
		},
	)
}

// listsOwnBackups checks that the data source at addr lists backups of instance only: each
// listed name is a backup whose status names instance, and none is other's.
func listsOwnBackups(t *testing.T, kind appcat.Kind, ns, addr, instance, other string) statecheck.StateCheck {
	return stateCheckFunc(func(req statecheck.CheckStateRequest) error {
		v, err := stateValue(req, addr, tfjsonpath.New("backups"))
		if err != nil {
			return err
		}
		var listed []string
		for _, item := range v.([]any) {
			listed = append(listed, item.(map[string]any)["name"].(string))
		}
		bk, _ := appcat.BackupKindOf(kind)
		all, err := adminDynamic(t).Resource(bk.GVR()).Namespace(ns).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			return err
		}
		owners, others := map[string]string{}, 0
		for _, b := range all.Items {
			owner, _, _ := unstructured.NestedString(b.Object, "status", bk.InstanceField)
			owners[b.GetName()] = owner
			if owner == other {
				others++
			}
		}
		if others == 0 {
			return fmt.Errorf("the namespace holds no backup of %s: the check would prove nothing", other)
		}
		if len(listed) == 0 {
			return fmt.Errorf("%s lists no backups of %s", addr, instance)
		}
		for _, n := range listed {
			if owners[n] != instance {
				return fmt.Errorf("%s lists backup %s, which belongs to %q, not to %s", addr, n, owners[n], instance)
			}
		}
		return nil
	})
}
