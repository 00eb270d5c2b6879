resource "appcat_garage" "files" {
  name      = "files"
  namespace = "my-app"

  plan             = "standard-4" # 1 CPU, 4Gi memory, 100Gi data volume on APPUiO Cloud
  disk             = "200Gi"      # more room for objects than the plan gives; it can only grow
  metadata_storage = "10Gi"       # the metadata database; raise it for millions of objects

  # Three nodes, each with a copy of the data. Fixed once the instance exists.
  instances     = 3
  service_level = "guaranteed"

  # The default for Garage: reachable from every namespace of the cluster.
  allow_all_namespaces = true

  # The default: `terraform destroy` fails until this is set to false and applied.
  deletion_protection = true
}

output "s3_endpoint" {
  # host:port inside the cluster, e.g. garage.vshn-garage-files-x7k2q.svc.cluster.local:3900
  value     = "http://${appcat_garage.files.connection_details.url}"
  sensitive = true
}
