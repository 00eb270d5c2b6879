package appcat

// Redis is the VSHNRedis service kind.
var Redis = Kind{
	Kind:          "VSHNRedis",
	Resource:      "vshnredis",
	Service:       "redis",
	NameMaxLength: 37,
	// Always written, the client certificate (tls.crt, tls.key) included whatever the TLS
	// settings; SENTINEL_HOSTS only with Sentinel (pkg/comp-functions/functions/vshnredis/redis_deploy.go).
	ConnectionSecretKeys: []string{"REDIS_HOST", "REDIS_PORT", "REDIS_USERNAME", "REDIS_PASSWORD", "REDIS_URL", "ca.crt", "tls.crt", "tls.key"},
	Connection: ConnectionKeys{
		Host: "REDIS_HOST", Port: "REDIS_PORT", Username: "REDIS_USERNAME", Password: "REDIS_PASSWORD", URL: "REDIS_URL",
		CA: "ca.crt", ClientCertificate: "tls.crt", ClientKey: "tls.key", SentinelHosts: "SENTINEL_HOSTS",
	},
	// Upstream: apis/vshn/v1/dbaas_vshn_redis.go: the image tag of the running Redis.
	VersionStatusFollowsUpgrade: true,
	VersionStatus:               StatusCurrentReleaseTag,
	// apis/apiserver/v1/vshn_redis_backup_types.go, pkg/apiserver/vshn/redis/list.go
	Backups: &BackupKind{Kind: "VSHNRedisBackup", Resource: "vshnredisbackups", InstanceField: "instance"},
	// A maintenance window, metrics targets and the webhook: pkg/comp-functions/functions/common/maintenance,
	// the composition's ServiceMonitor or PodMonitor, pkg/controller/webhooks.
	Maintenance: true, MetricsTargets: true, Webhook: true,
}

// RedisClaim is a VSHNRedis claim.
type RedisClaim = Claim[RedisParameters]

// RedisParameters is spec.parameters of a VSHNRedis.
type RedisParameters struct {
	Service     *RedisService `json:"service,omitempty"`
	Size        *RedisSize    `json:"size,omitempty"`
	Instances   *int64        `json:"instances,omitempty"`
	TLS         *TLS          `json:"tls,omitempty"`
	Security    *Security     `json:"security,omitempty"`
	Scheduling  *Scheduling   `json:"scheduling,omitempty"`
	Backup      *Backup       `json:"backup,omitempty"`
	Maintenance *Maintenance  `json:"maintenance,omitempty"`
	Restore     *Restore      `json:"restore,omitempty"`
	Monitoring  *Monitoring   `json:"monitoring,omitempty"`

	// AdditionalResources names a ConfigMap of extra objects for the instance namespace.
	AdditionalResources *AdditionalResources `json:"additionalResources,omitempty"`
}

// RedisService is spec.parameters.service of a VSHNRedis.
type RedisService struct {
	Version       *string `json:"version,omitempty"`
	RedisSettings *string `json:"redisSettings,omitempty"`
	ServiceLevel  *string `json:"serviceLevel,omitempty"`
}

// RedisSize is spec.parameters.size of a VSHNRedis: Redis names its fields differently from the
// other kinds' Size.
type RedisSize struct {
	Plan           *string `json:"plan,omitempty"`
	CPURequests    *string `json:"cpuRequests,omitempty"`
	CPULimits      *string `json:"cpuLimits,omitempty"`
	MemoryRequests *string `json:"memoryRequests,omitempty"`
	MemoryLimits   *string `json:"memoryLimits,omitempty"`
	Disk           *string `json:"disk,omitempty"`
}
