// The plan's policy gate, as `pulumi preview --policy-pack policy --policy-pack-config policy/config/<env>.json`
// would run it. The analysis is the policy runner's (tools/policy); this module is the one place that adapts its
// result to what the plan prints, so a change of the runner's data shape stops here.
import * as path from "node:path";
import { rules } from "../../policy/rules";
import { analyze } from "../policy/analyze";
import { policyDir } from "../policy/pack-config";
import { readPackConfigFile } from "../policy/pack-config-file";
import type { PackConfig } from "../policy/model";
import { resourcesOfExport } from "../policy/state";
import { validatePlan, type ValidationResult } from "../validate";
import type { DeploymentV3 } from "./state-export";

/** One finding as the plan prints it. */
export interface GateFinding {
  rule: string;
  level: "mandatory" | "advisory";
  severity: string | undefined;
  /** Resource name and type, or undefined for a stack-wide finding. */
  resource?: { name: string; type: string };
  message: string;
  /** Decided only at `pulumi up` (a value unknown during preview). */
  undecided: boolean;
}

export interface GateResult {
  configFile: string;
  ruleCount: number;
  resourceCount: number;
  findings: GateFinding[];
  mandatory: number;
  /** The provider-input, schema, IAM and ARN checks of tools/validate; exitCode 4 or 5 when they block. */
  validation: ValidationResult;
}

/** Which pack config file the stack's `environment` picks: dev for dev, the stricter prod file for anything else. */
export function packConfigFileFor(environment: string | undefined): string {
  return path.join(policyDir(), "config", `${environment === "dev" ? "dev" : "prod"}.json`);
}

export async function runGate(deployment: DeploymentV3, environment: string | undefined): Promise<GateResult> {
  const configFile = packConfigFileFor(environment);
  const resources = resourcesOfExport(JSON.parse(JSON.stringify(deployment)) as unknown, "the plan");
  // The pack runs through its own @pulumi/policy server, as the CLI runs it (tools/policy/analyze.ts).
  const result = await analyze(resources, readPackConfigFile(configFile) as PackConfig, configFile, { inProcess: true, shards: 1 });
  const validation = await validatePlan(resources);
  const types = new Map(resources.map((r) => [r.urn, r.type]));
  const findings = result.evaluation.findings.map((f): GateFinding => ({
    rule: f.policy,
    level: f.enforcementLevel,
    severity: f.severity,
    ...(f.urn ? { resource: { name: f.name ?? f.urn, type: types.get(f.urn) ?? "?" } } : {}),
    message: f.message,
    undecided: f.kind === "undecided",
  }));
  return { configFile, ruleCount: rules.length, resourceCount: resources.length, findings, mandatory: result.totals.mandatory, validation };
}
