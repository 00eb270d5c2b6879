output "host" {
  description = "Host name of the PostgreSQL service."
  value       = nonsensitive(appcat_postgresql.db.connection_details.host)
}

output "port" {
  description = "Port of the PostgreSQL service."
  value       = nonsensitive(appcat_postgresql.db.connection_details.port)
}

output "load_balancer_ip" {
  description = "Address of the load balancer, with service_type = \"LoadBalancer\"; null otherwise."
  value       = nonsensitive(appcat_postgresql.db.connection_details.load_balancer_ip)
}

output "ca_certificate" {
  description = "CA certificate that signs the server certificate, for sslmode=verify-full."
  value       = nonsensitive(appcat_postgresql.db.connection_details.ca_certificate)
}

output "connection_secret_name" {
  description = "Name of the Secret, in var.namespace, that the platform writes the connection details into."
  value       = appcat_postgresql.db.connection_secret_name
}

# Sensitive: `terraform output` shows it as (sensitive value). Print it with
#   terraform output -raw password
output "password" {
  description = "Password of the admin user."
  value       = appcat_postgresql.db.connection_details.password
  sensitive   = true
}
