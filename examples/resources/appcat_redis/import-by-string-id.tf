import {
  to = appcat_redis.cache
  id = "my-namespace/my-cache"
}
