# An existing instance is imported by namespace/name of its VSHNMariaDB claim.
terraform import appcat_mariadb.db my-namespace/my-db
