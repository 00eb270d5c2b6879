resource "appcat_minio" "objects" {
  name      = "objects"
  namespace = "my-app"

  # Four MinIO servers that erasure-code the objects across them (the default).
  mode      = "distributed"
  instances = 4

  plan = "standard-1" # 1 CPU, 1Gi memory, 50Gi disk per server on APPUiO Cloud
  disk = "100Gi"      # more room for objects than the plan gives; it can only grow

  # The default for MinIO: reachable from every namespace of the cluster.
  allow_all_namespaces = true

  # The default: `terraform destroy` fails until this is set to false and applied.
  deletion_protection = true
}

# Maintenance (MinIO updates) in a window of your choice.
resource "appcat_maintenance_window" "objects" {
  kind        = "minio"
  instance_id = appcat_minio.objects.id
  day_of_week = "sunday"
  time_of_day = "02:00:00"
}

output "s3_endpoint" {
  # http://<cluster IP>:9000 inside the cluster
  value     = appcat_minio.objects.connection_details.url
  sensitive = true
}

output "s3_access_key_id" {
  value     = appcat_minio.objects.connection_details.access_key_id
  sensitive = true
}
