// Plans and small resources for the validation tests: the real prod and dev plans as the gate reads them, and
// single resources built from the text of a policy or input.
import type { PlanResource } from "../../tools/validate/finding";
import { planStack } from "../../tools/plan/plan-stack";
import { toDeployment } from "../../tools/plan/state-export";
import { resourcesOfExport } from "../../tools/policy/state";

export async function plannedResources(stack: string): Promise<PlanResource[]> {
  const { captured } = await planStack({ stack });
  return resourcesOfExport(JSON.parse(JSON.stringify(toDeployment(captured, "0.0.0"))) as unknown, `the ${stack} plan`);
}

export function resource(type: string, name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}): PlanResource {
  return { type, name, urn: `urn:pulumi:test::agent-platform::${type}::${name}`, inputs, outputs };
}

export const ACCOUNT = "123456789012";
