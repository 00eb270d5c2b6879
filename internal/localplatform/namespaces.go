package localplatform

import (
	"path/filepath"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// The namespace controller. A cluster finishes a namespace deletion with the namespace
// controller of kube-controller-manager: it deletes every object in the namespace (admission
// still applies, so a claim with deletion protection stays, and the namespace reports the
// platform's message in its NamespaceDeletionContentFailure condition), then removes the
// namespace. Without it a deleted namespace stays Terminating for good. The platform runs the
// real one, built from the same Kubernetes release as kube-apiserver, with every other
// controller of kube-controller-manager off: the platform's own controller does AppCat's part,
// and garbage collection stays its job (it deletes what a claim owns when the claim goes).

const (
	kcmProcess    = "kube-controller-manager"
	kcmKubeconfig = "kube-controller-manager.kubeconfig"
)

func kcmArgs(stateDir string) []string {
	return []string{
		"--kubeconfig=" + filepath.Join(stateDir, kcmKubeconfig),
		"--controllers=namespace",
		"--leader-elect=false",
		"--secure-port=0", // nothing scrapes or probes it here
		"--v=1",
	}
}

// startNamespaceController starts kube-controller-manager with the namespace controller only,
// as the platform's operator. It is not waited for: namespace deletion is asynchronous anyway.
func startNamespaceController(binDir, stateDir, host string, k *pki, detach bool) (*process, error) {
	if err := writeAdminKubeconfig(filepath.Join(stateDir, kcmKubeconfig), host, k); err != nil {
		return nil, err
	}
	return startProcess(stateDir, kcmProcess, filepath.Join(binDir, kcmBinary), kcmArgs(stateDir), nil, detach)
}

// writeAdminKubeconfig writes a kubeconfig with the operator's identity only: the platform's
// kubeconfig has a user context too, and its current context is the user's to change.
func writeAdminKubeconfig(path, host string, k *pki) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[clusterName] = &clientcmdapi.Cluster{Server: host, CertificateAuthorityData: k.caPEM}
	cfg.AuthInfos[AdminContext] = &clientcmdapi.AuthInfo{ClientCertificateData: k.adminCertPEM, ClientKeyData: k.adminKeyPEM}
	cfg.Contexts[AdminContext] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: AdminContext}
	cfg.CurrentContext = AdminContext
	return clientcmd.WriteToFile(*cfg, path)
}
