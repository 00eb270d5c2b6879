# An existing instance is imported by namespace/name of its VSHNPostgreSQL claim.
terraform import appcat_postgresql.db my-namespace/my-db
