package appcat

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
)

var secretsGVR = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

// ConnectionSecret reads a secret's data. A missing secret is ErrNotFound. Values are secret:
// callers must never log them.
func (c *Client) ConnectionSecret(ctx context.Context, namespace, name string, mode ReadMode) (map[string][]byte, error) {
	u, err := c.get(ctx, secretsGVR, namespace, name, mode)
	if err != nil {
		return nil, err
	}
	return secretData(u)
}

func secretData(u *unstructured.Unstructured) (map[string][]byte, error) {
	raw, _, err := unstructured.NestedStringMap(u.Object, "data")
	if err != nil {
		return nil, fmt.Errorf("secret %s/%s: %w", u.GetNamespace(), u.GetName(), err)
	}
	out := make(map[string][]byte, len(raw))
	for k, v := range raw {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, fmt.Errorf("secret %s/%s key %s: not base64", u.GetNamespace(), u.GetName(), k)
		}
		out[k] = b
	}
	return out, nil
}

// MissingKeys lists the keys of want that data lacks.
func MissingKeys(data map[string][]byte, want []string) []string {
	var missing []string
	for _, k := range want {
		if _, ok := data[k]; !ok {
			missing = append(missing, k)
		}
	}
	return missing
}

// waitSecretComplete waits until the claim's connection secret holds every key the kind promises
// and returns its data (nil when the claim has no connection secret). "Ready" alone is not enough
// on the platform: the secret may still be partly filled.
func (c *Client) waitSecretComplete(ctx context.Context, k Kind, claim *unstructured.Unstructured, opts WaitOptions, progress Progress) (map[string][]byte, error) {
	name, _, _ := unstructured.NestedString(claim.Object, "spec", "writeConnectionSecretToRef", "name")
	if name == "" {
		return nil, nil
	}
	ns := claim.GetNamespace()
	c.markWritten(objectKey{secretsGVR, ns, name})
	var missing []string
	var data map[string][]byte
	started := time.Now()
	lastReport := started
	err := wait.PollUntilContextCancel(ctx, 250*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		var err error
		data, err = c.ConnectionSecret(ctx, ns, name, Exact)
		switch {
		case IsNotFound(err):
			missing = k.ConnectionSecretKeys
		case err != nil:
			return false, err
		default:
			missing = MissingKeys(data, k.ConnectionSecretKeys)
		}
		if len(missing) > 0 && progress != nil && time.Since(lastReport) >= opts.ProgressEvery {
			lastReport = time.Now()
			progress(fmt.Sprintf("%s %s/%s: waiting for connection secret %s", k.Kind, ns, claim.GetName(), name), map[string]any{"missing_keys": missing})
		}
		return len(missing) == 0, nil
	})
	if err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("timed out after %s waiting for the connection secret %s/%s of %s %s: missing keys %v", time.Since(started).Round(time.Second), ns, name, k.Kind, claim.GetName(), missing)
	}
	if err != nil {
		return nil, err
	}
	return data, nil
}
