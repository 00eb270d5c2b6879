package providerconfig

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"k8s.io/client-go/rest"
)

// Checks of individual values (host, proxy, PEM data) so that a bad one is reported on its
// attribute before client-go sees it.

// normalizeHost makes the API server URL explicit. A host without a scheme
// gets https:// (client-go would otherwise pick http:// when no CA is given,
// and then silently send no credentials).
func normalizeHost(h string) (string, error) {
	h = strings.TrimSpace(h)
	if !strings.Contains(h, "://") {
		h = "https://" + h
	}
	u, err := url.Parse(h)
	if err != nil {
		return "", err
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("scheme must be https or http, not %q", u.Scheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("no host name")
	}
	if u.User != nil {
		return "", fmt.Errorf("credentials in the URL are not supported; use username and password")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("query and fragment are not supported")
	}
	return u.String(), nil
}

func checkProxyURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	switch u.Scheme {
	case "http", "https", "socks5":
	default:
		return fmt.Errorf("scheme must be http, https or socks5, not %q", u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("no host name")
	}
	return nil
}

// checkCertificatesPEM checks that s holds at least one PEM certificate and
// that every certificate block parses.
func checkCertificatesPEM(s string) error {
	remaining := []byte(s)
	n := 0
	for {
		var block *pem.Block
		block, remaining = pem.Decode(remaining)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Errorf("certificate %d: %w", n+1, err)
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("no PEM CERTIFICATE block found%s", base64Hint(s))
	}
	return nil
}

// checkPrivateKeyPEM checks that s holds a parseable PEM private key.
func checkPrivateKeyPEM(s string) error {
	remaining := []byte(s)
	for {
		var block *pem.Block
		block, remaining = pem.Decode(remaining)
		if block == nil {
			return fmt.Errorf("no PEM PRIVATE KEY block found%s", base64Hint(s))
		}
		if !strings.HasSuffix(block.Type, "PRIVATE KEY") {
			continue
		}
		if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
			return nil
		}
		if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
			return nil
		}
		if _, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
			return nil
		}
		return fmt.Errorf("the %s block cannot be parsed (PKCS#8, PKCS#1 and SEC 1 are supported; encrypted keys are not)", block.Type)
	}
}

// base64Hint recognises the common mistake of passing the base64 text of a
// kubeconfig's *-data field instead of the decoded PEM.
func base64Hint(s string) string {
	decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err == nil && strings.Contains(string(decoded), "-----BEGIN") {
		return "; the value looks base64-encoded: decode it first, e.g. with base64decode()"
	}
	return ""
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable)"
	}
	return u.Redacted()
}

// authMethods names the credentials in use, never their values.
func authMethods(c *rest.Config) []string {
	var m []string
	if c.ExecProvider != nil {
		m = append(m, "exec:"+filepath.Base(c.ExecProvider.Command))
	}
	if c.AuthProvider != nil {
		m = append(m, "auth-provider:"+c.AuthProvider.Name)
	}
	if c.BearerToken != "" || c.BearerTokenFile != "" {
		m = append(m, "token")
	}
	if c.Username != "" || c.Password != "" {
		m = append(m, "basic")
	}
	if len(c.CertData) > 0 || c.CertFile != "" {
		m = append(m, "client-certificate")
	}
	if len(m) == 0 {
		m = append(m, "none")
	}
	return m
}
