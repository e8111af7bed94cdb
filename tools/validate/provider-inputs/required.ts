// Required arguments, read from the provider's own SDK: @pulumi/aws's `<Resource>Args` interfaces are generated from
// the provider schema, and a property without `?` is one the schema marks required (the provider rejects a
// resource without it at preview). Data-driven, so every AWS type the program uses is covered.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { type Finding, type PlanResource } from "../finding";

const requireHere = createRequire(__filename);
const cache = new Map<string, { file: string; required: string[] } | undefined>();

/** `aws:iam/role:Role` → the required properties of RoleArgs and the .d.ts they come from; undefined if none found. */
export function requiredInputs(type: string): { file: string; required: string[] } | undefined {
  if (cache.has(type)) return cache.get(type);
  let result: { file: string; required: string[] } | undefined;
  const match = /^aws:([a-z0-9]+)\/([A-Za-z0-9]+):([A-Za-z0-9]+)$/.exec(type);
  if (match) {
    const [, module, file, name] = match;
    const root = path.dirname(requireHere.resolve("@pulumi/aws/package.json"));
    const dts = path.join(root, module!, `${file}.d.ts`);
    try {
      const text = readFileSync(dts, "utf8");
      const start = text.indexOf(`export interface ${name}Args {`);
      if (start >= 0) {
        const body = text.slice(start, text.indexOf("\n}", start));
        const required = [...body.matchAll(/^ {4}(?:readonly )?([A-Za-z0-9_]+): /gm)].map((m) => m[1]!);
        result = { file: `@pulumi/aws@7.48.0:${module}/${file}.d.ts (${name}Args)`, required };
      }
    } catch {
      result = undefined;
    }
  }
  cache.set(type, result);
  return result;
}

export function checkRequiredInputs(resources: readonly PlanResource[]): Finding[] {
  const findings: Finding[] = [];
  for (const resource of resources) {
    const spec = requiredInputs(resource.type);
    for (const property of spec?.required ?? []) {
      const value = resource.inputs[property];
      if (value === undefined || value === null) {
        findings.push({ kind: "provider-input", resource: resource.name, type: resource.type, property, value: "(not set)", rule: `${property} is required; the provider rejects the resource without it at preview`, source: spec!.file });
      }
    }
  }
  return findings;
}
