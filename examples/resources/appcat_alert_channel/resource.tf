# A webhook channel: the platform posts Alertmanager webhook JSON to the URL.
resource "appcat_alert_channel" "oncall" {
  name      = "oncall"
  namespace = "my-app"

  webhook = {
    url = "https://alerts.example.com/appcat"
  }
}

# A Slack channel. The webhook URL is write-only: it goes to the platform's Secret, never into
# Terraform's state. Bump credentials_version when the URL changes.
variable "slack_webhook_url" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "appcat_alert_channel" "team_slack" {
  name                = "team-slack"
  namespace           = "my-app"
  credentials_version = 1

  slack = {
    api_url = var.slack_webhook_url
    channel = "#db-alerts"
  }
}

# An instance sends its capacity alerts to the channel, and to two email addresses.
resource "appcat_postgresql" "orders" {
  name      = "orders-db"
  namespace = "my-app"

  alerting = {
    channel = appcat_alert_channel.oncall.name
    email   = "ops@example.com, dba@example.com"
  }
}
