package controller

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const (
	platformConfigName   = "platform-config"
	keyProvisioningDelay = "provisioningDelay"
	keyFailNamePattern   = "failNamePattern"

	// defaultProvisioningDelay applies when the ConfigMap or its key is missing.
	defaultProvisioningDelay = 2 * time.Second
)

// platformConfig is the ConfigMap appcat-system/platform-config, read on every reconcile.
type platformConfig struct {
	delay       time.Duration
	failPattern *regexp.Regexp // nil: no injected failures
}

// loadPlatformConfig reads the ConfigMap straight from the API server rather than from a
// cache: a test that changes it and then creates a claim must see the claim handled with the
// new values, which a watch-fed cache does not promise.
func loadPlatformConfig(ctx context.Context, c client.Reader) (platformConfig, error) {
	cfg := platformConfig{delay: defaultProvisioningDelay}
	var cm corev1.ConfigMap
	err := c.Get(ctx, types.NamespacedName{Namespace: systemNamespace, Name: platformConfigName}, &cm)
	if apierrors.IsNotFound(err) {
		return cfg, nil
	}
	if err != nil {
		return cfg, fmt.Errorf("reading %s/%s: %w", systemNamespace, platformConfigName, err)
	}
	return parsePlatformConfig(cm.Data)
}

func parsePlatformConfig(data map[string]string) (platformConfig, error) {
	cfg := platformConfig{delay: defaultProvisioningDelay}
	if s := strings.TrimSpace(data[keyProvisioningDelay]); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return cfg, fmt.Errorf("%s/%s: %s %q is not a non-negative Go duration", systemNamespace, platformConfigName, keyProvisioningDelay, s)
		}
		cfg.delay = d
	}
	if s := data[keyFailNamePattern]; s != "" {
		re, err := regexp.Compile(s)
		if err != nil {
			return cfg, fmt.Errorf("%s/%s: %s %q: %w", systemNamespace, platformConfigName, keyFailNamePattern, s, err)
		}
		cfg.failPattern = re
	}
	return cfg, nil
}

// claimDelay is the provisioning delay of one claim: its annotation, else the platform's.
func claimDelay(cfg platformConfig, obj *unstructured.Unstructured) (time.Duration, error) {
	s, ok := obj.GetAnnotations()[delayAnnotation]
	if !ok {
		return cfg.delay, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < 0 {
		return 0, fmt.Errorf("annotation %s: %q is not a non-negative Go duration", delayAnnotation, s)
	}
	return d, nil
}
