// Reading the dependency graph of a captured plan the way the engine orders (and, reversed, destroys) resources.
import type { CapturedResource } from "../../tools/plan/capture";
import type { ProgramRun } from "./harness";

/** URNs a resource waits for, directly or through others: its dependencies, their dependencies, and so on. */
export function dependencyClosure(run: ProgramRun, resource: CapturedResource): Set<string> {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const seen = new Set<string>();
  const stack = [...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()];
  while (stack.length > 0) {
    const urn = stack.pop() as string;
    if (seen.has(urn)) continue;
    seen.add(urn);
    const next = byUrn.get(urn);
    if (next) stack.push(...next.dependencies, ...Object.values(next.propertyDependencies).flat());
  }
  return seen;
}

/** Whether `resource` is created after (and destroyed before) `other`. */
export function waitsFor(run: ProgramRun, resource: CapturedResource, other: CapturedResource): boolean {
  return dependencyClosure(run, resource).has(other.urn);
}

/** Parsed JSON of a policy-document input (a string in the state). */
export function policyDocument(value: unknown): { Statement: PolicyStatement[] } {
  const doc = (typeof value === "string" ? JSON.parse(value) : value) as { Statement: PolicyStatement | PolicyStatement[] };
  return { Statement: Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement] };
}

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
