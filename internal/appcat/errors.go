package appcat

import (
	"errors"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// Explain turns an error from the platform into text for a diagnostic: the platform's own
// message first (for a refusal by its admission rules, the rule's message), then what kind of
// refusal it was and what usually helps.
func Explain(err error) string {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return err.Error()
	}
	s := status.Status()
	var b strings.Builder
	b.WriteString(err.Error())
	switch {
	case apierrors.IsForbidden(err):
		b.WriteString("\n\nThe platform refused the request for lack of permission. Check that the credentials the provider uses may manage AppCat claims in this namespace.")
	case apierrors.IsUnauthorized(err):
		b.WriteString("\n\nThe platform did not accept the provider's credentials. Check the provider configuration (token, client certificate, kubeconfig).")
	case apierrors.IsInvalid(err) || s.Code == 422:
		b.WriteString("\n\nThe platform's validation rejected the request; nothing was changed.")
	}
	return b.String()
}
