# An existing instance is imported by namespace/name of its ExoscalePostgreSQL claim.
terraform import appcat_exoscale_postgresql.orders my-namespace/my-orders
