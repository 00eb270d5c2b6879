# An existing instance is imported by namespace/name of its ExoscaleRedis claim.
terraform import appcat_exoscale_redis.cache my-namespace/my-cache
