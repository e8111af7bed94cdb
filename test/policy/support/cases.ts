/**
 * Fixture cases for the pack, in the style of the anchors (PSA, awsguard, Polaris): a compliant baseline and one
 * mutation per case; the file says what each case expects. test/policy/rules.test.ts runs every case through the
 * same evaluator the offline runner uses and meta-tests the coverage.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import { packPolicies, rules } from "../../../policy/rules";
import { evaluate, type AnalyzedResource, type Evaluation, type PackConfig } from "../../../tools/policy/evaluate";
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
  return fixtures.map((f) => ({
    type: f.type,
    urn: urnOf(f.type, f.name),
    name: f.name,
    inputs: f.props,
    ...(f.outputs ? { outputs: f.outputs } : {}),
    ...(f.parent ? { parent: urn(f.parent) } : {}),
    dependencies: (f.dependencies ?? []).map(urn),
    propertyDependencies: Object.fromEntries(Object.entries(f.propertyDependencies ?? {}).map(([k, names]) => [k, names.map(urn)])),
  }));
}

/** Runs one rule (only that rule) over the case's resources. */
export function runCase(c: PolicyCase, envConfig: PackConfig = {}): Evaluation {
  const rule = rules.find((r) => r.id === c.rule);
  if (!rule) throw new Error(`case "${c.name}" names unknown rule ${c.rule}`);
  const config: PackConfig = { ...envConfig };
  config[c.rule] = { ...(envConfig[c.rule] ?? {}), ...(c.config ?? {}) };
  return evaluate(packPolicies([rule]), toAnalyzed(c.resources), { config });
}
