export { ElastiCacheRedis, type ElastiCacheArgs } from "./elasticache";
export { CACHE_CLIENT_LABEL, InClusterRedis, type InClusterRedisArgs } from "./in-cluster-redis";
export { SIDECAR_LISTEN, envoyConfig, tlsSidecarContainer } from "./tls-sidecar";
