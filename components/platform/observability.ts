import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { TelemetryBackend, type PlatformConfig } from "../config";
import { PostgresExporter, type DatabaseEndpoint } from "../database";
import {
  OtelCollector, alertRules, createAlertRulesConfigMap, createDashboardConfigMap, createPrometheusOperatorObjects,
  platformAlertRulesOptions, type TelemetryBackendSettings,
} from "../observability";
import type { PlatformPriorityClasses } from "../workload/priority-classes";

export interface ObservabilityArgs {
  instance: string;
  physicalName: string;
  config: PlatformConfig;
  namespace: pulumi.Input<string>;
  provider: k8s.Provider;
  /** Labels of the server's pods: the only pods that may send OTLP to the collector. */
  serverSelector: Record<string, string>;
  /** The VPC's CIDR: the collector's egress to an external backend excepts it. */
  privateNetwork: pulumi.Input<string>;
  /** The in-cluster database (database.mode=statefulset), for postgres_exporter; undefined on RDS. */
  /** PriorityClasses: observability for the collector and the exporter, batch for the exporter's role Job. Default: none set. */
  priorityClasses?: PlatformPriorityClasses;
  inClusterDatabase?: { endpoint: DatabaseEndpoint; selector: Record<string, string>; clientImage: string; dependsOn: pulumi.Resource[] };
}

export interface Observability {
  collector: OtelCollector;
  postgresExporter?: PostgresExporter;
}

/** The collector backend the config chooses, with its secrets (the schema has checked the keys are there). */
export function telemetryBackendOf(config: PlatformConfig): TelemetryBackendSettings {
  const o = config.observability;
  const required = (key: keyof typeof o): string => {
    const value = o[key];
    if (typeof value !== "string") throw new Error(`observability.${key} is required with observability.backend=${o.backend}`);
    return value;
  };
  switch (o.backend) {
    case TelemetryBackend.Debug:
    case TelemetryBackend.File:
      return { kind: o.backend };
    case TelemetryBackend.ClickHouse:
      return { kind: o.backend, endpoint: required("clickhouseEndpoint"), database: o.clickhouseDatabase, username: o.clickhouseUsername, password: required("clickhousePassword") };
    case TelemetryBackend.Signoz:
      return { kind: o.backend, endpoint: required("signozEndpoint"), ...(o.signozIngestionKey === undefined ? {} : { ingestionKey: o.signozIngestionKey }) };
    case TelemetryBackend.Otlp:
      return { kind: o.backend, endpoint: required("otlpEndpoint"), ...(o.otlpHeaderValue === undefined ? {} : { header: { name: o.otlpHeaderName, value: o.otlpHeaderValue } }) };
  }
}

/** `key=value` (observability.monitorLabel) as a label map. */
function labelOf(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  const at = text.indexOf("=");
  return { [text.slice(0, at)]: text.slice(at + 1) };
}

/**
 * The collector, postgres_exporter (in-cluster database), the alert rules ConfigMap, the dashboard ConfigMap, and,
 * with the Prometheus Operator, the monitors and the PrometheusRule: all from one set of alert-rule options.
 */
export function buildObservability(parent: pulumi.Resource, args: ObservabilityArgs): Observability {
  const { config, instance } = args;
  const o = config.observability;
  const child = { parent };

  const collector = new OtelCollector(`${instance}-otel-collector`, {
    namespace: args.namespace, instance, backend: telemetryBackendOf(config), clientSelector: args.serverSelector,
    image: o.collectorImage, replicas: o.collectorReplicas, scraperNamespace: o.prometheusNamespace,
    // With the operator, ServiceMonitors/PodMonitors say what to scrape; annotations too would collect every series twice
    // where Prometheus also runs an annotation-based job.
    scrapeAnnotations: !o.prometheusOperator, privateNetwork: args.privateNetwork, provider: args.provider,
    ...(args.priorityClasses ? { priorityClassName: args.priorityClasses.observability } : {}),
  }, child);

  const db = args.inClusterDatabase;
  const postgresExporter = db === undefined ? undefined : new PostgresExporter(`${instance}-postgres-exporter`, {
    namespace: args.namespace, instance, endpoint: db.endpoint, databaseSelector: db.selector, image: o.postgresExporterImage,
    clientImage: db.clientImage, scraperNamespace: o.prometheusNamespace, scrapeAnnotations: !o.prometheusOperator, dependsOn: db.dependsOn, provider: args.provider,
    ...(args.priorityClasses ? { priorityClasses: { exporter: args.priorityClasses.observability, job: args.priorityClasses.batch } } : {}),
  }, child);

  const rulesOptions = platformAlertRulesOptions(config, instance, args.physicalName);
  createAlertRulesConfigMap(`${instance}-alert-rules`, { namespace: args.namespace, instance, physicalName: args.physicalName, config, provider: args.provider }, child);
  createDashboardConfigMap(`${instance}-dashboard`, { namespace: args.namespace, instance, rulesOptions, provider: args.provider }, child);
  if (o.prometheusOperator) {
    const selectorLabel = labelOf(o.monitorLabel);
    createPrometheusOperatorObjects(`${instance}-monitoring`, {
      namespace: args.namespace, instance, ruleGroups: alertRules(rulesOptions), collectorServiceSelector: collector.selector,
      ...(postgresExporter ? { postgresExporterSelector: postgresExporter.selector } : {}),
      ...(selectorLabel ? { selectorLabel } : {}),
      provider: args.provider,
    }, child);
  }
  return { collector, ...(postgresExporter ? { postgresExporter } : {}) };
}
