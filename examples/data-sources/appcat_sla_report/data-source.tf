# The SLA figures of an instance for one month, computed as VSHN's SLA reporter computes them from
# the SLI series in a Prometheus-compatible endpoint (here a Mimir tenant).
variable "mimir_org" {
  type      = string
  sensitive = true
}

data "appcat_sla_report" "orders_db" {
  kind           = "postgresql"
  instance_id    = "my-app/orders-db"
  month          = "2026-11"
  prometheus_url = "https://mimir.example.com/prometheus"
  prometheus_headers = {
    "X-Scope-OrgID" = var.mimir_org
  }
}

# null with a reason for an instance without an SLA (service_level besteffort, or MariaDB).
output "availability" {
  value = data.appcat_sla_report.orders_db.sla ? "${data.appcat_sla_report.orders_db.availability_percent} % (target ${data.appcat_sla_report.orders_db.target_percent} %)" : data.appcat_sla_report.orders_db.reason
}

# 0, 10, 25 or 100 (percent of the month's fee).
output "service_credit_percent" {
  value = data.appcat_sla_report.orders_db.service_credit_percent
}
