// The collector's configuration file, built from the typed model and checked before it is rendered.
//
// Pipelines (memory_limiter first in each, batch last before the exporters where data leaves the pod):
//   traces             otlp → memory_limiter, transform/redact-spans, batch → backend
//   traces/spanmetrics otlp → memory_limiter, filter/server-spans → spanmetrics
//   metrics            otlp, spanmetrics → memory_limiter, deltatocumulative, batch → prometheus, backend
//   logs               otlp → memory_limiter, transform/redact-password, batch → backend
//
// The Letta server exports no HTTP request metrics of its own beyond a histogram of three message endpoints; it
// does emit one SERVER span per request (method and route template as the span name, http.status_code). The
// spanmetrics connector turns those spans into a request-duration histogram, which the alert rules and the
// dashboard read (SPAN_METRICS_HTTP).
import { stringify } from "yaml";
import { backendExporter, type BackendExporter, type TelemetryBackendSettings } from "./collector-exporters";
import { pipelineProblems, type CollectorConfig, type FilterProcessorConfig, type TransformProcessorConfig } from "./collector-model";
import type { HttpMetric } from "./alert-rules";

/** The collector's ports: OTLP in, health for the probes, its own telemetry and the Prometheus exporter out. */
export const COLLECTOR_PORTS = { otlpGrpc: 4317, otlpHttp: 4318, health: 13133, telemetry: 8888, metrics: 8889 } as const;

/** The pod's IP, from the downward API: every listener binds to it (the collector's own default is localhost). */
export const POD_IP_ENV = "MY_POD_IP";

const SPAN_METRICS_NAMESPACE = "traces.span.metrics";

/**
 * The request-duration histogram the spanmetrics connector produces, as Prometheus sees it through the prometheus
 * exporter: `traces.span.metrics.duration` in seconds becomes traces_span_metrics_duration_seconds_{bucket,count,sum},
 * its span.name and http.status_code dimensions the labels span_name and http_status_code.
 */
export const SPAN_METRICS_HTTP: Readonly<HttpMetric> = Object.freeze({
  name: `${SPAN_METRICS_NAMESPACE.replaceAll(".", "_")}_duration_seconds`,
  unit: "seconds",
  statusCodeLabel: "http_status_code",
  routeLabel: "span_name",
});

/** An OTTL string literal (its escapes are Go's, of which JSON's are a subset). */
export function ottlString(text: string): string {
  return JSON.stringify(text);
}

/**
 * What replaces the server's password in the start-up line `▶ Using secure mode with password: <password>` (printed
 * to stdout, or logged, by every server process). The pattern stops at white space and at a double quote, so the
 * line stays valid JSON when a JSON logger wrote it.
 */
export const PASSWORD_LINE_PATTERN = String.raw`(?i)secure mode with password:\s*[^\s"]+`;
export const PASSWORD_LINE_REPLACEMENT = "secure mode with password: [REDACTED]";

/** The logs processor that redacts the password line in the log body; ids are stable, tests and docs name them. */
export function passwordRedactionProcessor(): TransformProcessorConfig {
  return {
    error_mode: "ignore",
    log_statements: [{
      context: "log",
      statements: [`replace_pattern(body, ${ottlString(PASSWORD_LINE_PATTERN)}, ${ottlString(PASSWORD_LINE_REPLACEMENT)}) where IsString(body)`],
    }],
  };
}

/**
 * The traces processor that removes request bodies from spans: the server records every field of a JSON request
 * body as a span attribute http.request.body.<field>, which carries users' messages and any provider API key a
 * client sends (POST /v1/providers/), and would ship them to the backend.
 */
export function spanRedactionProcessor(): TransformProcessorConfig {
  return {
    error_mode: "ignore",
    trace_statements: [{ context: "span", statements: [`delete_matching_keys(attributes, ${ottlString(String.raw`^http\.request\.body\.`)})`] }],
  };
}

/** Only SERVER spans become request metrics: the server's internal spans (one per traced method) would not be requests. */
function serverSpansOnly(): FilterProcessorConfig {
  return { error_mode: "ignore", traces: { span: ["kind != SPAN_KIND_SERVER"] } };
}

export interface CollectorConfigOptions {
  /** Where telemetry goes. Required. */
  backend: TelemetryBackendSettings;
}

/** The configuration and what the collector's pod needs for it (the backend's secrets and endpoint). */
export interface BuiltCollectorConfig {
  config: CollectorConfig;
  backend: BackendExporter;
}

/** Build and check the configuration; throws listing every problem, before anything is deployed. */
export function buildCollectorConfig(options: CollectorConfigOptions): BuiltCollectorConfig {
  const backend = backendExporter(options.backend);
  const listen = (port: number): string => `\${env:${POD_IP_ENV}}:${port}`;
  const config: CollectorConfig = {
    extensions: { health_check: { endpoint: listen(COLLECTOR_PORTS.health) } },
    receivers: { otlp: { protocols: { grpc: { endpoint: listen(COLLECTOR_PORTS.otlpGrpc) }, http: { endpoint: listen(COLLECTOR_PORTS.otlpHttp) } } } },
    processors: {
      // Percentages of the container's memory limit (the collector reads its cgroup): refuse data at 80%, before the
      // kernel kills the process at 100%, and let the server's exporters retry.
      memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 25 },
      "transform/redact-password": passwordRedactionProcessor(),
      "transform/redact-spans": spanRedactionProcessor(),
      "filter/server-spans": serverSpansOnly(),
      // Prometheus serves cumulative series: any delta sum or histogram (Letta's default temporality, the log-watch
      // sidecar's counts) is turned cumulative first (letta-ai/letta@0.16.8:letta/settings.py:378-380).
      deltatocumulative: { max_stale: "10m" },
      // Upstream Letta's collector batches 1024 items or 1 s.
      batch: { timeout: "1s", send_batch_size: 1024, send_batch_max_size: 2048 },
    },
    connectors: {
      spanmetrics: {
        namespace: SPAN_METRICS_NAMESPACE,
        // Seconds, with a bucket at 200 ms (the latency alert's threshold) so its p95 is not interpolated across it.
        histogram: { unit: "s", explicit: { buckets: ["5ms", "10ms", "25ms", "50ms", "100ms", "200ms", "500ms", "1s", "2500ms", "5s", "10s", "30s", "60s", "120s", "300s"] } },
        // A server span without http.status_code is a request the handler raised out of: the client got a 500.
        dimensions: [{ name: "http.status_code", default: "500" }],
        metrics_flush_interval: "15s",
      },
    },
    exporters: {
      prometheus: { endpoint: listen(COLLECTOR_PORTS.metrics), resource_to_telemetry_conversion: { enabled: true }, metric_expiration: "5m" },
      [backend.id]: backend.config,
    },
    service: {
      extensions: ["health_check"],
      pipelines: {
        traces: { receivers: ["otlp"], processors: ["memory_limiter", "transform/redact-spans", "batch"], exporters: [backend.id] },
        "traces/spanmetrics": { receivers: ["otlp"], processors: ["memory_limiter", "filter/server-spans"], exporters: ["spanmetrics"] },
        metrics: { receivers: ["otlp", "spanmetrics"], processors: ["memory_limiter", "deltatocumulative", "batch"], exporters: ["prometheus", backend.id] },
        logs: { receivers: ["otlp"], processors: ["memory_limiter", "transform/redact-password", "batch"], exporters: [backend.id] },
      },
      telemetry: {
        logs: { level: "info", encoding: "json" },
        metrics: { level: "normal", readers: [{ pull: { exporter: { prometheus: { host: `\${env:${POD_IP_ENV}}`, port: COLLECTOR_PORTS.telemetry } } } }] },
      },
    },
  };
  const problems = pipelineProblems(config);
  if (problems.length > 0) throw new Error(`collector configuration is inconsistent:\n  ${problems.join("\n  ")}`);
  return { config, backend };
}

/** The configuration file's text. */
export function collectorConfigYaml(config: CollectorConfig): string {
  return stringify(config, { lineWidth: 0 });
}
