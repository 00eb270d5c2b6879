package appcat

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Alert channels: an AlertmanagerConfig (monitoring.coreos.com/v1alpha1) with one receiver, plus
// the Secret that holds the receiver's credentials. A claim's spec.parameters.monitoring names both
// (alertmanagerConfigRef, alertmanagerConfigSecretRef).

// AlertmanagerConfigGVR is the group/version/resource of AlertmanagerConfig.
var AlertmanagerConfigGVR = schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1alpha1", Resource: "alertmanagerconfigs"}

// AlertChannelSecretSuffix makes the name of a channel's credentials Secret from its name.
const AlertChannelSecretSuffix = "-alert-channel"

// AlertChannelSecretName is the name of the Secret with the credentials of the channel name.
func AlertChannelSecretName(channel string) string { return channel + AlertChannelSecretSuffix }

// Keys of the credentials Secret, one per receiver kind that has a credential.
const (
	AlertSecretKeySlackAPIURL       = "slack-api-url"
	AlertSecretKeyMSTeamsWebhookURL = "msteams-webhook-url"
	AlertSecretKeyPagerDutyRouting  = "pagerduty-routing-key"
	AlertSecretKeyOpsgenieAPIKey    = "opsgenie-api-key"
)

// AlertChannelCredentialsVersionAnnotation on the Secret records the credentials version the
// writer gave (Terraform's credentials_version), so an import can fill it in.
const AlertChannelCredentialsVersionAnnotation = "appcat.vshn.io/credentials-version"

// AlertmanagerConfig is the typed object; JSON names are exactly the API's.
type AlertmanagerConfig struct {
	APIVersion string                 `json:"apiVersion,omitempty"`
	Kind       string                 `json:"kind,omitempty"`
	Metadata   ObjectMeta             `json:"metadata"`
	Spec       AlertmanagerConfigSpec `json:"spec"`
}

// AlertmanagerConfigSpec is the spec: a route to the receivers.
type AlertmanagerConfigSpec struct {
	Route     *AlertRoute     `json:"route,omitempty"`
	Receivers []AlertReceiver `json:"receivers,omitempty"`
}

// AlertRoute routes the alerts to a receiver.
type AlertRoute struct {
	Receiver       string   `json:"receiver,omitempty"`
	GroupBy        []string `json:"groupBy,omitempty"`
	RepeatInterval string   `json:"repeatInterval,omitempty"`
}

// AlertReceiver is one receiver: a name and its configurations by kind.
type AlertReceiver struct {
	Name             string            `json:"name"`
	EmailConfigs     []EmailConfig     `json:"emailConfigs,omitempty"`
	WebhookConfigs   []WebhookConfig   `json:"webhookConfigs,omitempty"`
	SlackConfigs     []SlackConfig     `json:"slackConfigs,omitempty"`
	MSTeamsConfigs   []MSTeamsConfig   `json:"msteamsConfigs,omitempty"`
	PagerDutyConfigs []PagerDutyConfig `json:"pagerdutyConfigs,omitempty"`
	OpsgenieConfigs  []OpsgenieConfig  `json:"opsgenieConfigs,omitempty"`
}

// SecretKeyRef picks one key of a Secret in the same namespace.
type SecretKeyRef struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

// EmailConfig sends alerts by email.
type EmailConfig struct {
	SendResolved *bool  `json:"sendResolved,omitempty"`
	To           string `json:"to,omitempty"`
	From         string `json:"from,omitempty"`
	Smarthost    string `json:"smarthost,omitempty"`
}

// WebhookConfig posts alerts as Alertmanager's webhook JSON to a URL.
type WebhookConfig struct {
	SendResolved *bool  `json:"sendResolved,omitempty"`
	URL          string `json:"url,omitempty"`
}

// SlackConfig posts alerts to Slack; the API URL (with its token) is in the Secret.
type SlackConfig struct {
	SendResolved *bool         `json:"sendResolved,omitempty"`
	APIURL       *SecretKeyRef `json:"apiURL,omitempty"`
	Channel      string        `json:"channel,omitempty"`
}

// MSTeamsConfig posts alerts to a Microsoft Teams incoming webhook (URL in the Secret).
type MSTeamsConfig struct {
	SendResolved *bool         `json:"sendResolved,omitempty"`
	WebhookURL   *SecretKeyRef `json:"webhookUrl,omitempty"`
}

// PagerDutyConfig sends alerts to PagerDuty Events API v2 (routing key in the Secret).
type PagerDutyConfig struct {
	SendResolved *bool         `json:"sendResolved,omitempty"`
	RoutingKey   *SecretKeyRef `json:"routingKey,omitempty"`
}

// OpsgenieConfig sends alerts to Opsgenie (API key in the Secret).
type OpsgenieConfig struct {
	SendResolved *bool         `json:"sendResolved,omitempty"`
	APIKey       *SecretKeyRef `json:"apiKey,omitempty"`
}

// AlertChannel is what an alert channel consists of: the config and its Secret's data.
type AlertChannel struct {
	Config *AlertmanagerConfig
	// Credentials are the Secret's data (secret: never log them).
	Credentials map[string][]byte
	// CredentialsVersion is the Secret's credentials version annotation ("" when absent).
	CredentialsVersion string
}

// GetAlertChannel reads a channel's AlertmanagerConfig and its Secret. A missing config is
// ErrNotFound; a missing Secret leaves Credentials nil.
func (c *Client) GetAlertChannel(ctx context.Context, namespace, name string, mode ReadMode) (*AlertChannel, error) {
	u, err := c.get(ctx, AlertmanagerConfigGVR, namespace, name, mode)
	if err != nil {
		return nil, err
	}
	cfg, err := alertmanagerConfigFrom(u)
	if err != nil {
		return nil, err
	}
	ch := &AlertChannel{Config: cfg}
	s, err := c.get(ctx, secretsGVR, namespace, AlertChannelSecretName(name), mode)
	switch {
	case IsNotFound(err):
		return ch, nil
	case err != nil:
		return nil, err
	}
	if ch.Credentials, err = secretData(s); err != nil {
		return nil, err
	}
	ch.CredentialsVersion = s.GetAnnotations()[AlertChannelCredentialsVersionAnnotation]
	return ch, nil
}

func alertmanagerConfigFrom(u *unstructured.Unstructured) (*AlertmanagerConfig, error) {
	data, err := json.Marshal(u.Object)
	if err != nil {
		return nil, err
	}
	var cfg AlertmanagerConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("decoding AlertmanagerConfig %s/%s: %w", u.GetNamespace(), u.GetName(), err)
	}
	return &cfg, nil
}

// ApplyAlertChannel writes the channel's Secret (credentials; labels and the credentials version
// annotation) and then its AlertmanagerConfig, both with server-side apply as fieldManager.
func (c *Client) ApplyAlertChannel(ctx context.Context, fieldManager string, cfg *AlertmanagerConfig, credentials map[string][]byte, credentialsVersion string) (*AlertChannel, error) {
	ns, name := cfg.Metadata.Namespace, cfg.Metadata.Name
	if ns == "" || name == "" {
		return nil, errors.New("alert channel: namespace and name are required")
	}
	secretName := AlertChannelSecretName(name)
	data := map[string]any{}
	for k, v := range credentials {
		data[k] = base64.StdEncoding.EncodeToString(v)
	}
	meta := map[string]any{"name": secretName, "namespace": ns,
		"labels": map[string]any{"app.kubernetes.io/managed-by": "terraform-provider-appcat", "appcat.vshn.io/alert-channel": name}}
	if credentialsVersion != "" {
		meta["annotations"] = map[string]any{AlertChannelCredentialsVersionAnnotation: credentialsVersion}
	}
	secret := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": meta, "data": data,
	}}
	c.markWritten(objectKey{secretsGVR, ns, secretName})
	opts := metav1.ApplyOptions{FieldManager: fieldManager, Force: true}
	if _, err := c.dynamic.Resource(secretsGVR).Namespace(ns).Apply(ctx, secretName, secret, opts); err != nil {
		return nil, fmt.Errorf("applying Secret %s/%s of alert channel %s: %w", ns, secretName, name, err)
	}
	spec, err := toMap(cfg.Spec)
	if err != nil {
		return nil, err
	}
	cmeta := map[string]any{"name": name, "namespace": ns}
	if len(cfg.Metadata.Labels) > 0 {
		cmeta["labels"] = stringMapToAny(cfg.Metadata.Labels)
	}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": AlertmanagerConfigGVR.GroupVersion().String(), "kind": "AlertmanagerConfig", "metadata": cmeta, "spec": spec,
	}}
	c.markWritten(objectKey{AlertmanagerConfigGVR, ns, name})
	out, err := c.dynamic.Resource(AlertmanagerConfigGVR).Namespace(ns).Apply(ctx, name, obj, opts)
	if err != nil {
		return nil, fmt.Errorf("applying AlertmanagerConfig %s/%s: %w", ns, name, err)
	}
	applied, err := alertmanagerConfigFrom(out)
	if err != nil {
		return nil, err
	}
	return &AlertChannel{Config: applied, Credentials: credentials, CredentialsVersion: credentialsVersion}, nil
}

// DeleteAlertChannel deletes a channel's AlertmanagerConfig and its Secret. What is already gone
// is not an error.
func (c *Client) DeleteAlertChannel(ctx context.Context, namespace, name string) error {
	for _, o := range []struct {
		gvr  schema.GroupVersionResource
		name string
	}{{AlertmanagerConfigGVR, name}, {secretsGVR, AlertChannelSecretName(name)}} {
		c.markWritten(objectKey{o.gvr, namespace, o.name})
		err := c.dynamic.Resource(o.gvr).Namespace(namespace).Delete(ctx, o.name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting %s %s/%s: %w", o.gvr.Resource, namespace, o.name, err)
		}
	}
	return nil
}
