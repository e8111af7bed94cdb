// Applies the provider's input constraints to every resource of the plan.
import { type Finding, type PlanResource, shown } from "../finding";
import { CONFLICTS, CONSTRAINTS, type Constraint } from "./constraints";

/** Values at a path: `ingress[].description` → every ingress element's description, with its concrete path. */
export function valuesAt(value: unknown, path: string): Array<{ path: string; value: unknown }> {
  const [head, ...rest] = path.split(".");
  if (head === undefined || head === "") return [{ path: "", value }];
  const list = head.endsWith("[]");
  const key = list ? head.slice(0, -2) : head;
  const next = (value as Record<string, unknown> | null | undefined)?.[key];
  if (next === undefined || next === null) return [];
  const join = (prefix: string, inner: string) => (inner ? `${prefix}.${inner}` : prefix);
  if (list) {
    if (!Array.isArray(next)) return [];
    return next.flatMap((item, i) => valuesAt(item, rest.join(".")).map((v) => ({ path: join(`${key}[${i}]`, v.path), value: v.value })));
  }
  return valuesAt(next, rest.join(".")).map((v) => ({ path: join(key, v.path), value: v.value }));
}

const byType = new Map<string, Constraint[]>();
for (const constraint of CONSTRAINTS) byType.set(constraint.type, [...(byType.get(constraint.type) ?? []), constraint]);

/** The AWS resource types the table covers (a test holds it to every type the prod plan uses). */
export function coveredTypes(): Set<string> {
  return new Set([...CONSTRAINTS.map((c) => c.type), ...CONFLICTS.map((c) => c.type)]);
}

export function checkProviderInputs(resources: readonly PlanResource[]): Finding[] {
  const findings: Finding[] = [];
  for (const resource of resources) {
    for (const constraint of byType.get(resource.type) ?? []) {
      for (const { path, value } of valuesAt(resource.inputs, constraint.property)) {
        const problem = constraint.check(value);
        if (problem) {
          const when = constraint.enforcedBy === "provider" ? "the provider rejects it at preview" : "AWS rejects it at up";
          findings.push({ kind: "provider-input", resource: resource.name, type: resource.type, property: path, value: shown(value), rule: `${problem}; ${when}`, source: constraint.source });
        }
      }
    }
    for (const conflict of CONFLICTS) {
      if (conflict.type !== resource.type) continue;
      const [a, b] = conflict.properties;
      if (resource.inputs[a] !== undefined && resource.inputs[b] !== undefined) {
        findings.push({ kind: "provider-input", resource: resource.name, type: resource.type, property: `${a}, ${b}`, value: `${shown(resource.inputs[a])}, ${shown(resource.inputs[b])}`, rule: `${a} conflicts with ${b}: set one; the provider rejects both at preview`, source: conflict.source });
      }
    }
  }
  return findings;
}
