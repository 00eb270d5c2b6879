# A backup policy is imported by the ID of its instance, namespace/name. When instances of
# several kinds share that name, name the kind: kind:namespace/name.
terraform import appcat_backup_policy.db my-app/orders-db
terraform import appcat_backup_policy.cache redis:my-app/session-cache
