// The policy gate's findings as the plan prints them: one group per rule with its count, mandatory first, then by
// severity; each group shows its first message and the resources it names. `--verbose` lists every instance.
import * as path from "node:path";
import type { GateFinding, GateResult } from "./gate";
import { truncate, wrap } from "./text";

const SEVERITY_ORDER = ["critical", "high", "medium", "low"];

export interface FindingGroup {
  rule: string;
  level: "mandatory" | "advisory";
  severity: string | undefined;
  undecided: boolean;
  findings: GateFinding[];
}

/** Findings grouped by rule (and level: a rule can be mandatory for one resource only through its config, never both). */
export function groupFindings(findings: readonly GateFinding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    const key = `${f.level}\u0000${f.undecided ? "u" : "v"}\u0000${f.rule}`;
    const group = groups.get(key) ?? { rule: f.rule, level: f.level, severity: f.severity, undecided: f.undecided, findings: [] };
    group.findings.push(f);
    groups.set(key, group);
  }
  const rank = (g: FindingGroup): number[] => [
    g.level === "mandatory" ? 0 : 1, g.undecided ? 1 : 0, SEVERITY_ORDER.indexOf(g.severity ?? "") === -1 ? 9 : SEVERITY_ORDER.indexOf(g.severity ?? ""),
  ];
  return [...groups.values()].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
    return b.findings.length - a.findings.length || a.rule.localeCompare(b.rule);
  });
}

function subject(f: GateFinding): string {
  return f.resource ? `${f.resource.name} (${f.resource.type})` : "(the stack)";
}

export interface ReportOptions {
  verbose: boolean;
  width: number;
}

export function renderFindings(gate: GateResult, options: ReportOptions): string[] {
  const { width, verbose } = options;
  const groups = groupFindings(gate.findings);
  const count = (level: string, undecided: boolean) => gate.findings.filter((f) => f.level === level && f.undecided === undecided).length;
  const advisory = count("advisory", false);
  const undecided = gate.findings.filter((f) => f.undecided).length;
  const lines = [
    `Policies (${path.relative(process.cwd(), gate.configFile)}; ${gate.ruleCount} rules over state.json):`,
    `    ${gate.mandatory} mandatory, ${advisory} advisory, ${undecided} undecided until pulumi up${groups.length > 0 ? `; by rule:` : ""}`,
  ];
  for (const group of groups) {
    const label = `${group.undecided ? "undecided" : group.level}${group.severity ? ` ${group.severity}` : ""}`;
    const n = group.findings.length;
    const names = [...new Set(group.findings.map((f) => f.resource?.name ?? "(the stack)"))];
    const where = names.length === n ? "" : ` on ${names.length} ${names.length === 1 ? "resource" : "resources"}`;
    lines.push(truncate(`    ${group.level === "mandatory" ? "✗" : "!"} ${group.rule}  ${label}  ${n}×${where}`, width));
    if (verbose) {
      for (const f of group.findings) {
        lines.push(...wrap(`- ${subject(f)}`, width, "        "));
        lines.push(...wrap(f.message, width, "          "));
      }
      continue;
    }
    const first = group.findings[0];
    if (!first) continue;
    lines.push(...wrap(first.message, width, "        ", 2));
    const shown = names.slice(0, 3).join(", ");
    lines.push(truncate(`        on ${shown}${names.length > 3 ? `, and ${names.length - 3} more` : ""}`, width));
  }
  return lines;
}
