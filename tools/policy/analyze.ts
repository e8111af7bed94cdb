/** One call for the CLI, the offline plan and tests: every rule of the pack over a stack's resources. */
import { packPolicies, rules } from "../../policy/rules";
import { evaluate, type AnalyzedResource, type Evaluation, type PackConfig } from "./evaluate";
import { renderReport, totals, type Totals } from "./report";

export interface Analysis {
  evaluation: Evaluation;
  totals: Totals;
  report: string;
}

export function analyze(resources: readonly AnalyzedResource[], config: PackConfig = {}): Analysis {
  const evaluation = evaluate(packPolicies(), resources, { config });
  const types = new Map(resources.map((r) => [r.urn, r.type]));
  return { evaluation, totals: totals(evaluation), report: renderReport(evaluation, types, resources.length, rules.length) };
}
