package controller

import (
	"crypto/rand"
	"math/big"
)

// Names and labels shared by the controller's objects.
const (
	// finalizer keeps a claim until its instance namespace and connection secret are gone. It is
	// Crossplane's claim finalizer, so that a claim's metadata is what a client sees on AppCat.
	finalizer = "finalizer.apiextensions.crossplane.io"
	// legacyFinalizer is the name earlier versions of this platform used; claims in a platform
	// state made by one still carry it, and deleting them removes it too.
	legacyFinalizer = "local.appcat.vshn.io/cleanup"
	// delayAnnotation overrides the platform's provisioningDelay for one claim.
	delayAnnotation = "local.appcat.vshn.io/provisioning-delay"

	labelClaimName      = "appcat.vshn.io/claim-name"
	labelClaimNamespace = "appcat.vshn.io/claim-namespace"
	labelClaimKind      = "appcat.vshn.io/claim-kind"
	labelComposite      = "appcat.vshn.io/composite"

	// customerRoleBinding grants a namespace to users; its subjects get instanceViewerRoleBinding.
	customerRoleBinding       = "appcat-customer"
	instanceViewerRoleBinding = "appcat:services:read"
	instanceViewerClusterRole = "appcat:services:read"

	systemNamespace = "appcat-system"
)

const suffixLetters = "abcdefghijklmnopqrstuvwxyz"

// randomSuffix returns n random lowercase letters, as Crossplane appends to composite names.
func randomSuffix(n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(suffixLetters)))
	for i := range b {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b[i] = suffixLetters[v.Int64()]
	}
	return string(b)
}

// compositeName is the name Crossplane gives the composite of a claim: <claim>-<5 random chars>.
func compositeName(claim string) string { return claim + "-" + randomSuffix(5) }

// instanceNamespace is where AppCat runs the service of a composite.
func instanceNamespace(k *kind, composite string) string {
	return "vshn-" + k.Service + "-" + composite
}
