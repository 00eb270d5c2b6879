resource "appcat_postgresql" "db" {
  name      = "orders-db"
  namespace = "my-app"
  backend   = "stackgres" # privileges need StackGres; on CloudNativePG users get ALL on their database
}

# One user per application, each with its own database and password. The platform writes the
# credentials into the Secret <instance>-<user> (here orders-db-orders) in the instance's namespace.
resource "appcat_database_user" "orders" {
  kind        = "postgresql"
  instance_id = appcat_postgresql.db.id
  user        = "orders"
}

# A user whose credentials stay out of the Terraform state: connection_details keeps host, port,
# username and database only. Clients get the password from the appcat_connection ephemeral
# resource (see its page) or from the Secret mounted into the workload.
resource "appcat_database_user" "billing" {
  kind              = "postgresql"
  instance_id       = appcat_postgresql.db.id
  user              = "billing"
  store_credentials = false
}

# A read-only user of the same database, with a Secret name of its own.
resource "appcat_database_user" "reporting" {
  kind                   = "postgresql"
  instance_id            = appcat_postgresql.db.id
  user                   = "reporting"
  database               = appcat_database_user.orders.database
  privileges             = ["CONNECT"]
  connection_secret_name = "reporting-db-credentials"
}

# Many users of one instance in one apply: the provider retries its writes of the instance's
# access list, so none is lost.
resource "appcat_mariadb" "shop" {
  name      = "shop-db"
  namespace = "my-app"
}

resource "appcat_database_user" "services" {
  for_each = toset(["cart", "catalog", "checkout"])

  kind        = "mariadb"
  instance_id = appcat_mariadb.shop.id
  user        = each.key
  privileges  = ["SELECT", "INSERT", "UPDATE", "DELETE"]
}
