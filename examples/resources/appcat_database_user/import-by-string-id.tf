import {
  to = appcat_database_user.orders
  id = "my-app/orders-db/orders"
}
