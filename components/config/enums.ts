// Named enums (the `as const` pattern) instead of inline unions, so the components stay usable by Pulumi's
// schema inference for multi-language packages, which rejects anonymous unions.

export const Environment = { Dev: "dev", Staging: "staging", Prod: "prod" } as const;
export type Environment = (typeof Environment)[keyof typeof Environment];

export const ClusterMode = { Create: "create", Existing: "existing" } as const;
export type ClusterMode = (typeof ClusterMode)[keyof typeof ClusterMode];

export const DatabaseMode = { Rds: "rds", StatefulSet: "statefulset" } as const;
export type DatabaseMode = (typeof DatabaseMode)[keyof typeof DatabaseMode];

export const CacheMode = { ElastiCache: "elasticache", InCluster: "in-cluster" } as const;
export type CacheMode = (typeof CacheMode)[keyof typeof CacheMode];

export const CacheEngine = { Redis: "redis", Valkey: "valkey" } as const;
export type CacheEngine = (typeof CacheEngine)[keyof typeof CacheEngine];

export const PostgresMajorVersion = { V16: "16", V17: "17" } as const;
export type PostgresMajorVersion = (typeof PostgresMajorVersion)[keyof typeof PostgresMajorVersion];

/** Where the server runs tool code: in its own process environment (local), or in a remote sandbox. */
export const ToolSandbox = { Local: "local", E2b: "e2b", Modal: "modal" } as const;
export type ToolSandbox = (typeof ToolSandbox)[keyof typeof ToolSandbox];

/** Values of a named enum, as the tuple zod wants. */
export function values<T extends Record<string, string>>(e: T): [T[keyof T], ...T[keyof T][]] {
  return Object.values(e) as [T[keyof T], ...T[keyof T][]];
}

/** Where the OpenTelemetry collector sends what it receives. */
export const TelemetryBackend = { Debug: "debug", File: "file", ClickHouse: "clickhouse", Signoz: "signoz", Otlp: "otlp" } as const;
export type TelemetryBackend = (typeof TelemetryBackend)[keyof typeof TelemetryBackend];
