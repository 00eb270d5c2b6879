package controller_test

import (
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/memory"
)

// refuseLabel marks the claims whose status writes refuseStatusWrites refuses.
const refuseLabel = "appcat-test.local/refuse-status-writes"

// TestClaimBecomesReadyAfterALostStatusWrite: a pass of the controller saves the instance's
// memory before it writes the claim's status. When that claim write is lost (on a busy platform,
// a conflict), the claim does not name its instance namespace yet. The passes after it must still
// find the memory there and bring the claim to Ready; before they did, they failed to save it
// again and re-queued forever (the CI flake of TestAccessInvalidEntries/ForeignSecretIsNotOverwritten).
// Here an admission policy refuses the claim's status writes until the test lifts it.
func TestClaimBecomesReadyAfterALostStatusWrite(t *testing.T) {
	a, u := admin(t), user(t)
	refuseStatusWrites(t, a, postgres)

	name := uniqueName("pglost")
	obj := newClaim(postgres, name, name+"-conn", nil)
	obj.SetLabels(map[string]string{refuseLabel: "true"})
	createClaim(t, u, postgres, obj)

	// The situation: the memory is saved, and the claim has no status that names where.
	waitFor(t, "the memory of "+name+" saved while its status writes are refused", func() (bool, error) {
		claim, err := u.dyn.Resource(postgres.GVR).Namespace(userNS()).Get(ctxFor(t), name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		composite := str(claim, "spec", "resourceRef", "name")
		if composite == "" {
			return false, nil
		}
		_, err = a.kube.CoreV1().ConfigMaps("vshn-"+postgres.Service+"-"+composite).Get(ctxFor(t), memory.ConfigMapName, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		if str(claim, "status", "instanceNamespace") != "" {
			t.Fatalf("a status write of %s was let through: %v", name, claim.Object["status"])
		}
		return err == nil, err
	})

	// The refusals were platform faults, retried with a growing backoff; the annotation wakes
	// the controller at once, as any edit of the claim by its owner would.
	updateClaim(t, u, postgres, userNS(), name, func(o *unstructured.Unstructured) {
		labels := o.GetLabels()
		delete(labels, refuseLabel)
		o.SetLabels(labels)
		o.SetAnnotations(map[string]string{"appcat-test.local/edited": "true"})
	})
	ready := waitReady(t, u, postgres, userNS(), name)
	if str(ready, "status", "instanceNamespace") == "" {
		t.Errorf("Ready claim %s names no instance namespace: %v", name, ready.Object["status"])
	}
	if s := getSecret(t, u, userNS(), name+"-conn"); len(s.Data) == 0 {
		t.Errorf("connection secret of %s is empty", name)
	}
}

// refuseStatusWrites installs, for the test, an admission policy that refuses every status
// write of k's claims labelled refuseLabel, and waits until the API server enforces it. The
// policy also refuses ConfigMaps with that label, which is how the wait probes it.
func refuseStatusWrites(t *testing.T, a clients, k kindInfo) {
	t.Helper()
	name := "appcat-test-refuse-status-writes"
	const message = "appcat-test: status writes refused"
	policies := a.kube.AdmissionregistrationV1().ValidatingAdmissionPolicies()
	bindings := a.kube.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings()
	fail := admissionregistrationv1.Fail
	policy := &admissionregistrationv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: &fail,
			MatchConstraints: &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
				{RuleWithOperations: admissionregistrationv1.RuleWithOperations{
					Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Update},
					Rule:       admissionregistrationv1.Rule{APIGroups: []string{k.GVR.Group}, APIVersions: []string{k.GVR.Version}, Resources: []string{k.GVR.Resource + "/status"}},
				}},
				{RuleWithOperations: admissionregistrationv1.RuleWithOperations{
					Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
					Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"configmaps"}},
				}},
			}},
			MatchConditions: []admissionregistrationv1.MatchCondition{{
				Name:       "labelled",
				Expression: `has(object.metadata.labels) && "` + refuseLabel + `" in object.metadata.labels`,
			}},
			Validations: []admissionregistrationv1.Validation{{Expression: "false", Message: message}},
		},
	}
	if _, err := policies.Create(ctxFor(t), policy, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = policies.Delete(ctxFor(t), name, metav1.DeleteOptions{}) })
	binding := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        name,
			ValidationActions: []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny},
		},
	}
	if _, err := bindings.Create(ctxFor(t), binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bindings.Delete(ctxFor(t), name, metav1.DeleteOptions{}) })

	probe := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: userNS(), Labels: map[string]string{refuseLabel: "true"}}}
	waitFor(t, "the admission policy "+name+" enforced", func() (bool, error) {
		_, err := a.kube.CoreV1().ConfigMaps(userNS()).Create(ctxFor(t), probe, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err == nil {
			return false, nil
		}
		return strings.Contains(err.Error(), message), nil
	})
}
