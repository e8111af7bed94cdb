/** The human report of an evaluation: violations grouped by severity, worst first, each naming the resource. */
import type { Evaluation, Finding } from "./model";

const ORDER = ["critical", "high", "medium", "low", undefined] as const;

export interface Totals {
  mandatory: number;
  advisory: number;
  undecided: number;
  remediations: number;
}

export function totals(evaluation: Evaluation, pack?: string): Totals {
  const mine = evaluation.findings.filter((f) => pack === undefined || f.pack === pack);
  const v = mine.filter((f) => f.kind === "violation");
  return {
    mandatory: v.filter((f) => f.enforcementLevel === "mandatory").length,
    advisory: v.filter((f) => f.enforcementLevel === "advisory").length,
    undecided: mine.filter((f) => f.kind === "undecided").length,
    remediations: mine.filter((f) => f.kind === "remediation").length,
  };
}

/** What the policy reported, without the description the server puts first (server.js makeReportViolationFun). */
export function reported(f: Finding): string {
  return f.description && f.message.startsWith(`${f.description}\n`) ? f.message.slice(f.description.length + 1) : f.message;
}

function line(f: Finding, types: Map<string, string>, packs: number): string {
  const subject = f.urn ? `${f.name ?? f.urn} (${types.get(f.urn) ?? "?"})` : "(stack)";
  return `  [${f.enforcementLevel}] ${packs > 1 ? `${f.pack}/` : ""}${f.policy}  ${subject}\n      ${reported(f).replace(/\n/g, "\n      ")}`;
}

export function renderReport(evaluation: Evaluation, resourceTypes: Map<string, string>, resourceCount: number, packs: readonly { name: string; policies: number }[]): string {
  const out: string[] = [];
  const violations = evaluation.findings.filter((f) => f.kind === "violation");
  for (const severity of ORDER) {
    const group = violations.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    group.sort((a, b) => (a.enforcementLevel === b.enforcementLevel ? a.policy.localeCompare(b.policy) : a.enforcementLevel === "mandatory" ? -1 : 1));
    out.push(`${(severity ?? "unspecified severity").toUpperCase()} (${group.length})`, ...group.map((f) => line(f, resourceTypes, packs.length)));
  }
  const undecided = evaluation.findings.filter((f) => f.kind === "undecided");
  if (undecided.length > 0) out.push(`UNDECIDED until pulumi up (${undecided.length})`, ...undecided.map((f) => line(f, resourceTypes, packs.length)));
  const remediations = evaluation.findings.filter((f) => f.kind === "remediation");
  if (remediations.length > 0) out.push(`REMEDIATIONS the CLI would apply on pulumi up (${remediations.length})`, ...remediations.map((f) => line(f, resourceTypes, packs.length)));
  for (const p of packs) {
    const t = totals(evaluation, p.name);
    out.push(
      `Policy pack ${p.name}: ${p.policies} rules over ${resourceCount} resources: ${t.mandatory} mandatory and ${t.advisory} advisory violations, ${t.undecided} undecided${t.remediations > 0 ? `, ${t.remediations} remediations` : ""}.`,
    );
  }
  return out.join("\n");
}
