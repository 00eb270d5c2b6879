package controller

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// spec.parameters.monitoring.alertmanagerConfigTemplate: an AlertmanagerConfig spec inline in the
// claim. AppCat creates an AlertmanagerConfig from it in the instance namespace and prefers it to
// alertmanagerConfigRef (vshn/appcat pkg/comp-functions/functions/common/alerting.go); the local
// platform delivers to its webhook receivers as it does for a referenced AlertmanagerConfig.

// templateChannel stands for the template in memory.alerting.channel.
const templateChannel = "(alertmanagerConfigTemplate)"

// alertmanagerConfigTemplate returns the claim's template; nil without one.
func alertmanagerConfigTemplate(obj *unstructured.Unstructured) map[string]any {
	t, found, err := unstructured.NestedMap(obj.Object, "spec", "parameters", "monitoring", "alertmanagerConfigTemplate")
	if !found || err != nil {
		return nil
	}
	return t
}
