import {
  to = appcat_mariadb.db
  id = "my-namespace/my-db"
}
