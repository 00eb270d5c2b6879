import {
  to = appcat_keycloak.sso
  id = "my-namespace/my-sso"
}
