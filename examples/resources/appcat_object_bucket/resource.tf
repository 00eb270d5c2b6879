resource "appcat_object_bucket" "uploads" {
  name      = "uploads"
  namespace = "my-app"

  # The bucket's own name; it cannot change (a new name replaces the bucket).
  # Unset, the platform names it after the claim's composite (uploads-<suffix>).
  bucket_name = "my-app-uploads"

  # Unset: the installation's default region (lpg on VSHN's cloud).
  region = "lpg"

  # The default: deleting the bucket deletes its objects too.
  bucket_deletion_policy = "DeleteAll"

  # The default: `terraform destroy` fails until this is set to false and applied.
  deletion_protection = true
}

output "bucket_name" {
  value     = appcat_object_bucket.uploads.connection_details.bucket_name
  sensitive = true
}

output "s3_endpoint_url" {
  value     = appcat_object_bucket.uploads.connection_details.url
  sensitive = true
}

output "s3_access_key_id" {
  value     = appcat_object_bucket.uploads.connection_details.access_key_id
  sensitive = true
}
