# Two applications' databases from the app-database module, and how an application reads its
# credentials without Terraform storing them. Run it from this directory; a real configuration
# takes the module from git or a registry instead of "../".
terraform {
  # The appcat_connection ephemeral resource below needs Terraform 1.10 or OpenTofu 1.11; the
  # module alone would do with 1.5.
  required_version = ">= 1.11"

  required_providers {
    appcat = {
      source = "vshn/appcat"
    }
  }
}

# Cluster and credentials from the environment (KUBE_CONFIG_PATH and KUBE_CTX, or KUBE_HOST and
# KUBE_TOKEN): see the provider's documentation.
provider "appcat" {}

# Only name and namespace: PostgreSQL with the platform's default version and plan, backups every
# day kept for 7 days, maintenance on Tuesdays at 21:00 UTC, one user "app" with a database "app",
# credentials in the state (the credentials output), deletion protection on.
module "orders_db" {
  source = "../"

  name      = "orders-db"
  namespace = "my-app"
}

# MariaDB with two users, alerts, and the users' passwords kept out of the state: the
# application reads them with appcat_connection (below) or mounts the users' Secrets.
module "shop_db" {
  source = "../"

  name           = "shop-db"
  namespace      = "my-app"
  engine         = "mariadb"
  engine_version = "11.8"

  backup_schedule       = "30 1 * * *" # 01:30 UTC
  backup_retention_days = 14
  maintenance_window    = { day_of_week = "wednesday", time_of_day = "22:00:00" }

  users = {
    shop      = {}
    reporting = { database = "shop", privileges = ["SELECT"] }
  }
  store_credentials = false

  alert_emails  = ["dba@example.com"]
  alert_channel = { webhook_url = "https://alerts.example.com/appcat" }
}

# The shop user's credentials, read from the platform whenever Terraform runs and never written
# to the plan or the state. users["shop"].username is known once the platform has provisioned
# the user, so in the first apply Terraform opens this after the module has created the user.
ephemeral "appcat_connection" "shop" {
  kind        = module.shop_db.kind
  instance_id = module.shop_db.instance_id
  user        = module.shop_db.users["shop"].username
}

# Ephemeral values configure other providers or go into write-only arguments, e.g. the mysql
# provider that creates the application's schema (see the module's README for the full example):
#
#   provider "mysql" {
#     endpoint = "${ephemeral.appcat_connection.shop.host}:${ephemeral.appcat_connection.shop.port}"
#     username = ephemeral.appcat_connection.shop.username
#     password = ephemeral.appcat_connection.shop.password
#     tls      = "skip-verify"
#   }

output "orders_db" {
  description = "How the orders application connects: host, port, database, username, password, url, ca_certificate."
  value       = module.orders_db.credentials["app"]
  sensitive   = true
}

output "shop_db_users" {
  description = "The shop database's users: username, database and the Secret with their credentials."
  value       = module.shop_db.users
}
