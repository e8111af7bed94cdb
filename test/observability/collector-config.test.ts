// The OpenTelemetry collector's configuration (components/observability/collector-*.ts), as the file it renders:
// pipelines that only name defined components and use every one, memory_limiter first, one exporter per backend
// with its settings and retries, credentials only as ${env:VAR}, the password line and request bodies redacted;
// and the checker itself can fail.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import {
  PASSWORD_LINE_PATTERN, backendExporter, passwordRedactionProcessor, buildCollectorConfig, collectorConfigYaml, pipelineProblems,
  type CollectorConfig, type TelemetryBackendSettings,
} from "../../components/observability";

const BACKENDS: [string, TelemetryBackendSettings][] = [
  ["debug", { kind: "debug" }],
  ["file", { kind: "file" }],
  ["clickhouse", { kind: "clickhouse", endpoint: "https://clickhouse.example.com:8443", database: "otel", username: "ingest", password: "ch-password" }],
  ["signoz", { kind: "signoz", endpoint: "https://ingest.eu.signoz.cloud:443", ingestionKey: "signoz-key" }],
  ["otlp", { kind: "otlp", endpoint: "https://otel.example.com:4317", header: { name: "authorization", value: "Bearer t0ken" } }],
];

/** The configuration as the collector reads it: the rendered YAML, parsed back. */
function rendered(backend: TelemetryBackendSettings): CollectorConfig {
  return parse(collectorConfigYaml(buildCollectorConfig({ backend }).config)) as CollectorConfig;
}

const componentsOf = (config: CollectorConfig) => Object.entries(config.service.pipelines);

describe.each(BACKENDS)("collector configuration, backend %s", (_name, backend) => {
  const config = rendered(backend);

  it("every pipeline names only defined receivers, processors and exporters (or connectors)", () => {
    for (const [id, pipeline] of componentsOf(config)) {
      for (const r of pipeline.receivers) expect(r in config.receivers || r in config.connectors, `${id} receiver ${r}`).toBe(true);
      for (const p of pipeline.processors) expect(p in config.processors, `${id} processor ${p}`).toBe(true);
      for (const e of pipeline.exporters) expect(e in config.exporters || e in config.connectors, `${id} exporter ${e}`).toBe(true);
    }
  });

  it("every defined component is used by a pipeline, and every connector both receives and exports", () => {
    const pipelines = componentsOf(config).map(([, p]) => p);
    const used = (kind: "receivers" | "processors" | "exporters") => new Set(pipelines.flatMap((p) => p[kind]));
    for (const id of Object.keys(config.receivers)) expect(used("receivers").has(id), `receiver ${id}`).toBe(true);
    for (const id of Object.keys(config.processors)) expect(used("processors").has(id), `processor ${id}`).toBe(true);
    for (const id of Object.keys(config.exporters)) expect(used("exporters").has(id), `exporter ${id}`).toBe(true);
    for (const id of Object.keys(config.connectors)) {
      expect(used("exporters").has(id), `connector ${id} as exporter`).toBe(true);
      expect(used("receivers").has(id), `connector ${id} as receiver`).toBe(true);
    }
    expect(config.service.extensions).toEqual(Object.keys(config.extensions));
    expect(pipelineProblems(config)).toEqual([]);
  });

  it("memory_limiter is the first processor of every pipeline, and batch comes last where data leaves for the backend", () => {
    expect(componentsOf(config).map(([id]) => id).sort()).toEqual(["logs", "metrics", "traces", "traces/spanmetrics"]);
    for (const [id, pipeline] of componentsOf(config)) {
      expect(pipeline.processors[0], id).toBe("memory_limiter");
      if (id !== "traces/spanmetrics") expect(pipeline.processors.at(-1), id).toBe("batch");
    }
    expect(config.processors.memory_limiter).toEqual({ check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 25 });
  });

  it("receives OTLP on 4317 (gRPC) and 4318 (HTTP) on the pod's address, and serves health_check on 13133", () => {
    expect(config.receivers.otlp).toEqual({ protocols: { grpc: { endpoint: "${env:MY_POD_IP}:4317" }, http: { endpoint: "${env:MY_POD_IP}:4318" } } });
    expect(config.extensions.health_check).toEqual({ endpoint: "${env:MY_POD_IP}:13133" });
    expect(config.service.telemetry.metrics.readers).toEqual([{ pull: { exporter: { prometheus: { host: "${env:MY_POD_IP}", port: 8888 } } } }]);
  });

  it("metrics go to the prometheus exporter on 8889 with resource attributes as labels, and to the backend", () => {
    expect(config.exporters.prometheus).toMatchObject({ endpoint: "${env:MY_POD_IP}:8889", resource_to_telemetry_conversion: { enabled: true } });
    const backendId = backendExporter(backend).id;
    expect(config.service.pipelines.metrics?.exporters).toEqual(["prometheus", backendId]);
    expect(config.service.pipelines.metrics?.receivers).toEqual(["otlp", "spanmetrics"]);
    expect(config.service.pipelines.traces?.exporters).toEqual([backendId]);
    expect(config.service.pipelines.logs?.exporters).toEqual([backendId]);
  });

  it("references no variable but the pod IP and the backend's secrets", () => {
    const text = collectorConfigYaml(config);
    const variables = new Set([...text.matchAll(/\$\{env:([A-Z_]+)\}/g)].map((m) => m[1]));
    expect([...variables].sort()).toEqual(["MY_POD_IP", ...backendExporter(backend).secretEnv.map((e) => e.name)].sort());
    // Nothing else the collector would expand (a bare $ in a regex would be read as a variable).
    expect(text.replace(/\$\{env:[A-Z_]+\}/g, "")).not.toContain("$");
  });

  it("redacts the server's password line in the logs pipeline and request bodies in the traces pipeline", () => {
    expect(config.service.pipelines.logs?.processors).toContain("transform/redact-password");
    expect(config.service.pipelines.traces?.processors).toContain("transform/redact-spans");
  });
});

describe("each backend yields its exporter", () => {
  it("debug: the debug exporter, basic verbosity", () => {
    expect(rendered({ kind: "debug" }).exporters.debug).toEqual({ verbosity: "basic" });
  });

  it("file: a rotated JSON-lines file under /var/lib/otelcol", () => {
    expect(rendered({ kind: "file" }).exporters.file).toEqual({
      path: "/var/lib/otelcol/telemetry.jsonl", format: "json", rotation: { max_megabytes: 100, max_days: 3, max_backups: 2 },
    });
  });

  const retry = { enabled: true, initial_interval: "5s", max_interval: "30s", max_elapsed_time: "300s" };
  const queue = { enabled: true, num_consumers: 4, queue_size: 500 };

  it("clickhouse: endpoint, database and user from the settings, the password from the environment, retries and a queue", () => {
    const [, settings] = BACKENDS[2] as [string, TelemetryBackendSettings];
    expect(rendered(settings).exporters.clickhouse).toEqual({
      endpoint: "https://clickhouse.example.com:8443", database: "otel", username: "ingest", password: "${env:CLICKHOUSE_PASSWORD}",
      create_schema: true, timeout: "10s", retry_on_failure: retry, sending_queue: queue,
    });
    const built = buildCollectorConfig({ backend: settings });
    expect(built.backend.secretEnv).toEqual([{ name: "CLICKHOUSE_PASSWORD", value: "ch-password" }]);
    expect(built.backend.endpoint).toMatchObject({ host: "clickhouse.example.com", port: 8443, tls: true, clusterLocal: false });
    expect(collectorConfigYaml(built.config)).not.toContain("ch-password");
  });

  it("signoz: OTLP/gRPC with TLS and the ingestion key header from the environment", () => {
    const config = rendered({ kind: "signoz", endpoint: "https://ingest.eu.signoz.cloud:443", ingestionKey: "signoz-key" });
    expect(config.exporters["otlp/signoz"]).toEqual({
      endpoint: "ingest.eu.signoz.cloud:443", tls: { insecure: false }, headers: { "signoz-ingestion-key": "${env:SIGNOZ_INGESTION_KEY}" },
      compression: "gzip", timeout: "10s", retry_on_failure: retry, sending_queue: queue,
    });
  });

  it("signoz in the cluster: plain text to the Service, no header", () => {
    const built = buildCollectorConfig({ backend: { kind: "signoz", endpoint: "http://signoz-otel-collector.platform.svc.cluster.local:4317" } });
    expect(built.config.exporters["otlp/signoz"]).toMatchObject({ endpoint: "signoz-otel-collector.platform.svc.cluster.local:4317", tls: { insecure: true } });
    expect(built.config.exporters["otlp/signoz"]).not.toHaveProperty("headers");
    expect(built.backend.secretEnv).toEqual([]);
    expect(built.backend.endpoint).toMatchObject({ port: 4317, clusterLocal: true });
  });

  it("otlp: any OTLP/gRPC endpoint, with the configured header from the environment", () => {
    const config = rendered({ kind: "otlp", endpoint: "https://api.honeycomb.io", header: { name: "x-honeycomb-team", value: "hc" } });
    expect(config.exporters["otlp/backend"]).toEqual({
      endpoint: "api.honeycomb.io:443", tls: { insecure: false }, headers: { "x-honeycomb-team": "${env:OTLP_HEADER_VALUE}" },
      compression: "gzip", timeout: "10s", retry_on_failure: retry, sending_queue: queue,
    });
  });
});

describe("bad backend settings fail before anything is rendered, naming the field", () => {
  it.each([
    ["clickhouse without endpoint", { kind: "clickhouse", endpoint: "", database: "otel", username: "u", password: "p" }, /clickhouse: endpoint "" expected a URL/],
    ["clickhouse in clear text outside the cluster", { kind: "clickhouse", endpoint: "tcp://ch.example.com:9000", database: "otel", username: "u", password: "p" }, /clickhouse: endpoint "tcp:\/\/ch.example.com:9000" would send telemetry and credentials in clear text/],
    ["clickhouse without database", { kind: "clickhouse", endpoint: "https://ch.example.com:8443", database: "", username: "u", password: "p" }, /clickhouse: database is required/],
    ["signoz with a path", { kind: "signoz", endpoint: "https://ingest.eu.signoz.cloud/v1/logs" }, /signoz: endpoint .* expected no path/],
    ["otlp with credentials in the URL", { kind: "otlp", endpoint: "https://u:p@otel.example.com" }, /otlp: endpoint .* must not carry credentials/],
    ["otlp with a bad header name", { kind: "otlp", endpoint: "https://otel.example.com", header: { name: "Bad Header", value: "x" } }, /otlp: header name "Bad Header"/],
  ] as [string, TelemetryBackendSettings, RegExp][])("%s", (_why, backend, message) => {
    expect(() => buildCollectorConfig({ backend })).toThrow(message);
  });
});

describe("pipelineProblems can fail", () => {
  const good = (): CollectorConfig => structuredClone(buildCollectorConfig({ backend: { kind: "file" } }).config);

  it("a pipeline naming an undefined exporter", () => {
    const config = good();
    config.service.pipelines.logs?.exporters.push("otlp/missing");
    expect(pipelineProblems(config)).toEqual(["pipeline logs: exporter otlp/missing is not defined"]);
  });

  it("a defined exporter no pipeline uses", () => {
    const config = good();
    config.exporters.debug = { verbosity: "basic" };
    expect(pipelineProblems(config)).toEqual(["exporter debug is defined but no pipeline uses it"]);
  });

  it("memory_limiter not first", () => {
    const config = good();
    const traces = config.service.pipelines.traces;
    if (traces) traces.processors = ["batch", "memory_limiter", "transform/redact-spans"];
    expect(pipelineProblems(config)).toEqual(["pipeline traces: the first processor must be memory_limiter, not batch"]);
  });

  it("a connector that is exported to but never received from", () => {
    const config = good();
    const metrics = config.service.pipelines.metrics;
    if (metrics) metrics.receivers = ["otlp"];
    expect(pipelineProblems(config)).toEqual(["connector spanmetrics is no pipeline's receiver"]);
  });

  it("an undefined processor and an undefined receiver", () => {
    const config = good();
    config.service.pipelines["logs/extra"] = { receivers: ["filelog"], processors: ["memory_limiter", "attributes/x"], exporters: ["file"] };
    expect(pipelineProblems(config)).toEqual(["pipeline logs/extra: receiver filelog is not defined", "pipeline logs/extra: processor attributes/x is not defined"]);
  });
});

/** An OTTL string literal's value (Go's escapes; the ones used here are JSON's too). */
function ottlUnquote(literal: string): string {
  return JSON.parse(literal) as string;
}

/** What replace_pattern(body, pattern, replacement) does to a line: Go's RE2, (?i) as a flag. */
function applyRedaction(line: string): string {
  const statement = rendered({ kind: "file" }).processors["transform/redact-password"] as { log_statements: { statements: string[] }[] };
  const match = /^replace_pattern\(body, ("(?:[^"\\]|\\.)*"), ("(?:[^"\\]|\\.)*")\) where IsString\(body\)$/.exec(statement.log_statements[0]?.statements[0] ?? "");
  if (!match) throw new Error("the redaction statement is not replace_pattern(body, …, …) where IsString(body)");
  const pattern = ottlUnquote(match[1] ?? "");
  expect(pattern).toBe(PASSWORD_LINE_PATTERN);
  const caseInsensitive = pattern.startsWith("(?i)");
  return line.replace(new RegExp(caseInsensitive ? pattern.slice(4) : pattern, caseInsensitive ? "gi" : "g"), ottlUnquote(match[2] ?? ""));
}

describe("the password line", () => {
  const PASSWORD = "k2Jd8QmPz0aLrT5vWx9YbNc3";

  it("printed to stdout: the password is replaced, the line kept", () => {
    const redacted = applyRedaction(`▶ Using secure mode with password: ${PASSWORD}`);
    expect(redacted).toBe("▶ Using secure mode with password: [REDACTED]");
  });

  it("logged by a JSON logger: the password is replaced and the line is still JSON", () => {
    const line = JSON.stringify({ message: `Using secure mode with password: ${PASSWORD}`, level: "INFO" });
    const redacted = applyRedaction(line);
    expect(redacted).not.toContain(PASSWORD);
    expect(JSON.parse(redacted)).toEqual({ message: "Using secure mode with password: [REDACTED]", level: "INFO" });
  });

  it("a password with punctuation is replaced whole", () => {
    expect(applyRedaction("Using Secure Mode With Password: p@ss:w0rd!#x")).toBe("Using secure mode with password: [REDACTED]");
  });

  it("other lines pass unchanged", () => {
    const line = '{"message": "Uvicorn running on http://0.0.0.0:8283", "level": "INFO"}';
    expect(applyRedaction(line)).toBe(line);
  });
});

describe("docs/observability.md", () => {
  it("shows the redaction processor exactly as the collector runs it", () => {
    const doc = readFileSync(path.resolve(__dirname, "../../docs/observability.md"), "utf8");
    const snippet = stringify({ "transform/redact-password": passwordRedactionProcessor() }, { lineWidth: 0 });
    expect(doc).toContain(`\`\`\`yaml\n${snippet}\`\`\``);
  });
});
