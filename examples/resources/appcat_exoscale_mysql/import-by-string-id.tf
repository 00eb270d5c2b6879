import {
  to = appcat_exoscale_mysql.shop
  id = "my-namespace/my-shop"
}
