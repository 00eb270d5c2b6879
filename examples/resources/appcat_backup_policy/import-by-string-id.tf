import {
  to = appcat_backup_policy.db
  id = "my-app/orders-db"
}
