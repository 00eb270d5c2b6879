package localplatform

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	admissionregistrationv1ac "k8s.io/client-go/applyconfigurations/admissionregistration/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
	rbacv1ac "k8s.io/client-go/applyconfigurations/rbac/v1"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// Names of the objects the launcher itself writes (the README's contract).
const (
	FieldManager         = "appcat-local"
	SystemNamespace      = "appcat-system"
	PlatformConfigName   = "platform-config"
	CustomerRoleBinding  = "appcat-customer"
	CustomerClusterRole  = "appcat:customer"
	ProvisioningDelayKey = "provisioningDelay"
	FailNamePatternKey   = "failNamePattern"

	admissionProbeName    = "appcat-local-admission-probe"
	admissionProbeMessage = "appcat-local: admission policies are enforced"
)

type installer struct {
	cs     kubernetes.Interface
	dyn    dynamic.Interface
	mapper meta.ResettableRESTMapper
	opts   *Options
}

func newInstaller(cfg *rest.Config, opts *Options) (*installer, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(cs.Discovery()))
	return &installer{cs: cs, dyn: dyn, mapper: mapper, opts: opts}, nil
}

// install puts the AppCat API on a ready API server and returns once the CRDs are Established,
// the admission policies are enforced and the user may use its namespaces.
func (in *installer) install(ctx context.Context) error {
	objs, err := loadManifests()
	if err != nil {
		return fmt.Errorf("loading manifests: %w", err)
	}
	if err := in.applyAll(ctx, objs); err != nil {
		return err
	}
	// A policy is enforced about a second after it was written (the admission plugin compiles
	// its policies once a second); write the probe policy now and check it last.
	probing := hasAdmissionPolicies(objs)
	if probing {
		if err := in.applyAdmissionProbe(ctx); err != nil {
			return err
		}
	}
	if err := in.applyPlatformConfig(ctx); err != nil {
		return err
	}
	for _, ns := range in.opts.UserNamespaces {
		if err := in.grantNamespace(ctx, ns); err != nil {
			return err
		}
	}
	if err := in.waitEstablished(ctx, objs); err != nil {
		return err
	}
	if hasObject(objs, "ClusterRole", CustomerClusterRole) {
		for _, ns := range in.opts.UserNamespaces {
			if err := in.waitUserAllowed(ctx, ns); err != nil {
				return err
			}
		}
	}
	if probing {
		if err := in.waitAdmissionEnforced(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (in *installer) applyAll(ctx context.Context, objs []*unstructured.Unstructured) error {
	for _, obj := range objs {
		if err := in.apply(ctx, obj); err != nil {
			return err
		}
	}
	return nil
}

// apply writes obj by server-side apply. A kind the API does not serve yet (a custom resource
// whose CRD was just written) is retried until it is.
func (in *installer) apply(ctx context.Context, obj *unstructured.Unstructured) error {
	gvk := obj.GroupVersionKind()
	for {
		mapping, err := in.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if meta.IsNoMatchError(err) {
			in.mapper.Reset()
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s %s: kind not served: %w", gvk, obj.GetName(), ctx.Err())
			case <-time.After(100 * time.Millisecond):
				continue
			}
		}
		if err != nil {
			return err
		}
		var ri dynamic.ResourceInterface = in.dyn.Resource(mapping.Resource)
		if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
			ns := obj.GetNamespace()
			if ns == "" {
				ns = metav1.NamespaceDefault
			}
			ri = in.dyn.Resource(mapping.Resource).Namespace(ns)
		}
		if _, err := ri.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: FieldManager, Force: true}); err != nil {
			return fmt.Errorf("applying %s %s: %w", gvk.Kind, objectName(obj), err)
		}
		return nil
	}
}

func objectName(obj *unstructured.Unstructured) string {
	if ns := obj.GetNamespace(); ns != "" {
		return ns + "/" + obj.GetName()
	}
	return obj.GetName()
}

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// waitEstablished waits until every CRD among objs has the condition Established.
func (in *installer) waitEstablished(ctx context.Context, objs []*unstructured.Unstructured) error {
	for _, obj := range objs {
		if obj.GetKind() != "CustomResourceDefinition" {
			continue
		}
		name := obj.GetName()
		err := wait.PollUntilContextCancel(ctx, 20*time.Millisecond, true, func(ctx context.Context) (bool, error) {
			crd, err := in.dyn.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
			for _, c := range conds {
				m, _ := c.(map[string]any)
				if m["type"] == "Established" && m["status"] == "True" {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("waiting for CRD %s to be established: %w", name, err)
		}
	}
	return nil
}

func (in *installer) applyPlatformConfig(ctx context.Context) error {
	if _, err := in.cs.CoreV1().Namespaces().Apply(ctx, corev1ac.Namespace(SystemNamespace),
		metav1.ApplyOptions{FieldManager: FieldManager, Force: true}); err != nil {
		return fmt.Errorf("namespace %s: %w", SystemNamespace, err)
	}
	cm := corev1ac.ConfigMap(PlatformConfigName, SystemNamespace).WithData(map[string]string{
		ProvisioningDelayKey: in.opts.ProvisioningDelay.String(),
		FailNamePatternKey:   in.opts.FailNamePattern,
	})
	if _, err := in.cs.CoreV1().ConfigMaps(SystemNamespace).Apply(ctx, cm,
		metav1.ApplyOptions{FieldManager: FieldManager, Force: true}); err != nil {
		return fmt.Errorf("ConfigMap %s/%s: %w", SystemNamespace, PlatformConfigName, err)
	}
	return nil
}

// grantNamespace creates ns and binds the ClusterRole appcat:customer in it to appcat-user.
func (in *installer) grantNamespace(ctx context.Context, ns string) error {
	opts := metav1.ApplyOptions{FieldManager: FieldManager, Force: true}
	if _, err := in.cs.CoreV1().Namespaces().Apply(ctx, corev1ac.Namespace(ns), opts); err != nil {
		return fmt.Errorf("namespace %s: %w", ns, err)
	}
	rb := rbacv1ac.RoleBinding(CustomerRoleBinding, ns).
		WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup("rbac.authorization.k8s.io").WithKind("ClusterRole").WithName(CustomerClusterRole)).
		WithSubjects(rbacv1ac.Subject().WithAPIGroup("rbac.authorization.k8s.io").WithKind("User").WithName(CustomerUser))
	if _, err := in.cs.RbacV1().RoleBindings(ns).Apply(ctx, rb, opts); err != nil {
		return fmt.Errorf("RoleBinding %s/%s: %w", ns, CustomerRoleBinding, err)
	}
	return nil
}

// waitUserAllowed waits until the authorizer, which reads RBAC objects from a cache, lets
// appcat-user list claims in ns.
func (in *installer) waitUserAllowed(ctx context.Context, ns string) error {
	sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User:   CustomerUser,
		Groups: []string{CustomerGroup, "system:authenticated"},
		ResourceAttributes: &authorizationv1.ResourceAttributes{
			Namespace: ns, Verb: "list", Group: "vshn.appcat.vshn.io", Resource: "vshnpostgresqls",
		},
	}}
	err := wait.PollUntilContextCancel(ctx, 20*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		res, err := in.cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
		if err != nil {
			return false, err
		}
		return res.Status.Allowed, nil
	})
	if err != nil {
		return fmt.Errorf("waiting until %s may use namespace %s (is ClusterRole %s installed?): %w", CustomerUser, ns, CustomerClusterRole, err)
	}
	return nil
}

func hasObject(objs []*unstructured.Unstructured, kind, name string) bool {
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			return true
		}
	}
	return false
}

func hasAdmissionPolicies(objs []*unstructured.Unstructured) bool {
	for _, o := range objs {
		if o.GetKind() == "ValidatingAdmissionPolicyBinding" {
			return true
		}
	}
	return false
}

// applyAdmissionProbe writes a policy of our own that refuses one ConfigMap name. The admission
// plugin takes all policies and bindings from ordered watches and compiles them together, so
// once the probe is enforced, every policy written before it is too.
func (in *installer) applyAdmissionProbe(ctx context.Context) error {
	opts := metav1.ApplyOptions{FieldManager: FieldManager, Force: true}
	policy := admissionregistrationv1ac.ValidatingAdmissionPolicy(admissionProbeName).WithSpec(
		admissionregistrationv1ac.ValidatingAdmissionPolicySpec().
			WithFailurePolicy(admissionregistrationv1.Fail).
			WithMatchConstraints(admissionregistrationv1ac.MatchResources().WithResourceRules(
				admissionregistrationv1ac.NamedRuleWithOperations().
					WithOperations(admissionregistrationv1.Create).
					WithAPIGroups("").WithAPIVersions("v1").WithResources("configmaps"))).
			WithMatchConditions(admissionregistrationv1ac.MatchCondition().
				WithName("probe").WithExpression(fmt.Sprintf("object.metadata.name == %q", admissionProbeName))).
			WithValidations(admissionregistrationv1ac.Validation().
				WithExpression("false").WithMessage(admissionProbeMessage)))
	if _, err := in.cs.AdmissionregistrationV1().ValidatingAdmissionPolicies().Apply(ctx, policy, opts); err != nil {
		return fmt.Errorf("admission probe policy: %w", err)
	}
	binding := admissionregistrationv1ac.ValidatingAdmissionPolicyBinding(admissionProbeName).WithSpec(
		admissionregistrationv1ac.ValidatingAdmissionPolicyBindingSpec().
			WithPolicyName(admissionProbeName).
			WithValidationActions(admissionregistrationv1.Deny).
			WithMatchResources(admissionregistrationv1ac.MatchResources().WithNamespaceSelector(
				metav1ac.LabelSelector().WithMatchLabels(map[string]string{corev1.LabelMetadataName: SystemNamespace}))))
	if _, err := in.cs.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Apply(ctx, binding, opts); err != nil {
		return fmt.Errorf("admission probe binding: %w", err)
	}
	return nil
}

// waitAdmissionEnforced dry-runs the ConfigMap the probe refuses until it is refused, then
// removes the probe.
func (in *installer) waitAdmissionEnforced(ctx context.Context) error {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: admissionProbeName, Namespace: SystemNamespace}}
	err := wait.PollUntilContextCancel(ctx, 50*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err := in.cs.CoreV1().ConfigMaps(SystemNamespace).Create(ctx, cm, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		switch {
		case err == nil:
			return false, nil
		case strings.Contains(err.Error(), admissionProbeMessage):
			return true, nil
		case apierrors.IsAlreadyExists(err):
			return false, errors.New("a ConfigMap named like the admission probe exists")
		default:
			return false, err
		}
	})
	if err != nil {
		return fmt.Errorf("waiting for the admission policies to be enforced: %w", err)
	}
	bg := metav1.DeletePropagationBackground
	del := metav1.DeleteOptions{PropagationPolicy: &bg}
	if err := in.cs.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Delete(ctx, admissionProbeName, del); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	if err := in.cs.AdmissionregistrationV1().ValidatingAdmissionPolicies().Delete(ctx, admissionProbeName, del); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	return nil
}
