import {
  to = appcat_codey.code
  id = "my-namespace/my-code"
}
