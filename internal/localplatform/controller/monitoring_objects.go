package controller

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The scrape configuration AppCat's compositions put into every instance namespace, as they name
// it (README: "SLA reports and metrics"):
//
//   - Redis: Bitnami chart, fullnameOverride "redis", metrics.serviceMonitor.enabled (appcat
//     pkg/comp-functions/functions/vshnredis/redis_deploy.go): Service redis-metrics, port
//     http-metrics 9121, ServiceMonitor redis;
//   - MariaDB: Bitnami chart, fullnameOverride <composite> (vshnmariadb/mariadb_deploy.go):
//     Service <composite>-metrics, port http-metrics 9104, ServiceMonitor <composite>;
//   - PostgreSQL on CloudNativePG: the cluster chart with monitoring.enabled, fullnameOverride
//     "postgresql" (vshnpostgrescnpg/deploy.go): PodMonitor postgresql on port metrics (9187),
//     pods labelled cnpg.io/cluster=postgresql; on StackGres: PodMonitor postgresql-podmonitor on
//     port pgexporter (vshnpostgres/postgresql_deploy.go createPodMonitor).
//
// The local platform runs no pods: the Services have no endpoints. The metrics server answers
// for them (metrics_server.go, /services/...).

// monitoringPlan is what one instance namespace holds.
type monitoringPlan struct {
	service     string // the exporter's Service; "" for a PodMonitor
	port        string
	portNumber  int32
	monitorKind string // ServiceMonitor or PodMonitor
	monitorName string
	selector    map[string]string // the monitor's matchLabels (= the Service's labels)
	exporterUp  string            // the exporter's up metric the Service serves
}

// monitoringPlanFor is what the kind's composition puts into the instance namespace; false for a
// kind whose composition puts nothing there.
func monitoringPlanFor(k *kind, obj *unstructured.Unstructured, composite string) (monitoringPlan, bool) {
	if k.monitoring == nil {
		return monitoringPlan{}, false
	}
	return k.monitoring(obj, composite), true
}

func redisMonitoring(_ *unstructured.Unstructured, _ string) monitoringPlan {
	return monitoringPlan{service: "redis-metrics", port: "http-metrics", portNumber: 9121, monitorKind: "ServiceMonitor", monitorName: "redis",
		selector:   map[string]string{"app.kubernetes.io/name": "redis", "app.kubernetes.io/component": "metrics"},
		exporterUp: "redis_up"}
}

func mariadbMonitoring(_ *unstructured.Unstructured, composite string) monitoringPlan {
	return monitoringPlan{service: composite + "-metrics", port: "http-metrics", portNumber: 9104, monitorKind: "ServiceMonitor", monitorName: composite,
		selector:   map[string]string{"app.kubernetes.io/name": "mariadb", "app.kubernetes.io/instance": composite, "app.kubernetes.io/component": "metrics"},
		exporterUp: "mysql_up"}
}

// minioMonitoring: the composition's ServiceMonitor named after the composite selects the chart's
// Service of the same name on its port http (vshnminio/minio_deploy.go createServiceMonitor);
// MinIO serves its own metrics, minio_cluster_health_status among them.
func minioMonitoring(_ *unstructured.Unstructured, composite string) monitoringPlan {
	return monitoringPlan{service: composite, port: "http", portNumber: 9000, monitorKind: "ServiceMonitor", monitorName: composite,
		selector:   map[string]string{"app": "minio", "monitoring": "true", "release": composite},
		exporterUp: "minio_cluster_health_status"}
}

// postgresqlMonitoring depends on the backend: StackGres and CloudNativePG expose their exporters
// differently.
func postgresqlMonitoring(obj *unstructured.Unstructured, composite string) monitoringPlan {
	if specString(obj, "compositionRef", "name") == compositionStackGres {
		return monitoringPlan{port: "pgexporter", monitorKind: "PodMonitor", monitorName: "postgresql-podmonitor",
			selector: map[string]string{"app": "StackGresCluster", "stackgres.io/cluster-name": composite}}
	}
	return monitoringPlan{port: "metrics", monitorKind: "PodMonitor", monitorName: "postgresql",
		selector: map[string]string{"cnpg.io/cluster": "postgresql"}}
}

// ensureMonitoring creates the instance namespace's metrics Service and monitor (on the pass that
// creates the namespace).
func (r *reconciler) ensureMonitoring(ctx context.Context, obj *unstructured.Unstructured, instanceNS, composite string) error {
	p, ok := monitoringPlanFor(r.kind, obj, composite)
	if !ok {
		return nil
	}
	labels := r.claimLabels(obj)
	if p.service != "" {
		svcLabels := map[string]string{}
		for k, v := range p.selector {
			svcLabels[k] = v
		}
		for k, v := range labels {
			svcLabels[k] = v
		}
		svc := &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: instanceNS, Name: p.service, Labels: svcLabels},
			Spec: corev1.ServiceSpec{
				Type:     corev1.ServiceTypeClusterIP,
				Selector: map[string]string{"app.kubernetes.io/name": p.selector["app.kubernetes.io/name"]},
				Ports:    []corev1.ServicePort{{Name: p.port, Port: p.portNumber, TargetPort: intstr.FromString("metrics"), Protocol: corev1.ProtocolTCP}},
			},
		}
		if err := r.createIfMissing(ctx, svc); err != nil {
			return err
		}
	}
	endpointsField := "endpoints"
	if p.monitorKind == "PodMonitor" {
		endpointsField = "podMetricsEndpoints"
	}
	mon := &unstructured.Unstructured{Object: map[string]any{
		"spec": map[string]any{
			"selector":          map[string]any{"matchLabels": toAnyMap(p.selector)},
			"namespaceSelector": map[string]any{"matchNames": []any{instanceNS}},
			endpointsField:      []any{map[string]any{"port": p.port, "path": "/metrics", "interval": "30s"}},
		},
	}}
	mon.SetAPIVersion("monitoring.coreos.com/v1")
	mon.SetKind(p.monitorKind)
	mon.SetNamespace(instanceNS)
	mon.SetName(p.monitorName)
	mon.SetLabels(labels)
	return r.createIfMissing(ctx, mon)
}

func toAnyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (r *reconciler) createIfMissing(ctx context.Context, obj client.Object) error {
	err := r.client.Create(ctx, obj)
	if err == nil || apierrors.IsAlreadyExists(err) {
		return nil
	}
	return fmt.Errorf("creating %s %s/%s: %w", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetNamespace(), obj.GetName(), err)
}

// deleteMonitoring deletes what ensureMonitoring created.
func (r *reconciler) deleteMonitoring(ctx context.Context, obj *unstructured.Unstructured, instanceNS string) error {
	composite := specString(obj, "resourceRef", "name")
	p, ok := monitoringPlanFor(r.kind, obj, composite)
	if !ok {
		return nil
	}
	mon := &unstructured.Unstructured{}
	mon.SetAPIVersion("monitoring.coreos.com/v1")
	mon.SetKind(p.monitorKind)
	mon.SetNamespace(instanceNS)
	mon.SetName(p.monitorName)
	objs := []client.Object{mon}
	if p.service != "" {
		objs = append(objs, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: instanceNS, Name: p.service}})
	}
	for _, o := range objs {
		if err := r.client.Delete(ctx, o); err != nil && !apierrors.IsNotFound(err) && !meta.IsNoMatchError(err) {
			return fmt.Errorf("deleting the monitoring of %s: %w", instanceNS, err)
		}
	}
	return nil
}

// metricsServiceOwner finds the claim whose instance namespace holds the metrics Service name
// with port number port (the labels the controller puts on it name the claim).
func metricsServiceOwner(ctx context.Context, reader client.Reader, namespace, name string, port int32) (*kind, *unstructured.Unstructured, error) {
	var svc corev1.Service
	if err := reader.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, &svc); err != nil {
		return nil, nil, err
	}
	found := false
	for _, p := range svc.Spec.Ports {
		found = found || p.Port == port
	}
	if !found {
		return nil, nil, fmt.Errorf("service %s/%s has no port %d", namespace, name, port)
	}
	k := kindByName(svc.Labels[labelClaimKind])
	if k == nil {
		return nil, nil, fmt.Errorf("service %s/%s is not an instance's metrics service", namespace, name)
	}
	obj := k.newObject()
	err := reader.Get(ctx, types.NamespacedName{Namespace: svc.Labels[labelClaimNamespace], Name: svc.Labels[labelClaimName]}, obj)
	return k, obj, err
}
