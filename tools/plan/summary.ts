// The readable part of the plan: resources grouped by the component that owns them, then by type, with counts;
// and the stack outputs with secrets masked.
import type { CapturedResource, CapturedStack } from "./capture";
import { redact } from "./wire";

function ownerOf(resource: CapturedResource, byUrn: Map<string, CapturedResource>): CapturedResource | undefined {
  let parent = resource.parent ? byUrn.get(resource.parent) : undefined;
  while (parent && parent.custom) parent = parent.parent ? byUrn.get(parent.parent) : undefined;
  return parent;
}

export function renderSummary(captured: CapturedStack, stackFile: string): string {
  const byUrn = new Map(captured.resources.map((r) => [r.urn, r]));
  const groups = new Map<string, Map<string, number>>();
  let total = 0;
  for (const resource of captured.resources) {
    if (!resource.custom) continue;
    const owner = ownerOf(resource, byUrn);
    const label = owner && owner.type !== "pulumi:pulumi:Stack" ? `${owner.type.split(":").pop() ?? owner.type} ${owner.name}` : "(stack)";
    const types = groups.get(label) ?? new Map<string, number>();
    types.set(resource.type, (types.get(resource.type) ?? 0) + 1);
    groups.set(label, types);
    total++;
  }
  const lines = [`Offline plan of stack ${captured.stack} (${stackFile}): ${total} resources, no cloud called`, ""];
  for (const [label, types] of groups) {
    const count = [...types.values()].reduce((a, b) => a + b, 0);
    lines.push(`${label} (${count})`);
    for (const [type, n] of [...types].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${String(n).padStart(3)}  ${type}`);
  }
  lines.push("", "Outputs:");
  for (const [key, value] of Object.entries(captured.outputs)) lines.push(`  ${key}: ${JSON.stringify(redact(value))}`);
  return lines.join("\n");
}
