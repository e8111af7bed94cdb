import { CacheMode, ClusterMode, DatabaseMode, type PlatformConfig } from "../config";

/** The AWS services a configuration needs; empty for a dev stack on a laptop cluster. */
export function awsServicesUsed(config: PlatformConfig): string[] {
  const used: string[] = [];
  if (config.cluster.mode === ClusterMode.Create) used.push("eks");
  if (config.database.mode === DatabaseMode.Rds) used.push("rds");
  if (config.cache.mode === CacheMode.ElastiCache) used.push("elasticache");
  if (config.backup.enabled || config.ingress.accessLogs) used.push("s3");
  if (config.ingress.waf) used.push("wafv2");
  if (config.image.build || config.image.pullThroughCache) used.push("ecr");
  return used;
}
