// A typed model of the OpenTelemetry Collector's configuration file: the parts this platform writes, with the
// upstream key names (snake_case) so that serialising the value gives the file as is. A check of the pipelines
// (pipelineProblems) runs before any ConfigMap is rendered: the collector would refuse a pipeline naming an
// undefined component, and silently never start a defined one no pipeline uses.

/** A duration as the collector reads it (Go time.ParseDuration). */
export type CollectorDuration = `${number}${"ms" | "s" | "m" | "h"}`;

export interface OtlpReceiverConfig {
  protocols: { grpc: { endpoint: string }; http: { endpoint: string } };
}
/** filelog: tails files (the server's own log file, in the log-watch sidecar). */
export interface FileLogReceiverConfig {
  include: string[];
  start_at: "beginning" | "end";
  /** Reads files that do not exist yet when the collector starts (the server creates its log after start). */
  poll_interval: CollectorDuration;
}
export type ReceiverConfig = OtlpReceiverConfig | FileLogReceiverConfig;

/** memory_limiter: refuses data before the process is OOM-killed; percentages are of the container's memory limit. */
export interface MemoryLimiterConfig {
  check_interval: CollectorDuration;
  limit_percentage: number;
  spike_limit_percentage: number;
}

export interface BatchProcessorConfig {
  timeout: CollectorDuration;
  send_batch_size: number;
  send_batch_max_size: number;
}

/** OTTL statements of one context (the pre-0.120 form, which later versions still read). */
export interface OttlStatements {
  context: "log" | "span" | "resource";
  statements: string[];
}

/** transform: rewrites telemetry with OTTL statements. error_mode ignore: a statement that fails on one record skips it. */
export interface TransformProcessorConfig {
  error_mode: "ignore" | "silent" | "propagate";
  log_statements?: OttlStatements[];
  trace_statements?: OttlStatements[];
}

/** filter: drops the records an OTTL condition matches. */
export interface FilterProcessorConfig {
  error_mode: "ignore" | "silent" | "propagate";
  traces?: { span: string[] };
  logs?: { log_record: string[] };
}

/** Converts delta sums and histograms to cumulative, which the Prometheus exporter serves (contrib, alpha). */
export interface DeltaToCumulativeProcessorConfig {
  max_stale: CollectorDuration;
}

/** Sets resource attributes on everything passing (the pod's identity, from the downward API). */
export interface ResourceProcessorConfig {
  attributes: { key: string; value: string; action: "upsert" | "insert" }[];
}

export type ProcessorConfig =
  | MemoryLimiterConfig | BatchProcessorConfig | TransformProcessorConfig | FilterProcessorConfig | DeltaToCumulativeProcessorConfig | ResourceProcessorConfig;

/** exporterhelper's retry settings, as upstream names them. */
export interface RetryOnFailure {
  enabled: boolean;
  initial_interval: CollectorDuration;
  max_interval: CollectorDuration;
  max_elapsed_time: CollectorDuration;
}

/** exporterhelper's in-memory queue: absorbs a backend outage up to queue_size batches. */
export interface SendingQueue {
  enabled: boolean;
  num_consumers: number;
  queue_size: number;
}

export interface DebugExporterConfig {
  verbosity: "basic" | "normal" | "detailed";
}

export interface FileExporterConfig {
  path: string;
  format: "json";
  rotation: { max_megabytes: number; max_days: number; max_backups: number };
}

export interface ClickHouseExporterConfig {
  endpoint: string;
  database: string;
  username: string;
  password: string;
  create_schema: boolean;
  timeout: CollectorDuration;
  retry_on_failure: RetryOnFailure;
  sending_queue: SendingQueue;
}

/** The OTLP/gRPC exporter (Signoz, any OTLP backend). */
export interface OtlpExporterConfig {
  endpoint: string;
  tls: { insecure: boolean };
  headers?: Record<string, string>;
  compression: "gzip" | "none";
  timeout: CollectorDuration;
  retry_on_failure: RetryOnFailure;
  sending_queue: SendingQueue;
}

/** Serves the metrics pipeline on /metrics for Prometheus to scrape. */
export interface PrometheusExporterConfig {
  endpoint: string;
  /** Resource attributes (k8s.namespace.name, …) become labels: the alert rules select the server by them. */
  resource_to_telemetry_conversion: { enabled: boolean };
  metric_expiration: CollectorDuration;
}

export type ExporterConfig =
  | DebugExporterConfig | FileExporterConfig | ClickHouseExporterConfig | OtlpExporterConfig | PrometheusExporterConfig;

/** spanmetrics: request rate, errors and duration computed from spans (an exporter of traces, a receiver of metrics). */
export interface SpanMetricsConnectorConfig {
  namespace: string;
  histogram: { unit: "s" | "ms"; explicit: { buckets: CollectorDuration[] } };
  dimensions: { name: string; default?: string }[];
  metrics_flush_interval: CollectorDuration;
}
/** count: a counter metric of the log records matching OTTL conditions (a logs exporter, a metrics receiver). */
export interface CountConnectorConfig {
  logs: Record<string, { description: string; conditions: string[] }>;
}
export type ConnectorConfig = SpanMetricsConnectorConfig | CountConnectorConfig;

export interface HealthCheckExtensionConfig {
  endpoint: string;
}
export type ExtensionConfig = HealthCheckExtensionConfig;

/** One pipeline: the ids of its receivers, processors (in order) and exporters. */
export interface PipelineConfig {
  receivers: string[];
  processors: string[];
  exporters: string[];
}

export interface ServiceTelemetryConfig {
  logs: { level: "debug" | "info" | "warn" | "error"; encoding: "json" | "console" };
  metrics: {
    level: "none" | "basic" | "normal" | "detailed";
    readers: { pull: { exporter: { prometheus: { host: string; port: number } } } }[];
  };
}

/** A whole collector configuration file. Component ids are `type` or `type/name`. */
export interface CollectorConfig {
  extensions: Record<string, ExtensionConfig>;
  receivers: Record<string, ReceiverConfig>;
  processors: Record<string, ProcessorConfig>;
  connectors: Record<string, ConnectorConfig>;
  exporters: Record<string, ExporterConfig>;
  service: {
    extensions: string[];
    /** Pipeline ids: `traces`, `metrics` or `logs`, optionally `/name`. */
    pipelines: Record<string, PipelineConfig>;
    telemetry: ServiceTelemetryConfig;
  };
}

/** The type of a component id: `transform/redact` → `transform`. */
export function componentType(id: string): string {
  return id.split("/")[0] ?? id;
}

/**
 * What the collector would refuse, or silently ignore, in a configuration: pipelines naming undefined components,
 * defined components no pipeline uses, connectors not both exported to and received from, a pipeline without
 * receivers or exporters, and any pipeline whose first processor is not memory_limiter (it must refuse data before
 * anything else holds it). Empty when the configuration is sound.
 */
export function pipelineProblems(config: CollectorConfig): string[] {
  const problems: string[] = [];
  const { pipelines } = config.service;
  const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
  const connectorAs = { receiver: new Set<string>(), exporter: new Set<string>() };

  for (const [id, pipeline] of Object.entries(pipelines)) {
    if (!/^(?:traces|metrics|logs)(?:\/[A-Za-z0-9_.-]+)?$/.test(id)) problems.push(`pipeline ${id}: not a traces, metrics or logs pipeline`);
    if (pipeline.receivers.length === 0) problems.push(`pipeline ${id}: has no receiver`);
    if (pipeline.exporters.length === 0) problems.push(`pipeline ${id}: has no exporter`);
    if (pipeline.processors[0] === undefined || componentType(pipeline.processors[0]) !== "memory_limiter") {
      problems.push(`pipeline ${id}: the first processor must be memory_limiter, not ${pipeline.processors[0] ?? "none"}`);
    }
    for (const receiver of pipeline.receivers) {
      if (receiver in config.connectors) connectorAs.receiver.add(receiver);
      else if (receiver in config.receivers) used.receivers.add(receiver);
      else problems.push(`pipeline ${id}: receiver ${receiver} is not defined`);
    }
    for (const processor of pipeline.processors) {
      if (processor in config.processors) used.processors.add(processor);
      else problems.push(`pipeline ${id}: processor ${processor} is not defined`);
    }
    for (const exporter of pipeline.exporters) {
      if (exporter in config.connectors) connectorAs.exporter.add(exporter);
      else if (exporter in config.exporters) used.exporters.add(exporter);
      else problems.push(`pipeline ${id}: exporter ${exporter} is not defined`);
    }
    for (const [kind, ids] of [["receiver", pipeline.receivers], ["processor", pipeline.processors], ["exporter", pipeline.exporters]] as const) {
      const twice = ids.find((x, i) => ids.indexOf(x) !== i);
      if (twice !== undefined) problems.push(`pipeline ${id}: ${kind} ${twice} is listed twice`);
    }
  }
  for (const [section, ids] of [["receivers", used.receivers], ["processors", used.processors], ["exporters", used.exporters]] as const) {
    for (const id of Object.keys(config[section])) if (!ids.has(id)) problems.push(`${section.slice(0, -1)} ${id} is defined but no pipeline uses it`);
  }
  for (const id of Object.keys(config.connectors)) {
    if (!connectorAs.exporter.has(id)) problems.push(`connector ${id} is no pipeline's exporter`);
    if (!connectorAs.receiver.has(id)) problems.push(`connector ${id} is no pipeline's receiver`);
  }
  for (const id of config.service.extensions) if (!(id in config.extensions)) problems.push(`extension ${id} is enabled but not defined`);
  for (const id of Object.keys(config.extensions)) if (!config.service.extensions.includes(id)) problems.push(`extension ${id} is defined but not enabled`);
  return problems;
}
