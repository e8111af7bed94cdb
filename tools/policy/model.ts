/** What the policy runner reads (a stack's resources) and what it reports (findings from the packs' own servers). */
import type { Severity } from "./server/types";

/** One resource as a stack export (or the engine) describes it. */
export interface AnalyzedResource {
  type: string;
  urn: string;
  name: string;
  /** Inputs: what Analyze (resource policies) sees. */
  inputs: Record<string, unknown>;
  /** Outputs: what AnalyzeStack (stack policies) sees. Defaults to inputs. */
  outputs?: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  protect?: boolean;
  ignoreChanges?: string[];
  additionalSecretOutputs?: string[];
  aliases?: string[];
  customTimeouts?: { create?: number; update?: number; delete?: number };
  /** Provider reference as the state holds it (`URN::ID`). */
  provider?: string;
  /** The state marks this resource pending deletion (a replaced one): the CLI does not analyze it. */
  delete?: boolean;
}

/** A `--policy-pack-config` document: policy name (or "all") -> enforcement level, or an object of level and settings. */
export type PackConfig = Record<string, { enforcementLevel?: "advisory" | "mandatory" | "remediate" | "disabled" } & Record<string, unknown>>;

export interface Finding {
  /** The pack that reported it (its PolicyPack name). */
  pack: string;
  policy: string;
  severity: Severity | undefined;
  /** As the CLI counts it: remediate reported as mandatory. */
  enforcementLevel: "advisory" | "mandatory";
  /** The server's diagnostic message (the policy's description, a newline, then what the policy reported). */
  message: string;
  /** The policy's description, so reports can show the reported part alone. */
  description: string;
  urn?: string;
  name?: string;
  /**
   * violation: a diagnostic; undecided: the server's advisory "can't run policy ... during preview" (a value the
   * policy needed is unknown until `pulumi up`); remediation: a remediation that would change the resource (the CLI
   * reports it and applies nothing).
   */
  kind: "violation" | "undecided" | "remediation";
}

export interface Evaluation {
  findings: Finding[];
  /** How many resources (resource policies) or stacks (stack policies) each policy ran on without declaring itself not applicable. */
  evaluated: Map<string, number>;
  /** Reasons policies gave for not applying, per policy (exclusions among them). */
  notApplicable: Map<string, string[]>;
}
