import {
  to = appcat_object_bucket.uploads
  id = "my-namespace/my-uploads"
}
