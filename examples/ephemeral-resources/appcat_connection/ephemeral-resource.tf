resource "appcat_postgresql" "db" {
  name      = "orders-db"
  namespace = "my-app"
}

# store_credentials = false: the user's password is not stored in the state either; this
# ephemeral resource is how the configuration gets it.
resource "appcat_database_user" "migrations" {
  kind              = "postgresql"
  instance_id       = appcat_postgresql.db.id
  user              = "migrations"
  store_credentials = false
}

# The credentials of the user, read when Terraform needs them and never stored in the plan or
# the state. connection_details (its username is stored even with store_credentials = false) is
# known only once the platform has provisioned the user, so referring to it makes Terraform open
# the ephemeral resource during the apply that creates the user, after it exists.
ephemeral "appcat_connection" "migrations" {
  kind        = "postgresql"
  instance_id = appcat_postgresql.db.id
  user        = appcat_database_user.migrations.connection_details.username
}

# Without `user`: the instance's own admin credentials (the instance must exist at plan time).
ephemeral "appcat_connection" "admin" {
  kind        = "postgresql"
  instance_id = "my-app/reporting-db"
}

# Use the values where they only configure something else, for example another provider:
#
#   provider "postgresql" {
#     host     = ephemeral.appcat_connection.migrations.host
#     port     = ephemeral.appcat_connection.migrations.port
#     username = ephemeral.appcat_connection.migrations.username
#     password = ephemeral.appcat_connection.migrations.password
#     database = ephemeral.appcat_connection.migrations.database
#     sslmode  = "require"
#   }
#
# (See the documentation page for complete postgresql and mysql examples.)
