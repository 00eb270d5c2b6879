# An existing instance is imported by namespace/name of its VSHNNextcloud claim.
terraform import appcat_nextcloud.files my-namespace/my-files
