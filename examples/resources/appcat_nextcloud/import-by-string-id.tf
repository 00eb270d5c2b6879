import {
  to = appcat_nextcloud.files
  id = "my-namespace/my-files"
}
