package controller

// Codey (codey.io/v1 CodeyInstance): Forgejo as a product. AppCat's composition codey.io
// (component-appcat component/vshn_codey.jsonnet) composes an XVSHNForgejo with the host name
// <claim name>.app.codey.ch and copies three of its connection keys. Its row in kinds.go reports
// no instance namespace (the claim's status never gets one), no version, and has no restore,
// backups, maintenance window or exporter.

// codeyDomain is the domain under which AppCat publishes every Codey instance (the
// composition's fqdn patch, the webhook's codeyUrlSuffix).
const codeyDomain = ".app.codey.ch"

// codeyConnection is what the composition copies from the Forgejo's connection secret:
// CODEY_USERNAME (FORGEJO_USERNAME, forgejo_admin), CODEY_PASSWORD (FORGEJO_PASSWORD) and
// CODEY_URL (FORGEJO_URL, the Forgejo's only fqdn: the claim's name under app.codey.ch, no
// scheme). No certificate.
func codeyConnection(in connectionInput) connectionPlan {
	return connectionPlan{values: map[string]string{
		"CODEY_USERNAME": "forgejo_admin",
		"CODEY_PASSWORD": in.password,
		"CODEY_URL":      in.obj.GetName() + codeyDomain,
	}, noCA: true}
}
