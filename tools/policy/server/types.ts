/** Plain data exchanged between the runner and a pack's worker (structured-clone safe). */

export type Level = "advisory" | "mandatory" | "remediate" | "disabled";
export type Severity = "low" | "medium" | "high" | "critical";

/** One resource of the snapshot, as the CLI's stateToAnalyzerResource builds it (pkg/resource/deploy/analyze_snapshot.go:147-179). */
export interface SnapshotResource {
  urn: string;
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  parent?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  ignoreChanges: string[];
  additionalSecretOutputs: string[];
  aliases: string[];
  customTimeouts?: { create?: number; update?: number; delete?: number };
  /** The provider reference as state holds it (`URN::ID`). */
  provider?: string;
}

export interface PolicyInfo {
  name: string;
  description: string;
  type: "resource" | "stack" | "unknown";
  enforcementLevel: Level;
  severity?: Severity;
  configSchema?: { properties: Record<string, unknown>; required: string[] };
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  supportsConfig: boolean;
  policies: PolicyInfo[];
  initialConfig: Record<string, PolicyConfig>;
}

export interface PolicyConfig {
  enforcementLevel: Level | "";
  properties?: Record<string, unknown>;
}

/** An AnalyzeDiagnostic as the CLI converts it (analyzer_plugin.go:898-935). */
export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  description: string;
  message: string;
  enforcementLevel: Level;
  urn: string;
  severity?: Severity;
}

/** What one pack reported over the snapshot, in the order the CLI reports it. */
export type SnapshotEvent =
  | { kind: "violation"; urn: string; diagnostic: Diagnostic }
  | { kind: "remediation"; urn: string; policyName: string; policyPackName: string; description: string; changed: string[] };

export interface SnapshotResult {
  /** Remediate and Analyze events first (in resource order), then AnalyzeStack's. */
  events: SnapshotEvent[];
  /** How many of `events` came from Remediate and Analyze. */
  resourceEvents: number;
  /** Per policy: resources (resource policies) or stacks (stack policies) it ran on without declaring itself not applicable. */
  evaluated: Record<string, number>;
  /** Per policy: the reasons it gave for not applying. */
  notApplicable: Record<string, string[]>;
}

export type WorkerRequest =
  | { id: number; op: "info" }
  | { id: number; op: "configure"; config: Record<string, PolicyConfig> }
  | { id: number; op: "analyzeSnapshot"; resources: SnapshotResource[]; part?: SnapshotPart };

/**
 * A shard's part of one snapshot analysis (see ../analyze.ts): Remediate and Analyze only for resources[from, to),
 * AnalyzeStack over all resources when `stack` (the stack policies outside the shard's share are disabled by its
 * Configure). Without a part, the whole loop runs, as the CLI runs it.
 */
export interface SnapshotPart {
  from: number;
  to: number;
  stack: boolean;
}

export type WorkerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
