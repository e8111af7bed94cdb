// The collector's exporter for each telemetry backend. Credentials never enter the configuration: it names them as
// ${env:VAR}, and the collector container reads VAR from a Kubernetes Secret (secretKeyRef).
import type * as pulumi from "@pulumi/pulumi";
import { parseTelemetryEndpoint, TelemetryBackend, type EndpointKind, type TelemetryEndpoint } from "../config";
import type { CollectorDuration, ExporterConfig, RetryOnFailure, SendingQueue } from "./collector-model";

/** A backend and what it needs; the values of secret fields go to a Secret, never to the configuration. */
export type TelemetryBackendSettings =
  | { kind: typeof TelemetryBackend.Debug }
  | { kind: typeof TelemetryBackend.File }
  | { kind: typeof TelemetryBackend.ClickHouse; endpoint: string; database: string; username: string; password: pulumi.Input<string> }
  | { kind: typeof TelemetryBackend.Signoz; endpoint: string; ingestionKey?: pulumi.Input<string> }
  | { kind: typeof TelemetryBackend.Otlp; endpoint: string; header?: { name: string; value: pulumi.Input<string> } };

/** An environment variable the collector reads from the backend Secret (key = variable name). */
export interface SecretEnv {
  name: string;
  value: pulumi.Input<string>;
}

/** The exporter of a backend, its secrets, and where it connects. */
export interface BackendExporter {
  id: string;
  config: ExporterConfig;
  secretEnv: SecretEnv[];
  /** The endpoint the collector must reach (its egress NetworkPolicy); undefined for local backends. */
  endpoint?: TelemetryEndpoint;
}

/** Where the file backend writes, inside the collector's emptyDir. */
export const FILE_EXPORT_DIR = "/var/lib/otelcol";

// Upstream Letta's own collector configurations use these (5 s, 30 s, 300 s; a queue of 500): a backend outage of up
// to five minutes loses nothing that fits in the queue.
const RETRY: RetryOnFailure = { enabled: true, initial_interval: "5s", max_interval: "30s", max_elapsed_time: "300s" };
const QUEUE: SendingQueue = { enabled: true, num_consumers: 4, queue_size: 500 };
const TIMEOUT: CollectorDuration = "10s";

function endpointOf(kind: TelemetryBackendSettings["kind"], value: string, protocol: EndpointKind): TelemetryEndpoint {
  const parsed = parseTelemetryEndpoint(value, protocol);
  if (typeof parsed === "string") throw new Error(`collector backend ${kind}: endpoint ${JSON.stringify(value)} ${parsed}`);
  return parsed;
}

/** The exporter for a backend; throws, naming the field, when the settings cannot work. */
export function backendExporter(backend: TelemetryBackendSettings): BackendExporter {
  switch (backend.kind) {
    case TelemetryBackend.Debug:
      return { id: "debug", config: { verbosity: "basic" }, secretEnv: [] };
    case TelemetryBackend.File:
      // Rotated so three files of 100 MB at most stay on the emptyDir (sized 1Gi).
      return { id: "file", config: { path: `${FILE_EXPORT_DIR}/telemetry.jsonl`, format: "json", rotation: { max_megabytes: 100, max_days: 3, max_backups: 2 } }, secretEnv: [] };
    case TelemetryBackend.ClickHouse: {
      const endpoint = endpointOf(backend.kind, backend.endpoint, "clickhouse");
      if (backend.database === "") throw new Error("collector backend clickhouse: database is required");
      if (backend.username === "") throw new Error("collector backend clickhouse: username is required");
      return {
        id: "clickhouse",
        config: {
          endpoint: backend.endpoint, database: backend.database, username: backend.username, password: "${env:CLICKHOUSE_PASSWORD}",
          // The exporter creates its tables on first use, so a new database needs no manual step.
          create_schema: true, timeout: TIMEOUT, retry_on_failure: RETRY, sending_queue: QUEUE,
        },
        secretEnv: [{ name: "CLICKHOUSE_PASSWORD", value: backend.password }],
        endpoint,
      };
    }
    case TelemetryBackend.Signoz: {
      const endpoint = endpointOf(backend.kind, backend.endpoint, "otlp");
      const key = backend.ingestionKey;
      return {
        id: "otlp/signoz",
        config: {
          endpoint: endpoint.hostPort, tls: { insecure: !endpoint.tls },
          ...(key === undefined ? {} : { headers: { "signoz-ingestion-key": "${env:SIGNOZ_INGESTION_KEY}" } }),
          compression: "gzip", timeout: TIMEOUT, retry_on_failure: RETRY, sending_queue: QUEUE,
        },
        secretEnv: key === undefined ? [] : [{ name: "SIGNOZ_INGESTION_KEY", value: key }],
        endpoint,
      };
    }
    case TelemetryBackend.Otlp: {
      const endpoint = endpointOf(backend.kind, backend.endpoint, "otlp");
      const header = backend.header;
      if (header !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(header.name)) throw new Error(`collector backend otlp: header name ${JSON.stringify(header.name)} is not a lower-case HTTP header name`);
      return {
        id: "otlp/backend",
        config: {
          endpoint: endpoint.hostPort, tls: { insecure: !endpoint.tls },
          ...(header === undefined ? {} : { headers: { [header.name]: "${env:OTLP_HEADER_VALUE}" } }),
          compression: "gzip", timeout: TIMEOUT, retry_on_failure: RETRY, sending_queue: QUEUE,
        },
        secretEnv: header === undefined ? [] : [{ name: "OTLP_HEADER_VALUE", value: header.value }],
        endpoint,
      };
    }
  }
}
