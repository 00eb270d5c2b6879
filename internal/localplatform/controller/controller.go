package controller

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"
)

// Options configure Run.
type Options struct {
	// Log receives the controller's logs; the zero value discards them.
	Log logr.Logger
	// ServerDir holds the data of the instances' real servers (servers.go); "" runs none.
	ServerDir string
}

// maxConcurrentReconciles per kind: claims are independent, and a reconcile mostly waits on
// the API server.
const maxConcurrentReconciles = 4

// Run runs the controller against the API server of cfg until ctx is done. It serves no
// metrics or health ports and does no leader election: one controller per platform.
func Run(ctx context.Context, cfg *rest.Config, opts Options) error {
	log := opts.Log
	if log.GetSink() == nil {
		log = logr.Discard()
	}
	// controller-runtime logs through its global logger in places; without one it prints a
	// warning with a stack trace after 30 s.
	ctrllog.SetLogger(log)

	cfg = rest.CopyConfig(cfg)
	if cfg.QPS == 0 {
		// client-go's default of 5 requests/s would make the controller the bottleneck of every
		// test and benchmark; the API server's own flow control is enough locally.
		cfg.QPS = -1
	}

	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	hasKind, err := labels.NewRequirement(labelClaimKind, selection.Exists, nil)
	if err != nil {
		return err
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Logger:                 log,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		LeaderElection:         false,
		Cache: cache.Options{
			// Informers only for what the watches below need, each as narrow as possible.
			ByObject: map[client.Object]cache.ByObject{
				&corev1.ConfigMap{}: {
					Namespaces: map[string]cache.Config{systemNamespace: {}},
					Field:      fields.OneTermEqualSelector("metadata.name", platformConfigName),
				},
				&rbacv1.RoleBinding{}: {Field: fields.OneTermEqualSelector("metadata.name", customerRoleBinding)},
				&corev1.Secret{}:      {Label: labels.NewSelector().Add(*hasKind)},
			},
		},
		Client: client.Options{Cache: &client.CacheOptions{
			// Claims are read from the cache (their own watch keeps it current). Everything
			// else is read from the API server: the narrow informers above do not hold all of
			// it, and reads right after writes must see those writes.
			Unstructured: true,
			DisableFor: append([]client.Object{&corev1.ConfigMap{}, &corev1.Secret{}, &corev1.Namespace{}, &rbacv1.RoleBinding{}},
				backupObjects()...), // backups.go
		}},
		// The launcher may start the controller more than once in one process (tests).
		Controller:              config.Controller{SkipNameValidation: ptr.To(true)},
		GracefulShutdownTimeout: ptr.To(5 * time.Second),
	})
	if err != nil {
		return fmt.Errorf("creating controller manager: %w", err)
	}
	clientset, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	cas := &caStore{c: mgr.GetClient()}
	metrics, err := startMetricsServer(ctx, mgr.GetAPIReader()) // metrics_server.go
	if err != nil {
		return err
	}
	if err := publishMonitoring(ctx, clientset, metrics); err != nil { // monitoring_config.go
		return err
	}
	servers := newServerPool(opts.ServerDir, log)
	if servers != nil {
		defer servers.stopAll()
	}
	for _, k := range kinds {
		r := &reconciler{kind: k, client: mgr.GetClient(), clientset: clientset, cas: cas, log: log, now: time.Now, servers: servers,
			serverExits: make(chan event.GenericEvent, 16)}
		if err := r.setup(mgr); err != nil {
			return fmt.Errorf("setting up %s controller: %w", k.Kind, err)
		}
	}
	return mgr.Start(ctx)
}

func (r *reconciler) setup(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named(strings.ToLower(r.kind.Kind)).
		// The controller's own status writes change neither generation nor annotations, so
		// they do not wake it again.
		For(r.kind.newObject(), builder.WithPredicates(predicate.Or(
			predicate.GenerationChangedPredicate{},
			predicate.AnnotationChangedPredicate{},
			deletionStarted{},
		))).
		// A changed platform config (fault knob, delay) concerns every claim.
		Watches(&corev1.ConfigMap{}, handler.EnqueueRequestsFromMapFunc(r.allClaims)).
		// A namespace granted to other users changes who may view its instances.
		Watches(&rbacv1.RoleBinding{}, handler.EnqueueRequestsFromMapFunc(r.claimsInNamespace)).
		// A connection secret deleted or edited by someone else is written again.
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.secretClaim), builder.WithPredicates(secretTampered{})).
		// A created or changed alert channel is delivered to (alerting.go).
		Watches(alertmanagerConfigObject(), handler.EnqueueRequestsFromMapFunc(r.alertChannelClaims)).
		// A real server that exited is started again (servers.go).
		WatchesRawSource(source.Channel(r.serverExits, &handler.EnqueueRequestForObject{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: maxConcurrentReconciles}).
		Complete(r)
}

func (r *reconciler) allClaims(ctx context.Context, _ client.Object) []reconcile.Request {
	return r.listClaims(ctx)
}

func (r *reconciler) claimsInNamespace(ctx context.Context, o client.Object) []reconcile.Request {
	return r.listClaims(ctx, client.InNamespace(o.GetNamespace()))
}

// The mappers below wake claims for changes outside the claim: forget makes sure such a
// reconcile is not skipped as "already handled" (see skip.go).

func (r *reconciler) listClaims(ctx context.Context, opts ...client.ListOption) []reconcile.Request {
	list := r.kind.newList()
	if err := r.client.List(ctx, list, opts...); err != nil {
		r.log.Error(err, "listing claims", "kind", r.kind.Kind)
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(list.Items))
	for _, item := range list.Items {
		key := client.ObjectKeyFromObject(&item)
		r.forget(key)
		reqs = append(reqs, reconcile.Request{NamespacedName: key})
	}
	return reqs
}

func (r *reconciler) secretClaim(_ context.Context, o client.Object) []reconcile.Request {
	l := o.GetLabels()
	if l[labelClaimKind] != r.kind.Kind || l[labelClaimName] == "" {
		return nil
	}
	key := client.ObjectKey{Namespace: o.GetNamespace(), Name: l[labelClaimName]}
	r.forget(key)
	return []reconcile.Request{{NamespacedName: key}}
}

// deletionStarted lets through the update that sets a claim's deletionTimestamp.
type deletionStarted struct{ predicate.Funcs }

func (deletionStarted) Update(e event.UpdateEvent) bool {
	return e.ObjectOld.GetDeletionTimestamp() == nil && e.ObjectNew.GetDeletionTimestamp() != nil
}

// secretTampered passes deletions and changes of connection secrets, not their creation (which
// is the controller's own doing).
type secretTampered struct{ predicate.Funcs }

func (secretTampered) Create(event.CreateEvent) bool   { return false }
func (secretTampered) Generic(event.GenericEvent) bool { return false }
func (secretTampered) Delete(event.DeleteEvent) bool   { return true }
func (secretTampered) Update(e event.UpdateEvent) bool {
	o, ok1 := e.ObjectOld.(*corev1.Secret)
	n, ok2 := e.ObjectNew.(*corev1.Secret)
	return !ok1 || !ok2 || !equality.Semantic.DeepEqual(o.Data, n.Data) || !equality.Semantic.DeepEqual(o.Labels, n.Labels)
}
