import {
  to = appcat_exoscale_kafka.events
  id = "my-namespace/my-events"
}
