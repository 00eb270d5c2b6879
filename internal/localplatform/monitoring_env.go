package localplatform

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/vshn/terraform-provider-appcat/internal/localplatform/controller"
)

// MonitoringEnv is APPCAT_PROMETHEUS_URL=<the platform's Prometheus-compatible API>, read from
// the ConfigMap the controller publishes when it starts (controller/monitoring_config.go): what
// appcat_sla_report(s) and appcat_metrics_endpoint use when prometheus_url is not set. On AppCat
// the user names such an endpoint themselves.
func (p *Platform) MonitoringEnv(ctx context.Context) ([]string, error) {
	cs, err := kubernetes.NewForConfig(p.AdminConfig())
	if err != nil {
		return nil, err
	}
	cm, err := cs.CoreV1().ConfigMaps(SystemNamespace).Get(ctx, controller.MonitoringConfigName, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("reading the monitoring endpoints (is the controller running?): %w", err)
	}
	return []string{"APPCAT_PROMETHEUS_URL=" + cm.Data[controller.MonitoringPrometheusURLKey]}, nil
}
