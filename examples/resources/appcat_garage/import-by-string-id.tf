import {
  to = appcat_garage.files
  id = "my-namespace/my-files"
}
