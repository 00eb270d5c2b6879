# An existing instance is imported by namespace/name of its VSHNRedis claim.
terraform import appcat_redis.cache my-namespace/my-cache
