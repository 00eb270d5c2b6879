import {
  to = appcat_forgejo.git
  id = "my-namespace/my-git"
}
