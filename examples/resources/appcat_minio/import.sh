# An existing instance is imported by namespace/name of its VSHNMinio claim.
terraform import appcat_minio.objects my-namespace/my-objects
