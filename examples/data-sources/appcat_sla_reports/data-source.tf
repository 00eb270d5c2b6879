# The SLA figures of every instance in a namespace for one month.
data "appcat_sla_reports" "november" {
  namespace      = "my-app"
  month          = "2026-11"
  prometheus_url = "https://mimir.example.com/prometheus"
}

output "missed_sla" {
  value = [for r in data.appcat_sla_reports.november.reports : r.instance_id if r.sla && r.met == false]
}

output "without_sla" {
  value = { for r in data.appcat_sla_reports.november.reports : r.instance_id => r.reason if !r.sla }
}
