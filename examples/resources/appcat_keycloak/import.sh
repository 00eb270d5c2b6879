# An existing instance is imported by namespace/name of its VSHNKeycloak claim.
terraform import appcat_keycloak.sso my-namespace/my-sso
