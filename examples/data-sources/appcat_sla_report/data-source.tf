# The SLA report of an instance for one month.
data "appcat_sla_report" "orders_db" {
  kind        = "postgresql"
  instance_id = "my-app/orders-db"
  month       = "2026-11"
}

output "availability" {
  value = "${data.appcat_sla_report.orders_db.availability_percent} % (target ${data.appcat_sla_report.orders_db.target_percent} %)"
}

output "target_met" {
  value = data.appcat_sla_report.orders_db.met
}

# 0, 10, 25 or 100 (percent of the month's fee).
output "service_credit_percent" {
  value = data.appcat_sla_report.orders_db.service_credit_percent
}
