terraform {
  required_version = ">= 1.5"
  required_providers {
    appcat = {
      source = "vshn/appcat"
    }
  }
}

provider "appcat" {
  namespace = "my-app"
}
