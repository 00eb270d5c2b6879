# An existing bucket is imported by namespace/name of its ObjectBucket claim.
terraform import appcat_object_bucket.uploads my-namespace/my-uploads
