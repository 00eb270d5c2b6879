import {
  to = appcat_minio.objects
  id = "my-namespace/my-objects"
}
