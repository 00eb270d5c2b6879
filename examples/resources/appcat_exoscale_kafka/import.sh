# An existing instance is imported by namespace/name of its ExoscaleKafka claim.
terraform import appcat_exoscale_kafka.events my-namespace/my-events
