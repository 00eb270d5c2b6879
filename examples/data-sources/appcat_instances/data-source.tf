# Every instance in the namespace, of every kind, whoever made it.
data "appcat_instances" "all" {
  namespace = "my-app"
}

# Only the PostgreSQL instances.
data "appcat_instances" "postgresql" {
  namespace = "my-app"
  kinds     = ["postgresql"]
}

output "instances_not_ready" {
  value = [for i in data.appcat_instances.all.instances : i.id if !i.ready]
}
