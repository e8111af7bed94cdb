import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { CacheMode, DatabaseMode, worstCaseConnections, type PlatformConfig } from "../config";
import { platformLabels } from "../workload/namespace";
import { alertRulesYaml } from "./alert-rules";

export interface AlertRulesConfigMapArgs {
  namespace: pulumi.Input<string>;
  instance: string;
  /** Physical name of the stack's AWS resources (RDS identifier, ElastiCache group). */
  physicalName: string;
  config: PlatformConfig;
  provider: k8s.Provider;
}

/**
 * The platform's alerting rules as a Prometheus rules file in a ConfigMap: mount it into Prometheus and list it
 * under `rule_files` (with the Prometheus Operator, wrap the same groups in a PrometheusRule instead).
 */
export function createAlertRulesConfigMap(name: string, args: AlertRulesConfigMapArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.ConfigMap {
  const { config } = args;
  const rds = config.database.mode === DatabaseMode.Rds;
  const elasticache = config.cache.mode === CacheMode.ElastiCache;
  const yaml = alertRulesYaml({
    namespace: config.namespace,
    instance: args.instance,
    connectionBudget: worstCaseConnections({
      maxReplicas: config.server.maxReplicas, uvicornWorkers: config.server.uvicornWorkers, poolSize: config.database.poolSize, maxOverflow: config.database.maxOverflow,
    }),
    rds,
    elasticache,
    inClusterDatabase: !rds,
    backups: config.backup.enabled,
    ...(rds ? { rdsInstanceIdentifier: args.physicalName } : {}),
    // The replication group id as components/cache/elasticache.ts derives it.
    ...(elasticache ? { elasticacheReplicationGroupId: `${args.physicalName}-cache`.slice(0, 40) } : {}),
  });
  return new k8s.core.v1.ConfigMap(name, {
    metadata: { name: `${args.instance}-alert-rules`, namespace: args.namespace, labels: { ...platformLabels(args.instance, "observability"), prometheus_rule: "true" } },
    data: { "agent-platform-alerts.yaml": yaml },
  }, { ...opts, provider: args.provider });
}
