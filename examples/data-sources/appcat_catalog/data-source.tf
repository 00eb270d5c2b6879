# What this cluster offers for Redis: its plans and their sizes.
data "appcat_catalog" "redis" {
  kind = "redis"
}

output "redis_plans" {
  value = {
    for p in data.appcat_catalog.redis.services[0].plans : p.name => "${p.cpu} CPU, ${p.memory} memory, ${p.disk} disk"
  }
}

# Every offered service, also those without a resource in this provider.
data "appcat_catalog" "all" {}

output "offered_compositions" {
  value = [for s in data.appcat_catalog.all.services : s.composition]
}
