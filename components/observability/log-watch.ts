// How a log line becomes an alert (docs/decisions/0054-log-line-alerts.md). Letta 0.16.8 exports no OTLP logs, but it
// writes every log record to $HOME/.letta/logs/Letta.log as well as stdout (letta-ai/letta@0.16.8:letta/log.py:188,
// :250-251). A native sidecar in the server pod, the same pinned collector image, tails that file (the server's HOME
// volume, read-only), counts the records that matter with the count connector, and sends only those counts to the
// platform's collector over OTLP; the collector's Prometheus exporter serves them and an alert rule fires on any
// increase. No log text leaves the pod, no node access (hostPath) is needed, and Pod Security stays restricted.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { LETTA_LOG_FILE, LETTA_REDIS_FAILURE_LOG } from "../workload/letta-preset";
import { restrictedContainerSecurity } from "../workload/pod-security";
import { pipelineProblems, type CollectorConfig } from "./collector-model";

/** The counter of "Failed to initialize Redis" records, as the collector names it and as Prometheus sees it. */
export const REDIS_INIT_FAILURES = { otel: "letta.redis.init.failures", prometheus: "letta_redis_init_failures_total" } as const;
/** Where the sidecar answers its probes (the health_check extension, on the pod IP). */
export const LOG_WATCH_HEALTH_PORT = 13134;
const CONFIG_DIR = "/etc/log-watch";

/** The log-watch collector's configuration, checked like the platform collector's. */
export function logWatchConfig(args: { otlpEndpoint: string; deploymentName: string; logFile?: string }): CollectorConfig {
  const config: CollectorConfig = {
    extensions: { health_check: { endpoint: `\${env:MY_POD_IP}:${LOG_WATCH_HEALTH_PORT}` } },
    // From the beginning: the file is new with each pod (an emptyDir), and a record written before the first poll counts.
    receivers: { filelog: { include: [args.logFile ?? LETTA_LOG_FILE.value], start_at: "beginning", poll_interval: "1s" } },
    processors: {
      memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 25 },
      // The labels the alert rules select the server by (as the server's own OTEL_RESOURCE_ATTRIBUTES give them).
      "resource/pod": {
        attributes: [
          { key: "k8s.namespace.name", value: "${env:POD_NAMESPACE}", action: "upsert" },
          { key: "k8s.pod.name", value: "${env:POD_NAME}", action: "upsert" },
          { key: "k8s.deployment.name", value: args.deploymentName, action: "upsert" },
          { key: "k8s.container.name", value: "server", action: "upsert" },
        ],
      },
      batch: { timeout: "5s", send_batch_size: 256, send_batch_max_size: 512 },
    },
    connectors: {
      count: {
        logs: {
          [REDIS_INIT_FAILURES.otel]: {
            description: `Log records of the server containing "${LETTA_REDIS_FAILURE_LOG.value}": it then runs without Redis until restarted`,
            // An OTTL string literal: JSON escapes are a subset of its Go escapes.
            conditions: [`IsMatch(body, ${JSON.stringify(LETTA_REDIS_FAILURE_LOG.value)})`],
          },
        },
      },
    },
    exporters: {
      otlp: {
        endpoint: args.otlpEndpoint, tls: { insecure: true }, compression: "gzip", timeout: "10s",
        retry_on_failure: { enabled: true, initial_interval: "5s", max_interval: "30s", max_elapsed_time: "300s" },
        sending_queue: { enabled: true, num_consumers: 1, queue_size: 100 },
      },
    },
    service: {
      extensions: ["health_check"],
      pipelines: {
        logs: { receivers: ["filelog"], processors: ["memory_limiter", "resource/pod"], exporters: ["count"] },
        metrics: { receivers: ["count"], processors: ["memory_limiter", "batch"], exporters: ["otlp"] },
      },
      telemetry: { logs: { level: "warn", encoding: "json" }, metrics: { level: "none", readers: [] } },
    },
  };
  const problems = pipelineProblems(config);
  if (problems.length > 0) throw new Error(`log-watch configuration is inconsistent:\n  ${problems.join("\n  ")}`);
  return config;
}

export function logWatchConfigYaml(config: CollectorConfig): string {
  return stringify(config, { lineWidth: 0 });
}

/**
 * The sidecar: a native sidecar (restartPolicy Always) running as the server's user, reading the server's HOME
 * volume read-only. The ConfigMap holding logWatchConfigYaml() is the caller's.
 */
export function logWatchSidecar(args: {
  image: string; configMapName: pulumi.Input<string>; homeVolume: string; homePath: string; uid: number;
}): { container: k8s.types.input.core.v1.Container; volume: k8s.types.input.core.v1.Volume } {
  const health = { httpGet: { path: "/", port: LOG_WATCH_HEALTH_PORT } };
  return {
    container: {
      name: "log-watch",
      image: args.image,
      imagePullPolicy: "IfNotPresent",
      restartPolicy: "Always",
      args: [`--config=${CONFIG_DIR}/config.yaml`],
      env: [
        { name: "MY_POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
      ],
      ports: [{ name: "log-watch-hc", containerPort: LOG_WATCH_HEALTH_PORT, protocol: "TCP" }],
      startupProbe: { ...health, periodSeconds: 2, failureThreshold: 30 },
      livenessProbe: { ...health, periodSeconds: 20 },
      securityContext: restrictedContainerSecurity(args.uid),
      resources: { requests: { cpu: "10m", memory: "48Mi", "ephemeral-storage": "10Mi" }, limits: { cpu: "200m", memory: "128Mi", "ephemeral-storage": "50Mi" } },
      volumeMounts: [
        { name: "log-watch-config", mountPath: CONFIG_DIR, readOnly: true },
        { name: args.homeVolume, mountPath: args.homePath, readOnly: true },
      ],
    },
    volume: { name: "log-watch-config", configMap: { name: args.configMapName } },
  };
}
