# The SLA reports of every instance in a namespace for one month.
data "appcat_sla_reports" "november" {
  namespace = "my-app"
  month     = "2026-11"
}

output "missed_sla" {
  value = [for r in data.appcat_sla_reports.november.reports : r.instance_id if !r.met]
}
