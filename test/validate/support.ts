// Plans and small resources for the validation tests: the real prod and dev plans as the gate reads them, and
// single resources built from the text of a policy or input.
import type { PlanResource } from "../../tools/validate/finding";
import { planStack } from "../../tools/plan/plan-stack";
import { toDeployment } from "../../tools/plan/state-export";
import { resourcesOfExport } from "../../tools/policy/state";

export interface PlannedStack {
  resources: PlanResource[];
  /** Provider-assigned ids by resource name (what the export keeps beside inputs and outputs). */
  ids: Map<string, string>;
}

export async function plannedStack(stack: string): Promise<PlannedStack> {
  const { captured } = await planStack({ stack });
  const resources = resourcesOfExport(JSON.parse(JSON.stringify(toDeployment(captured, "0.0.0"))) as unknown, `the ${stack} plan`);
  return { resources, ids: new Map(captured.resources.filter((r) => r.id !== undefined).map((r) => [r.urn, r.id!])) };
}

export function resource(type: string, name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}): PlanResource {
  return { type, name, urn: `urn:pulumi:test::agent-platform::${type}::${name}`, inputs, outputs };
}

export const ACCOUNT = "123456789012";
