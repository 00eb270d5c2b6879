package controller

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Where the local platform's monitoring stand-in listens (README: "SLA reports and metrics"):
// the ConfigMap appcat-system/monitoring, rewritten at every controller start (the port changes).
// On AppCat the user names a Prometheus-compatible endpoint themselves; tests and the demo read
// this one.

const (
	MonitoringConfigName = "monitoring"
	// MonitoringPrometheusURLKey is the base URL of the Prometheus-compatible API.
	MonitoringPrometheusURLKey = "prometheusURL"
	// MonitoringServicesURLKey is the base URL under which /<namespace>/<service>/<port>/metrics
	// answers for the in-cluster URL http://<service>.<namespace>.svc:<port>/metrics.
	MonitoringServicesURLKey = "servicesURL"
)

func publishMonitoring(ctx context.Context, cs kubernetes.Interface, s *metricsServer) error {
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: systemNamespace, Name: MonitoringConfigName},
		Data:       map[string]string{MonitoringPrometheusURLKey: s.base, MonitoringServicesURLKey: s.base + "/services"},
	}
	_, err := cs.CoreV1().ConfigMaps(systemNamespace).Update(ctx, cm, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		_, err = cs.CoreV1().ConfigMaps(systemNamespace).Create(ctx, cm, metav1.CreateOptions{})
	}
	if err != nil {
		return fmt.Errorf("publishing the monitoring endpoints in ConfigMap %s/%s: %w", systemNamespace, MonitoringConfigName, err)
	}
	return nil
}
