# A database user is imported by namespace/instance/user. When a PostgreSQL and a MariaDB
# instance share that name, name the kind: kind:namespace/instance/user.
terraform import appcat_database_user.orders my-app/orders-db/orders
terraform import 'appcat_database_user.services["cart"]' mariadb:my-app/shop-db/cart
# A user with store_credentials = false: say so in the ID, or the import reads the credentials in.
terraform import appcat_database_user.billing 'my-app/orders-db/billing?store_credentials=false'
