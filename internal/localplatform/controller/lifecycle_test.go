package controller_test

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// setPlatformConfig merges data into ConfigMap appcat-system/platform-config and restores
// the previous content when the test ends. Tests that use it must not run in parallel.
func setPlatformConfig(t *testing.T, data map[string]string) {
	t.Helper()
	cms := admin(t).kube.CoreV1().ConfigMaps("appcat-system")
	ctx := ctxFor(t)
	cm, err := cms.Get(ctx, "platform-config", metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		cm, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "platform-config", Namespace: "appcat-system"}}, metav1.CreateOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
	before := map[string]string{}
	for k, v := range cm.Data {
		before[k] = v
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	for k, v := range data {
		cm.Data[k] = v
	}
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cm, err := cms.Get(ctx, "platform-config", metav1.GetOptions{})
		if err != nil {
			t.Errorf("restoring platform-config: %v", err)
			return
		}
		cm.Data = before
		if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
			t.Errorf("restoring platform-config: %v", err)
		}
	})
}

func schedules(obj *unstructured.Unstructured) map[string]any {
	s, _, _ := unstructured.NestedMap(obj.Object, "status", "schedules")
	return s
}

func TestSchedules(t *testing.T) {
	u := user(t)
	name := uniqueName("sched")
	createClaim(t, u, postgres, newClaim(postgres, name, "", nil))
	obj := waitReady(t, u, postgres, userNS(), name)

	first := schedules(obj)
	backup, _ := first["backup"].(string)
	if !regexp.MustCompile(`^([0-9]|[1-5][0-9]) ([0-9]|1[0-9]|2[0-3]) \* \* \*$`).MatchString(backup) {
		t.Errorf("default backup schedule %q is not a daily cron M H * * *", backup)
	}
	m, _ := first["maintenance"].(map[string]any)
	day, _ := m["dayOfWeek"].(string)
	if !strings.Contains("sunday monday tuesday wednesday thursday friday", day) || day == "" {
		t.Errorf("default maintenance day %q, want sunday…friday", day)
	}
	tod, err := time.Parse("15:04:05", fmt.Sprint(m["timeOfDay"]))
	if err != nil || (tod.Hour() >= 5 && tod.Hour() < 21) {
		t.Errorf("default maintenance time %v (%v), want between 21:00 and 05:00", m["timeOfDay"], err)
	}
	if og, _, _ := unstructured.NestedInt64(obj.Object, "status", "schedules", "observedGeneration"); og != obj.GetGeneration() {
		t.Errorf("schedules.observedGeneration = %d, want %d", og, obj.GetGeneration())
	}

	// A spec change and reconciles later, the drawn schedules are still the same.
	updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) { setParam(o, int64(2), "instances") })
	obj = waitReady(t, u, postgres, userNS(), name)
	again := schedules(obj)
	if again["backup"] != first["backup"] || !reflect.DeepEqual(again["maintenance"], first["maintenance"]) {
		t.Errorf("schedules changed on update: %v -> %v", first, again)
	}
	if og, _, _ := unstructured.NestedInt64(obj.Object, "status", "schedules", "observedGeneration"); og != obj.GetGeneration() {
		t.Errorf("schedules.observedGeneration = %d, want %d", og, obj.GetGeneration())
	}

	// Explicit schedules win.
	updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) {
		setParam(o, "17 3 * * 1", "backup", "schedule")
		setParam(o, map[string]any{"dayOfWeek": "saturday", "timeOfDay": "12:30:00", "pinImageTag": "15.4", "disableAppcatRelease": true}, "maintenance")
	})
	obj = waitReady(t, u, postgres, userNS(), name)
	s := schedules(obj)
	m, _ = s["maintenance"].(map[string]any)
	if s["backup"] != "17 3 * * 1" || m["dayOfWeek"] != "saturday" || m["timeOfDay"] != "12:30:00" || m["pinImageTag"] != "15.4" || m["disableAppcatRelease"] != true {
		t.Errorf("explicit schedules not reflected: %v", s)
	}

	// Removed again: back to the schedules drawn at the start.
	updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) {
		unstructured.RemoveNestedField(o.Object, "spec", "parameters", "backup", "schedule")
		unstructured.RemoveNestedField(o.Object, "spec", "parameters", "maintenance")
	})
	obj = waitReady(t, u, postgres, userNS(), name)
	s = schedules(obj)
	if s["backup"] != first["backup"] || !reflect.DeepEqual(s["maintenance"], first["maintenance"]) {
		t.Errorf("schedules after removing the explicit ones = %v, want the first draw %v", s, first)
	}
}

func TestSpecChangeMakesReadyFalseThenTrue(t *testing.T) {
	u := user(t)
	name := uniqueName("upd")
	obj := newClaim(redis, name, name+"-conn", map[string]any{"service": map[string]any{"version": "7.2"}})
	obj.SetAnnotations(map[string]string{delayAnnotation: "1s"})
	createClaim(t, u, redis, obj)
	ready := waitReady(t, u, redis, userNS(), name)
	before := getSecret(t, u, userNS(), name+"-conn")
	readyGen := ready.GetGeneration()

	updated := updateClaim(t, u, redis, userNS(), name, func(o *unstructured.Unstructured) {
		setParam(o, int64(3), "instances")
		setParam(o, "8.0", "service", "version")
	})
	gen := updated.GetGeneration()
	if gen <= readyGen {
		t.Fatalf("generation %d after a spec change, was %d", gen, readyGen)
	}
	t0 := time.Now()
	updating := waitClaim(t, u, redis, userNS(), name, "Ready False (Updating) for the new generation", func(o *unstructured.Unstructured) bool {
		c := cond(o, "Ready")
		return c != nil && condGen(c) >= gen && c["status"] == "False"
	})
	if c := cond(updating, "Ready"); c["reason"] != "Updating" {
		t.Errorf("Ready during the update = %v, want reason Updating", c)
	}
	if v := str(updating, "status", "currentReleaseTag"); v != "7.2" {
		t.Errorf("currentReleaseTag during the update = %q, want the old 7.2", v)
	}
	done := waitReady(t, u, redis, userNS(), name)
	if elapsed := time.Since(t0); elapsed < 900*time.Millisecond {
		t.Errorf("Ready again after %s, before the claim's 1s delay", elapsed)
	}
	// Redis reports the image tag it runs (vshnredis/redis_deploy.go), no previous version.
	if v, p := str(done, "status", "currentReleaseTag"), str(done, "status", "previousVersion"); v != "8.0" || p != "" {
		t.Errorf("currentReleaseTag %q previousVersion %q, want 8.0 and none", v, p)
	}
	// Ready for this generation: the secret already describes it.
	after := getSecret(t, u, userNS(), name+"-conn")
	if !strings.HasPrefix(string(after.Data["REDIS_HOST"]), "redis-master.") || len(after.Data["SENTINEL_HOSTS"]) == 0 {
		t.Errorf("secret not updated for HA: REDIS_HOST %q SENTINEL_HOSTS %q", after.Data["REDIS_HOST"], after.Data["SENTINEL_HOSTS"])
	}
	if string(after.Data["REDIS_PASSWORD"]) != string(before.Data["REDIS_PASSWORD"]) {
		t.Error("password changed on update")
	}
	if string(after.Data["tls.crt"]) != string(before.Data["tls.crt"]) {
		t.Error("client certificate re-issued although it still fits")
	}
}

func TestFaultKnob(t *testing.T) {
	u := user(t)
	pattern := "^knob-fail-"
	setPlatformConfig(t, map[string]string{"failNamePattern": pattern})

	failing := uniqueName("knob-fail")
	fine := uniqueName("knob-ok")
	createClaim(t, u, mariadb, newClaim(mariadb, failing, failing+"-conn", nil))
	createClaim(t, u, mariadb, newClaim(mariadb, fine, fine+"-conn", nil))

	obj := waitClaim(t, u, mariadb, userNS(), failing, "Synced False", func(o *unstructured.Unstructured) bool {
		c := cond(o, "Synced")
		return c != nil && c["status"] == "False"
	})
	synced, ready := cond(obj, "Synced"), cond(obj, "Ready")
	if synced["reason"] != "ReconcileError" || !strings.Contains(fmt.Sprint(synced["message"]), `injected failure for claims matching "`+pattern+`"`) {
		t.Errorf("Synced = %v", synced)
	}
	if ready == nil || ready["status"] != "False" || ready["reason"] != "ReconcileError" || condGen(ready) != obj.GetGeneration() {
		t.Errorf("Ready = %v", ready)
	}
	waitReady(t, u, mariadb, userNS(), fine)

	// Give the controller time to do anything else it (wrongly) might, then look.
	time.Sleep(300 * time.Millisecond)
	obj, err := u.dyn.Resource(mariadb.GVR).Namespace(userNS()).Get(ctxFor(t), failing, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ns := str(obj, "status", "instanceNamespace"); ns != "" {
		t.Errorf("failing claim got an instance namespace %q", ns)
	}
	if _, err := u.kube.CoreV1().Secrets(userNS()).Get(ctxFor(t), failing+"-conn", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("failing claim got a connection secret (err %v)", err)
	}
	nss, err := admin(t).kube.CoreV1().Namespaces().List(ctxFor(t), metav1.ListOptions{LabelSelector: "appcat.vshn.io/claim-name=" + failing})
	if err != nil || len(nss.Items) != 0 {
		t.Errorf("failing claim got namespaces %v (err %v)", nss, err)
	}

	// Lifting the fault lets the claim converge, without touching the claim.
	setPlatformConfig(t, map[string]string{"failNamePattern": ""})
	obj = waitReady(t, u, mariadb, userNS(), failing)
	checkProvisioned(t, mariadb, obj)
	getSecret(t, u, userNS(), failing+"-conn")
}

func TestProvisioningDelay(t *testing.T) {
	u := user(t)

	t.Run("Annotation", func(t *testing.T) {
		name := uniqueName("delay")
		obj := newClaim(postgres, name, name+"-conn", nil)
		obj.SetAnnotations(map[string]string{delayAnnotation: "2s"})
		t0 := time.Now()
		createClaim(t, u, postgres, obj)
		creating := waitClaim(t, u, postgres, userNS(), name, "Ready False (Creating)", func(o *unstructured.Unstructured) bool {
			c := cond(o, "Ready")
			return c != nil && c["status"] == "False" && condGen(c) == o.GetGeneration()
		})
		if c := cond(creating, "Ready"); c["reason"] != "Creating" {
			t.Errorf("Ready while provisioning = %v, want reason Creating", c)
		}
		if c := cond(creating, "Synced"); c == nil || c["status"] != "True" {
			t.Errorf("Synced while provisioning = %v, want True", c)
		}
		if v := str(creating, "status", "currentVersion"); v != "" {
			t.Errorf("currentVersion %q set before the claim converged", v)
		}
		waitReady(t, u, postgres, userNS(), name)
		if elapsed := time.Since(t0); elapsed < 2*time.Second || elapsed > 10*time.Second {
			t.Errorf("Ready after %s, want 2s (+ a little)", elapsed)
		}
	})

	t.Run("PlatformConfig", func(t *testing.T) {
		setPlatformConfig(t, map[string]string{"provisioningDelay": "1500ms"})
		name := uniqueName("pdelay")
		t0 := time.Now()
		createClaim(t, u, redis, newClaim(redis, name, "", nil))
		waitReady(t, u, redis, userNS(), name)
		if elapsed := time.Since(t0); elapsed < 1500*time.Millisecond {
			t.Errorf("Ready after %s, before the platform's 1.5s delay", elapsed)
		}

		// The annotation overrides the platform delay, also downwards.
		fast := uniqueName("pfast")
		obj := newClaim(redis, fast, "", nil)
		obj.SetAnnotations(map[string]string{delayAnnotation: "0s"})
		t0 = time.Now()
		createClaim(t, u, redis, obj)
		waitReady(t, u, redis, userNS(), fast)
		if elapsed := time.Since(t0); elapsed > 1400*time.Millisecond {
			t.Errorf("Ready after %s despite annotation 0s", elapsed)
		}
	})

	t.Run("InvalidAnnotation", func(t *testing.T) {
		name := uniqueName("baddelay")
		obj := newClaim(postgres, name, "", nil)
		obj.SetAnnotations(map[string]string{delayAnnotation: "soon"})
		createClaim(t, u, postgres, obj)
		failed := waitClaim(t, u, postgres, userNS(), name, "Synced False", func(o *unstructured.Unstructured) bool {
			c := cond(o, "Synced")
			return c != nil && c["status"] == "False"
		})
		if msg := fmt.Sprint(cond(failed, "Synced")["message"]); !strings.Contains(msg, delayAnnotation) {
			t.Errorf("message %q does not name the annotation", msg)
		}
		// Fixing the annotation is enough.
		updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) {
			o.SetAnnotations(map[string]string{delayAnnotation: "0s"})
		})
		waitReady(t, u, postgres, userNS(), name)
	})
}

func TestConnectionSecretOwnership(t *testing.T) {
	u, a := user(t), admin(t)

	t.Run("ForeignSecretIsNotOverwritten", func(t *testing.T) {
		name := uniqueName("taken")
		secret := name + "-conn"
		foreign := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: secret, Namespace: userNS()}, StringData: map[string]string{"mine": "yes"}}
		if _, err := a.kube.CoreV1().Secrets(userNS()).Create(ctxFor(t), foreign, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = a.kube.CoreV1().Secrets(userNS()).Delete(ctxFor(t), secret, metav1.DeleteOptions{}) })
		createClaim(t, u, postgres, newClaim(postgres, name, secret, nil))
		obj := waitClaim(t, u, postgres, userNS(), name, "Synced False", func(o *unstructured.Unstructured) bool {
			c := cond(o, "Synced")
			return c != nil && c["status"] == "False"
		})
		if msg := fmt.Sprint(cond(obj, "Synced")["message"]); !strings.Contains(msg, secret) || !strings.Contains(msg, "already exists") {
			t.Errorf("Synced message %q does not explain the clash", msg)
		}
		if c := cond(obj, "Ready"); c == nil || c["status"] != "False" {
			t.Errorf("Ready = %v, want False", c)
		}
		s := getSecret(t, u, userNS(), secret)
		if len(s.Data) != 1 || string(s.Data["mine"]) != "yes" || len(s.OwnerReferences) != 0 {
			t.Errorf("foreign secret was changed: %v", s)
		}

		// Once the foreign secret is gone, the claim converges.
		if err := a.kube.CoreV1().Secrets(userNS()).Delete(ctxFor(t), secret, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		obj = waitReady(t, u, postgres, userNS(), name)
		checkSecret(t, postgres, obj, secret, []string{"POSTGRESQL_HOST", "POSTGRESQL_PORT", "POSTGRESQL_USER", "POSTGRESQL_PASSWORD", "POSTGRESQL_DB", "POSTGRESQL_URL", "ca.crt", "tls.crt", "tls.key"})
	})

	t.Run("DeletedSecretIsWrittenAgain", func(t *testing.T) {
		name := uniqueName("again")
		secret := name + "-conn"
		createClaim(t, u, mariadb, newClaim(mariadb, name, secret, nil))
		waitReady(t, u, mariadb, userNS(), name)
		before := getSecret(t, u, userNS(), secret)
		if err := a.kube.CoreV1().Secrets(userNS()).Delete(ctxFor(t), secret, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		var after *corev1.Secret
		waitFor(t, "the connection secret to be written again", func() (bool, error) {
			s, err := u.kube.CoreV1().Secrets(userNS()).Get(ctxFor(t), secret, metav1.GetOptions{})
			after = s
			return err == nil, err
		})
		if string(after.Data["MARIADB_PASSWORD"]) != string(before.Data["MARIADB_PASSWORD"]) || after.UID == before.UID {
			t.Errorf("recreated secret: password kept %v, new object %v", string(after.Data["MARIADB_PASSWORD"]) == string(before.Data["MARIADB_PASSWORD"]), after.UID != before.UID)
		}
	})

	t.Run("RenamedSecret", func(t *testing.T) {
		name := uniqueName("rename")
		createClaim(t, u, redis, newClaim(redis, name, name+"-a", nil))
		waitReady(t, u, redis, userNS(), name)
		old := getSecret(t, u, userNS(), name+"-a")
		updateClaim(t, u, redis, userNS(), name, func(o *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(o.Object, name+"-b", "spec", "writeConnectionSecretToRef", "name")
		})
		waitReady(t, u, redis, userNS(), name)
		renamed := getSecret(t, u, userNS(), name+"-b")
		if string(renamed.Data["REDIS_PASSWORD"]) != string(old.Data["REDIS_PASSWORD"]) {
			t.Error("password changed with the secret's name")
		}
		if _, err := u.kube.CoreV1().Secrets(userNS()).Get(ctxFor(t), name+"-a", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("old connection secret still there (err %v)", err)
		}
	})
}

func TestDeleteRemovesInstance(t *testing.T) {
	u, a := user(t), admin(t)
	for _, k := range []kindInfo{postgres, redis, mariadb} {
		t.Run(k.Kind, func(t *testing.T) {
			name := uniqueName("del")
			secret := name + "-conn"
			created, err := u.dyn.Resource(k.GVR).Namespace(userNS()).Create(ctxFor(t), newClaim(k, name, secret, nil), metav1.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			obj := waitReady(t, u, k, userNS(), name)
			ns := str(obj, "status", "instanceNamespace")
			getSecret(t, u, userNS(), secret)

			// The user deletes the claim (deletion protection is off).
			if err := u.dyn.Resource(k.GVR).Namespace(userNS()).Delete(ctxFor(t), name, metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the claim to be gone", func() (bool, error) {
				o, err := u.dyn.Resource(k.GVR).Namespace(userNS()).Get(ctxFor(t), name, metav1.GetOptions{})
				if err == nil && o.GetUID() != created.GetUID() {
					return true, nil
				}
				return apierrors.IsNotFound(err), err
			})
			// The finalizer is removed only after the cleanup, so all is gone by now.
			if _, err := a.kube.CoreV1().Namespaces().Get(ctxFor(t), ns, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("instance namespace %s still there (err %v)", ns, err)
			}
			if _, err := a.kube.CoreV1().Secrets(userNS()).Get(ctxFor(t), secret, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("connection secret still there (err %v)", err)
			}
			if _, err := a.kube.RbacV1().RoleBindings(ns).Get(ctxFor(t), "appcat:services:read", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("viewer RoleBinding still there (err %v)", err)
			}
		})
	}
}

// TestNoWritesAtRest checks that the controller leaves a converged claim and its secret alone:
// it writes only when something changed.
func TestNoWritesAtRest(t *testing.T) {
	u, a := user(t), admin(t)
	name := uniqueName("rest")
	createClaim(t, u, postgres, newClaim(postgres, name, name+"-conn", nil))
	ready := waitReady(t, u, postgres, userNS(), name)
	secret := getSecret(t, u, userNS(), name+"-conn")

	// Wake the controller without a spec change: an annotation and the platform config.
	touched := updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) {
		ann := o.GetAnnotations()
		if ann == nil {
			ann = map[string]string{}
		}
		ann["example.com/touched"] = "yes"
		o.SetAnnotations(ann)
	})
	setPlatformConfig(t, map[string]string{"unrelated": "x"})
	time.Sleep(time.Second)

	now, err := u.dyn.Resource(postgres.GVR).Namespace(userNS()).Get(ctxFor(t), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if now.GetResourceVersion() != touched.GetResourceVersion() {
		t.Errorf("claim written after it converged:\nbefore %v\nafter  %v", ready.Object["status"], now.Object["status"])
	}
	if s := getSecret(t, u, userNS(), name+"-conn"); s.ResourceVersion != secret.ResourceVersion {
		t.Error("connection secret rewritten without a change")
	}
	rb, err := a.kube.RbacV1().RoleBindings(str(ready, "status", "instanceNamespace")).Get(ctxFor(t), "appcat:services:read", metav1.GetOptions{})
	if err != nil || rb.Generation > 1 {
		t.Errorf("viewer binding rewritten (%v, generation %d)", err, rb.Generation)
	}
}
