package localplatform

import (
	"fmt"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

const (
	kubeconfigFile = "kubeconfig"
	clusterName    = "appcat-local"
	// AdminContext is the kubeconfig context of the platform operator (system:masters), the
	// current context.
	AdminContext = "admin"
	// UserContext is the kubeconfig context of the customer appcat-user.
	UserContext = "user"
)

func hostURL(port int) string { return fmt.Sprintf("https://127.0.0.1:%d", port) }

// restConfigs returns the admin's and the customer's client configurations. Both have a rate
// limit far above client-go's default: tests and benchmarks make many requests.
func restConfigs(host string, k *pki) (admin, user *rest.Config) {
	mk := func(cert, key []byte) *rest.Config {
		return &rest.Config{
			Host:            host,
			TLSClientConfig: rest.TLSClientConfig{CAData: k.caPEM, CertData: cert, KeyData: key},
			QPS:             200,
			Burst:           400,
		}
	}
	return mk(k.adminCertPEM, k.adminKeyPEM), mk(k.userCertPEM, k.userKeyPEM)
}

// userTokenConfig is the customer's configuration with the static bearer token instead of a
// client certificate.
func userTokenConfig(host string, k *pki) *rest.Config {
	return &rest.Config{
		Host:            host,
		BearerToken:     k.userToken,
		TLSClientConfig: rest.TLSClientConfig{CAData: k.caPEM},
		QPS:             200,
		Burst:           400,
	}
}

// writeKubeconfig writes a self-contained kubeconfig (certificates embedded) with the contexts
// admin (current) and user (namespace: the first user namespace).
func writeKubeconfig(path, host, userNamespace string, k *pki) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[clusterName] = &clientcmdapi.Cluster{Server: host, CertificateAuthorityData: k.caPEM}
	cfg.AuthInfos[AdminContext] = &clientcmdapi.AuthInfo{ClientCertificateData: k.adminCertPEM, ClientKeyData: k.adminKeyPEM}
	cfg.AuthInfos[UserContext] = &clientcmdapi.AuthInfo{ClientCertificateData: k.userCertPEM, ClientKeyData: k.userKeyPEM}
	cfg.Contexts[AdminContext] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: AdminContext}
	cfg.Contexts[UserContext] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: UserContext, Namespace: userNamespace}
	cfg.CurrentContext = AdminContext
	return clientcmd.WriteToFile(*cfg, path)
}
