import {
  to = appcat_postgresql.db
  id = "my-namespace/my-db"
}
