/** The human report of an evaluation: violations grouped by severity, worst first, each naming the resource. */
import type { Evaluation, Finding } from "./evaluate";

const ORDER = ["critical", "high", "medium", "low"] as const;

export interface Totals {
  mandatory: number;
  advisory: number;
  undecided: number;
}

export function totals(evaluation: Evaluation): Totals {
  const v = evaluation.findings.filter((f) => f.kind === "violation");
  return {
    mandatory: v.filter((f) => f.enforcementLevel === "mandatory").length,
    advisory: v.filter((f) => f.enforcementLevel === "advisory").length,
    undecided: evaluation.findings.filter((f) => f.kind === "undecided").length,
  };
}

function line(f: Finding, types: Map<string, string>): string {
  const subject = f.urn ? `${f.name ?? f.urn} (${types.get(f.urn) ?? "?"})` : "(stack)";
  return `  [${f.enforcementLevel}] ${f.policy}  ${subject}\n      ${f.message}`;
}

export function renderReport(evaluation: Evaluation, resourceTypes: Map<string, string>, resourceCount: number, ruleCount: number): string {
  const out: string[] = [];
  const violations = evaluation.findings.filter((f) => f.kind === "violation");
  for (const severity of ORDER) {
    const group = violations.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    group.sort((a, b) => (a.enforcementLevel === b.enforcementLevel ? a.policy.localeCompare(b.policy) : a.enforcementLevel === "mandatory" ? -1 : 1));
    out.push(`${severity.toUpperCase()} (${group.length})`, ...group.map((f) => line(f, resourceTypes)));
  }
  const undecided = evaluation.findings.filter((f) => f.kind === "undecided");
  if (undecided.length > 0) out.push(`UNDECIDED until pulumi up (${undecided.length})`, ...undecided.map((f) => line(f, resourceTypes)));
  const t = totals(evaluation);
  out.push(
    `Policy pack agent-platform: ${ruleCount} rules over ${resourceCount} resources: ${t.mandatory} mandatory and ${t.advisory} advisory violations, ${t.undecided} undecided.`,
  );
  return out.join("\n");
}
