# An existing instance is imported by namespace/name of its ExoscaleMySQL claim.
terraform import appcat_exoscale_mysql.shop my-namespace/my-shop
