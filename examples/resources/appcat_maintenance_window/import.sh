# A maintenance window is imported by the ID of its instance, namespace/name. When instances of
# several kinds share that name, name the kind: kind:namespace/name.
terraform import appcat_maintenance_window.db my-app/orders-db
