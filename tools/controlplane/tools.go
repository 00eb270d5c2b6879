//go:build tools

// Package controlplane pins the kube-apiserver and kube-controller-manager commands so `go mod
// tidy` keeps their dependencies.
package controlplane

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
