package localplatform

import "context"

// GrantNamespace creates ns if needed and grants it to appcat-user exactly as Start grants the
// user namespaces (RoleBinding appcat-customer to ClusterRole appcat:customer), then waits until
// the authorizer, which reads RBAC from a cache, lets the user work there. It acts as the
// platform operator: a customer may neither create namespaces nor bind roles. Tests use it to
// give the customer a namespace of their own.
func (p *Platform) GrantNamespace(ctx context.Context, ns string) error {
	in, err := newInstaller(p.admin, &Options{})
	if err != nil {
		return err
	}
	if err := in.grantNamespace(ctx, ns); err != nil {
		return err
	}
	return in.waitUserAllowed(ctx, ns)
}
