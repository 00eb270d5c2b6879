import {
  to = appcat_exoscale_postgresql.orders
  id = "my-namespace/my-orders"
}
