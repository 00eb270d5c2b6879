// Package localplatform starts the local AppCat platform: etcd and kube-apiserver built from the
// Go module proxy (tools/controlplane), the AppCat API installed as CRDs and admission policies
// (package manifests), and the controller that plays the platform's part (package controller).
// README.md beside this file is the contract between these parts.
//
// # Use
//
// Tests start one platform per test binary with package platformtest:
//
//	func TestMain(m *testing.M) { platformtest.Main(m) }
//
// Programs call Start and Stop; the command appcat-local (cmd/appcat-local) runs the same start
// sequence detached (Up, Down, Open, Status) for demos and manual work:
//
//	go run ./cmd/appcat-local up        # state in .appcat-local/ of the repository
//	eval "$(go run ./cmd/appcat-local env)"
//	go run ./cmd/appcat-local down --purge
//
// # What runs
//
// etcd and kube-apiserver listen on 127.0.0.1 only, on free ports. kube-apiserver authenticates
// client certificates of one generated CA and a static token, authorizes with RBAC, and serves
// only the built-in API groups the platform needs. There is no kube-controller-manager and no
// scheduler: nothing runs pods, namespaces are not finalized on deletion and the garbage
// collector is off (ownerReferences do not cascade; the controller cleans up what it creates).
//
// # State dir
//
//	pki/            CA, serving and client certificates, service-account key, token file
//	user.token      appcat-user's bearer token
//	kubeconfig      contexts admin (current, system:masters) and user (appcat-user)
//	etcd/           etcd's data
//	*.log, *.pid    output and process id of etcd, kube-apiserver and the controller
//	state.json      host and ports of the last start
//
// # Environment
//
//	APPCAT_LOCAL_BIN_DIR          use etcd and kube-apiserver from this directory, build nothing
//	APPCAT_LOCAL_KEEP=1           platformtest keeps the state dir (logs, kubeconfig)
//	APPCAT_LOCAL_APISERVER_FLAGS  extra kube-apiserver flags, for debugging
package localplatform
