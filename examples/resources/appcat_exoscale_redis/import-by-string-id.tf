import {
  to = appcat_exoscale_redis.cache
  id = "my-namespace/my-cache"
}
