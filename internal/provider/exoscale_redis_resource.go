package provider

import "github.com/vshn/terraform-provider-appcat/internal/appcat"

// exoscaleRedis is appcat_exoscale_redis: Redis at Exoscale (apis/exoscale/v1/dbaas_exoscale_redis.go,
// the XRD 20_xrd_exoscale_redis.yaml). Its claims name no version and no backup time.
var exoscaleRedis = exoscaleKind{
	typeName:    "exoscale_redis",
	displayName: "Exoscale Redis",
	api:         appcat.ExoscaleRedis,
	composition: appcat.CompositionExoscaleRedis,
	about: "`connection_details` holds the user, password and a `rediss://` `url` (`REDIS_URL`): TLS with Exoscale's public " +
		"certificate, so no `ca_certificate`. Exoscale chooses the Redis version: the claim has no field for it.",
	defaultPlan:   "startup-4",
	settingsField: "redisSettings",
	settings:      func(s *appcat.ExoscaleService) *map[string]any { return &s.RedisSettings },
}
