/**
 * Fixture cases for the pack, in the style of the anchors (PSA, awsguard, Polaris): a compliant baseline and one
 * mutation per case; the file says what each case expects. test/policy/rules.test.ts runs every case through the
 * pack's own @pulumi/policy server (one per test file, kept open), exactly as the runner and the plan do.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import { afterAll } from "vitest";
import { rules } from "../../../policy/rules";
import { ownPackDir, PolicySession, type Analysis } from "../../../tools/policy/analyze";
import type { AnalyzedResource, Evaluation, PackConfig } from "../../../tools/policy/model";
import type { Environment } from "../../../policy/lib/rule";

export interface FixtureResource {
  type: string;
  /** Logical name; the URN is built from it, and links below refer to other fixtures by it. */
  name: string;
  props: Record<string, unknown>;
  /** Stack policies see these instead of props when given (engine: the resource's state). */
  outputs?: Record<string, unknown>;
  /** input property -> names of fixtures it was computed from (how side resources join their owner). */
  propertyDependencies?: Record<string, string[]>;
  dependencies?: string[];
  parent?: string;
}

export interface PolicyCase {
  /** Rule id under test. */
  rule: string;
  /** What the case shows, e.g. "allowPrivilegeEscalation unset on an init container". */
  name: string;
  /**
   * pass: no finding; fail: at least one violation; undecided: an advisory "can't run during preview" (a value was
   * unknown) and no violation; not-applicable: the rule did not evaluate anything (e.g. excluded, or another kind).
   */
  expect: "pass" | "fail" | "undecided" | "not-applicable";
  resources: FixtureResource[];
  /** The rule's pack config (exclude and rule-specific keys). */
  config?: Record<string, unknown>;
  /** Evaluate with the dev or prod enforcement file (default prod). */
  environment?: Environment;
  /**
   * For fail cases, required (rules.test.ts checks): a substring (or pattern) at least one violation message must
   * contain, chosen so that it proves the case fails for the reason its name states.
   */
  message?: string | RegExp;
  /** For not-applicable cases: a substring (or pattern) of the reason the rule gave (ctx.notApplicable). */
  reason?: string | RegExp;
  /** For fail cases: the enforcement the violation must carry (default: not checked). */
  level?: Exclude<EnforcementLevel, "disabled" | "remediate">;
}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::agent-platform::${type}::${name}`;
}

export function toAnalyzed(fixtures: readonly FixtureResource[]): AnalyzedResource[] {
  const byName = new Map(fixtures.map((f) => [f.name, f]));
  const urn = (name: string): string => {
    const f = byName.get(name);
    if (!f) throw new Error(`fixture link to unknown resource "${name}"`);
    return urnOf(f.type, f.name);
  };
  // As JSON, like a state file and like the CLI's protobuf Struct: a key set to undefined is absent.
  const json = (v: Record<string, unknown>) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
  return fixtures.map((f) => ({
    type: f.type,
    urn: urnOf(f.type, f.name),
    name: f.name,
    inputs: json(f.props),
    ...(f.outputs ? { outputs: json(f.outputs) } : {}),
    ...(f.parent ? { parent: urn(f.parent) } : {}),
    dependencies: (f.dependencies ?? []).map(urn),
    propertyDependencies: Object.fromEntries(Object.entries(f.propertyDependencies ?? {}).map(([k, names]) => [k, names.map(urn)])),
  }));
}

let session: PolicySession | undefined;
afterAll(async () => {
  await session?.close();
  session = undefined;
});

/** The whole pack over the resources with a config document, through the same kept-open server. */
export function runPack(resources: readonly AnalyzedResource[], config: PackConfig, source = "the pack config"): Promise<Analysis> {
  session ??= PolicySession.open([ownPackDir()]);
  return session.run(resources, [{ doc: config, source }]);
}

/** Runs only the given rules (every other policy disabled) over the resources, through the pack's server. */
export async function runRules(ids: readonly string[], resources: readonly AnalyzedResource[], config: PackConfig = {}): Promise<Evaluation> {
  session ??= PolicySession.open([ownPackDir()]);
  const doc: PackConfig = { all: { enforcementLevel: "disabled" } };
  for (const id of ids) {
    const rule = rules.find((r) => r.id === id);
    if (!rule) throw new Error(`unknown rule ${id}`);
    doc[id] = { enforcementLevel: rule.enforcement.prod, ...(config[id] ?? {}) };
  }
  return (await session.run(resources, [{ doc, source: "the case's config" }])).evaluation;
}

/** Runs one rule (only that rule) over the case's resources. */
export function runCase(c: PolicyCase, envConfig: PackConfig = {}): Promise<Evaluation> {
  if (!rules.some((r) => r.id === c.rule)) throw new Error(`case "${c.name}" names unknown rule ${c.rule}`);
  const config: PackConfig = { [c.rule]: { ...(envConfig[c.rule] ?? {}), ...(c.config ?? {}) } };
  return runRules([c.rule], toAnalyzed(c.resources), config);
}
