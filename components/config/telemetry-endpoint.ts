// Where the OpenTelemetry collector sends telemetry: one parser for the config check (which names the key and says
// what is allowed) and for the collector (which needs the host, the port for its NetworkPolicy, and whether to use
// TLS), so the two can never disagree.

/** What the collector needs to know about a backend endpoint. */
export interface TelemetryEndpoint {
  /** The URL's scheme, without ':' (https, http, tcp, clickhouse). */
  scheme: string;
  host: string;
  /** The port the collector connects to (explicit, or the scheme's default). */
  port: number;
  /** The connection is encrypted (https, or ?secure=true for ClickHouse's native protocol). */
  tls: boolean;
  /** The host is a Kubernetes Service name (*.svc or *.svc.cluster.local): traffic never leaves the cluster. */
  clusterLocal: boolean;
  /** `host:port`, the form gRPC exporters take. */
  hostPort: string;
}

/** Which protocol family an endpoint is for: OTLP over gRPC (Signoz, any OTLP backend) or ClickHouse. */
export type EndpointKind = "otlp" | "clickhouse";

const SCHEMES: Record<EndpointKind, readonly string[]> = {
  otlp: ["https", "http"],
  clickhouse: ["https", "http", "tcp", "clickhouse"],
};
const DEFAULT_TLS_PORT: Record<string, number> = { https: 443, tcp: 9440, clickhouse: 9440 };
const CLUSTER_LOCAL = /\.svc(?:\.cluster\.local)?$/;

/**
 * Parse and check an endpoint; a string is the reason it is refused (phrased to follow "expected …" of the config
 * messages). Refused: credentials in the URL (they would land in a ConfigMap), several hosts (one port per
 * NetworkPolicy rule), and plain text to anything outside the cluster, since credentials travel with the data.
 */
export function parseTelemetryEndpoint(value: string, kind: EndpointKind): TelemetryEndpoint | string {
  const allowed = SCHEMES[kind];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `expected a URL such as ${example(kind)}`;
  }
  const scheme = url.protocol.replace(/:$/, "");
  if (!allowed.includes(scheme)) return `expected a URL with scheme ${allowed.join(", ")}, such as ${example(kind)}`;
  if (url.username !== "" || url.password !== "") return "must not carry credentials (they would be stored in a ConfigMap): set them in the backend's secret key instead";
  const host = url.hostname;
  if (host === "" || host.includes(",") || url.host.includes(",")) return `expected exactly one host, such as ${example(kind)}`;
  if (kind === "otlp" && url.pathname !== "" && url.pathname !== "/") return `expected no path (OTLP over gRPC has none), such as ${example(kind)}`;
  const tls = scheme === "https" || ((scheme === "tcp" || scheme === "clickhouse") && url.searchParams.get("secure") === "true");
  const clusterLocal = CLUSTER_LOCAL.test(host);
  if (!tls && !clusterLocal) {
    return "would send telemetry and credentials in clear text over the network: use https:// (for ClickHouse's native protocol ?secure=true), or a cluster-local Service name ending in .svc or .svc.cluster.local";
  }
  const explicit = url.port === "" ? undefined : Number(url.port);
  const port = explicit ?? (tls ? DEFAULT_TLS_PORT[scheme] : undefined);
  if (port === undefined) return `expected an explicit port for a plain-text ${scheme}:// endpoint, such as ${scheme}://collector.observability.svc.cluster.local:${kind === "otlp" ? 4317 : 9000}`;
  return { scheme, host, port, tls, clusterLocal, hostPort: `${host}:${port}` };
}

/** The value with any user:password@ of a URL replaced, for messages. */
export function withoutUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, "$1[redacted]@");
}

function example(kind: EndpointKind): string {
  return kind === "otlp" ? "https://ingest.eu.signoz.cloud:443" : "https://clickhouse.example.com:8443";
}
