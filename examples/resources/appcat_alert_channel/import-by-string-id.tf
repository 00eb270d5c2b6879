import {
  to = appcat_alert_channel.oncall
  id = "my-app/oncall"
}
