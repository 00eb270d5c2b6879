import {
  to = appcat_maintenance_window.db
  id = "postgresql:my-app/orders-db"
}
