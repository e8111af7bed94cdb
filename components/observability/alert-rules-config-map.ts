import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { CacheMode, DatabaseMode, worstCaseConnections, type PlatformConfig } from "../config";
import { platformLabels } from "../workload/namespace";
import { alertRulesYaml, type AlertRulesOptions } from "./alert-rules";
import { replicationGroupIdOf } from "../cache/elasticache";
import { SPAN_METRICS_HTTP } from "./collector-config";

export interface AlertRulesConfigMapArgs {
  /** Namespace. Required. */
  namespace: pulumi.Input<string>;
  /** Platform instance name, for labels and object names. Required. */
  instance: string;
  /** Physical name of the stack's AWS resources (RDS identifier, ElastiCache group). Required. */
  physicalName: string;
  /** The validated configuration: which backends exist, and the connection budget. Required. */
  config: PlatformConfig;
  /** Provider of the target cluster. Required. */
  provider: k8s.Provider;
}

/**
 * The alert-rule options of a platform instance: the backends it runs, its connection budget, and the request
 * metrics its collector derives from the server's spans. One function, so the rules ConfigMap, the PrometheusRule
 * and the dashboard describe the same stack.
 */
export function platformAlertRulesOptions(config: PlatformConfig, instance: string, physicalName: string): AlertRulesOptions {
  const rds = config.database.mode === DatabaseMode.Rds;
  const elasticache = config.cache.mode === CacheMode.ElastiCache;
  return {
    namespace: config.namespace,
    instance,
    connectionBudget: worstCaseConnections({
      maxReplicas: config.server.maxReplicas, uvicornWorkers: config.server.uvicornWorkers, poolSize: config.database.poolSize, maxOverflow: config.database.maxOverflow,
    }),
    rds,
    elasticache,
    inClusterDatabase: !rds,
    backups: config.backup.enabled,
    httpMetric: SPAN_METRICS_HTTP,
    ...(config.observability.runbookBaseUrl !== undefined ? { runbookBaseUrl: config.observability.runbookBaseUrl } : {}),
    ...(rds ? { rdsInstanceIdentifier: physicalName } : {}),
    ...(elasticache ? { elasticacheReplicationGroupId: replicationGroupIdOf(physicalName) } : {}),
  };
}

/**
 * The platform's alerting rules as a Prometheus rules file in a ConfigMap: mount it into Prometheus and list it
 * under `rule_files`. With the Prometheus Operator (observability.prometheusOperator) the same rules also ship as a
 * PrometheusRule (prometheus-operator.ts).
 */
export function createAlertRulesConfigMap(name: string, args: AlertRulesConfigMapArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.ConfigMap {
  const yaml = alertRulesYaml(platformAlertRulesOptions(args.config, args.instance, args.physicalName));
  return new k8s.core.v1.ConfigMap(name, {
    metadata: { name: `${args.instance}-alert-rules`, namespace: args.namespace, labels: { ...platformLabels(args.instance, "observability"), prometheus_rule: "true" } },
    data: { "agent-platform-alerts.yaml": yaml },
  }, { ...opts, provider: args.provider });
}
