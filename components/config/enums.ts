// Named enums (the `as const` pattern) instead of inline unions, so the components stay usable by Pulumi's
// schema inference for multi-language packages, which rejects anonymous unions. The doc comments become the
// enum descriptions of the generated SDKs.

/** Kind of stack: prod enforces the production invariants, dev relaxes the defaults for a laptop cluster. */
export const Environment = {
  /** A laptop or shared development cluster: in-cluster database and cache, no ingress, no backups by default. */
  Dev: "dev",
  /** Production defaults (RDS, ElastiCache, ingress, backups), without the refusals only prod enforces. */
  Staging: "staging",
  /** Production: RDS, ElastiCache, an ingress with TLS, backups and at least two server replicas. */
  Prod: "prod",
} as const;
export type Environment = (typeof Environment)[keyof typeof Environment];

/** Where the platform runs. */
export const ClusterMode = {
  /** A new VPC and EKS cluster. */
  Create: "create",
  /** An existing cluster: the kubeconfig given, or the ambient one. */
  Existing: "existing",
} as const;
export type ClusterMode = (typeof ClusterMode)[keyof typeof ClusterMode];

/** Where the PostgreSQL database runs. */
export const DatabaseMode = {
  /** Amazon RDS for PostgreSQL. */
  Rds: "rds",
  /** An in-cluster pgvector StatefulSet. */
  StatefulSet: "statefulset",
} as const;
export type DatabaseMode = (typeof DatabaseMode)[keyof typeof DatabaseMode];

/** Where the Redis cache runs. */
export const CacheMode = {
  /** An ElastiCache replication group. */
  ElastiCache: "elasticache",
  /** One Redis in the platform's namespace. */
  InCluster: "in-cluster",
} as const;
export type CacheMode = (typeof CacheMode)[keyof typeof CacheMode];

/** ElastiCache engine. */
export const CacheEngine = {
  /** Redis OSS. */
  Redis: "redis",
  /** Valkey. */
  Valkey: "valkey",
} as const;
export type CacheEngine = (typeof CacheEngine)[keyof typeof CacheEngine];

/** PostgreSQL major version. */
export const PostgresMajorVersion = {
  /** PostgreSQL 16. */
  V16: "16",
  /** PostgreSQL 17. */
  V17: "17",
} as const;
export type PostgresMajorVersion = (typeof PostgresMajorVersion)[keyof typeof PostgresMajorVersion];

/** Where the server runs tool code: in its own process environment (local), or in a remote sandbox. */
export const ToolSandbox = {
  /** Inside the server container, with its whole environment and network reach. */
  Local: "local",
  /** In E2B's remote sandboxes (server.e2bApiKey). */
  E2b: "e2b",
  /** Tools that ask for Modal run there; the others still run locally unless an E2B key is set too. */
  Modal: "modal",
} as const;
export type ToolSandbox = (typeof ToolSandbox)[keyof typeof ToolSandbox];

/** S3 Object Lock mode of the backup bucket (backup.objectLockMode). */
export const ObjectLockMode = {
  /** No one, the account root included, can delete a backup or shorten its lock before it ends. */
  Compliance: "compliance",
  /** Principals allowed s3:BypassGovernanceRetention can delete early: the weaker, named option. */
  Governance: "governance",
} as const;
export type ObjectLockMode = (typeof ObjectLockMode)[keyof typeof ObjectLockMode];

/** Values of a named enum, as the tuple zod wants. */
export function values<T extends Record<string, string>>(e: T): [T[keyof T], ...T[keyof T][]] {
  return Object.values(e) as [T[keyof T], ...T[keyof T][]];
}

/** Where the OpenTelemetry collector sends what it receives. */
export const TelemetryBackend = {
  /** The collector's own log. */
  Debug: "debug",
  /** A JSON-lines file on an emptyDir of the collector pod, rotated; lost with the pod. */
  File: "file",
  /** A ClickHouse server. */
  ClickHouse: "clickhouse",
  /** Signoz, over OTLP. */
  Signoz: "signoz",
  /** Any OTLP/gRPC endpoint. */
  Otlp: "otlp",
} as const;
export type TelemetryBackend = (typeof TelemetryBackend)[keyof typeof TelemetryBackend];
