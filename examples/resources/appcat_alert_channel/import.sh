# An alert channel is imported by namespace/name. Write-only credentials cannot be read back:
# keep them in the configuration.
terraform import appcat_alert_channel.oncall my-app/oncall
