// Finds the plan's fake secret values, so tests can prove none of them reaches a manifest, a state file or the
// terminal.
import type { CapturedStack } from "../../tools/plan/capture";
import { isSecretValue } from "../../tools/plan/wire";

function leaves(value: unknown, out: unknown[]): void {
  if (Array.isArray(value)) for (const item of value) leaves(item, out);
  else if (typeof value === "object" && value !== null) for (const item of Object.values(value)) leaves(item, out);
  else out.push(value);
}

/** Every scalar found inside a secret wrapper anywhere in a wire value. */
export function secretLeaves(value: unknown, out: unknown[] = []): unknown[] {
  if (isSecretValue(value)) leaves(value.value, out);
  else if (Array.isArray(value)) for (const item of value) secretLeaves(item, out);
  else if (typeof value === "object" && value !== null) for (const item of Object.values(value)) secretLeaves(item, out);
  return out;
}

/** The distinct string values the plan holds as secrets: in any resource's inputs or outputs and in the stack outputs. */
export function secretStrings(captured: CapturedStack): string[] {
  const found: unknown[] = [];
  for (const resource of captured.resources) {
    secretLeaves(resource.inputs, found);
    secretLeaves(resource.outputs, found);
  }
  secretLeaves(captured.outputs, found);
  return [...new Set(found.filter((value): value is string => typeof value === "string"))];
}
