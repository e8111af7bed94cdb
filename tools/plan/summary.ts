// The plan's preview, shaped like `pulumi preview` on a new stack: every resource in a tree by parent with a `+`
// mark, its type and name; the stack outputs with secrets masked; and "Resources: + N to create". Like the engine,
// it leaves out default providers: they are internal steps, neither shown nor counted
// (pulumi/pulumi@v3.248.0: pkg/engine/update.go:1239-1241 isInternalStep, pkg/engine/deployment.go:486-487;
// the summary line: pkg/backend/display/diff.go:260-299).
import type { CapturedResource, CapturedStack } from "./capture";
import { terminalWidth, truncate, wrap } from "./text";
import { redact, REDACTED, type Json } from "./wire";

/** A provider the engine registers itself (`pulumi:providers:<pkg>::default…`), not the program. */
export function isDefaultProvider(resource: { type: string; urn: string }): boolean {
  return resource.type.startsWith("pulumi:providers:") && /::default(?:_[\w]+)?$/.test(resource.urn);
}

/** What `pulumi preview` would count as "to create": every resource but the default providers. */
export function createdResources(captured: CapturedStack): CapturedResource[] {
  return captured.resources.filter((r) => !isDefaultProvider(r));
}

interface Row { mark: string; prefix: string; type: string; name: string }

function treeRows(resources: CapturedResource[]): Row[] {
  const children = new Map<string, CapturedResource[]>();
  const known = new Set(resources.map((r) => r.urn));
  const roots: CapturedResource[] = [];
  for (const resource of resources) {
    if (resource.parent && known.has(resource.parent) && resource.parent !== resource.urn) {
      const list = children.get(resource.parent) ?? [];
      list.push(resource);
      children.set(resource.parent, list);
    } else {
      roots.push(resource);
    }
  }
  const rows: Row[] = [];
  const visit = (resource: CapturedResource, lead: string, branch: string): void => {
    rows.push({ mark: "+", prefix: `${lead}${branch}`, type: resource.type, name: resource.name });
    const kids = children.get(resource.urn) ?? [];
    const nextLead = branch === "" ? lead : `${lead}${branch === "└─ " ? "   " : "│  "}`;
    kids.forEach((kid, i) => visit(kid, nextLead, i === kids.length - 1 ? "└─ " : "├─ "));
  };
  for (const root of roots) visit(root, "", "");
  return rows;
}

function renderTree(rows: Row[], width: number): string[] {
  const plan = "create";
  // " +   " mark column, then type, name and plan columns two spaces apart, as `pulumi preview` lays them out.
  const room = width - 5 - 2 - 2 - plan.length;
  const longestType = Math.max(4, ...rows.map((r) => r.prefix.length + r.type.length));
  const longestName = Math.max(4, ...rows.map((r) => r.name.length));
  let typeWidth = Math.min(longestType, Math.ceil(room * 0.6));
  const nameWidth = Math.min(longestName, room - typeWidth);
  typeWidth = Math.min(longestType, room - nameWidth);
  const header = `     ${"Type".padEnd(typeWidth)}  ${"Name".padEnd(nameWidth)}  Plan`;
  return [header, ...rows.map((r) =>
    ` ${r.mark}   ${truncate(`${r.prefix}${r.type}`, typeWidth).padEnd(typeWidth)}  ${truncate(r.name, nameWidth).padEnd(nameWidth)}  ${plan}`)];
}

/** A stack output as `pulumi preview` prints it: secrets as [secret], objects over indented lines. */
function renderValue(value: Json, indent: string): string {
  if (value === REDACTED) return REDACTED;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v, i) => `${indent}    [${i}]: ${renderValue(v, `${indent}    `)}`).join("\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, v]) => `${indent}    ${k}: ${renderValue(v, `${indent}    `)}`).join("\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

export function renderSummary(captured: CapturedStack, stackFile: string, width = terminalWidth()): string {
  const resources = createdResources(captured);
  const lines = [
    ...wrap(`Offline plan of stack ${captured.stack} (${stackFile}): the program ran under the SDK's mocks, no cloud was called`, width, ""),
    "",
    ...renderTree(treeRows(resources), width),
    "",
    "Outputs:",
  ];
  for (const [key, value] of Object.entries(captured.outputs)) {
    const rendered = renderValue(redact(value), "    ").split("\n");
    lines.push(...rendered.map((line, i) => truncate(i === 0 ? `    ${key}: ${line}` : line, width)));
  }
  lines.push("", "Resources:", `    + ${resources.length} to create`);
  return lines.join("\n");
}
