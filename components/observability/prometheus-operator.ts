// Objects for a cluster that runs the Prometheus Operator (observability.prometheusOperator): what to scrape, as
// ServiceMonitors and a PodMonitor, and the alert rules as a PrometheusRule. Raw CustomResources of
// monitoring.coreos.com/v1, so the program needs no CRD package; the CRDs must exist in the cluster.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { platformLabels } from "../workload/namespace";
import type { RuleGroup } from "./alert-rules";

export const MONITORING_API_VERSION = "monitoring.coreos.com/v1";

export interface PrometheusOperatorObjectsArgs {
  /** Namespace. Required. */
  namespace: pulumi.Input<string>;
  /** Platform instance name, for labels and object names. Required. */
  instance: string;
  /** The alert rule groups (alertRules() of the same options as the rules ConfigMap). Required. */
  ruleGroups: RuleGroup[];
  /** Labels of the collector's Service. Required. */
  collectorServiceSelector: Record<string, string>;
  /** Labels of the postgres_exporter pods, when the database runs in the cluster. Default: no PodMonitor. */
  postgresExporterSelector?: Record<string, string>;
  /** A label the operator's Prometheus selects monitors and rules by (release=…). Default: none. */
  selectorLabel?: Record<string, string>;
  /** Scrape interval. Default 30s. */
  interval?: string;
  /** Provider of the target cluster. Required. */
  provider: k8s.Provider;
}

/** ServiceMonitors for the server's metrics (relayed by the collector) and the collector's own, a PodMonitor for postgres_exporter, a PrometheusRule. */
export function createPrometheusOperatorObjects(name: string, args: PrometheusOperatorObjectsArgs, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource[] {
  const k8sOpts = { ...opts, provider: args.provider };
  const labels = { ...platformLabels(args.instance, "observability"), ...args.selectorLabel };
  const interval = args.interval ?? "30s";
  const metadata = (suffix: string) => ({ name: `${args.instance}-${suffix}`, namespace: args.namespace, labels });
  const inNamespace = { matchNames: [args.namespace] };

  const objects = [
    // The server serves no /metrics: its metrics (and the request metrics derived from its spans) are on the
    // collector's prometheus exporter. honorLabels keeps their job/instance (the server's service and pod).
    new k8s.apiextensions.CustomResource(`${name}-server`, {
      apiVersion: MONITORING_API_VERSION, kind: "ServiceMonitor", metadata: metadata("server"),
      spec: {
        selector: { matchLabels: args.collectorServiceSelector }, namespaceSelector: inNamespace,
        endpoints: [{ port: "metrics", path: "/metrics", interval, honorLabels: true }],
      },
    }, k8sOpts),
    new k8s.apiextensions.CustomResource(`${name}-collector`, {
      apiVersion: MONITORING_API_VERSION, kind: "ServiceMonitor", metadata: metadata("otel-collector"),
      spec: {
        selector: { matchLabels: args.collectorServiceSelector }, namespaceSelector: inNamespace,
        endpoints: [{ port: "telemetry", path: "/metrics", interval }],
      },
    }, k8sOpts),
    new k8s.apiextensions.CustomResource(`${name}-rules`, {
      apiVersion: MONITORING_API_VERSION, kind: "PrometheusRule", metadata: metadata("alert-rules"),
      spec: { groups: args.ruleGroups },
    }, k8sOpts),
  ];
  if (args.postgresExporterSelector) {
    objects.push(new k8s.apiextensions.CustomResource(`${name}-postgres-exporter`, {
      apiVersion: MONITORING_API_VERSION, kind: "PodMonitor", metadata: metadata("postgres-exporter"),
      spec: {
        selector: { matchLabels: args.postgresExporterSelector }, namespaceSelector: inNamespace,
        podMetricsEndpoints: [{ port: "metrics", path: "/metrics", interval }],
      },
    }, k8sOpts));
  }
  return objects;
}
