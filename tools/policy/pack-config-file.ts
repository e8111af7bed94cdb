/**
 * Validates a pack config file (`--policy-pack-config` format: rule id -> enforcement level or settings) before any
 * rule runs, as the Pulumi CLI does with each policy's JSON-schema `configSchema`: an unknown rule id, a bad level, a
 * setting of the wrong type or an exclusion without a real reason stops the run, named.
 */
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import { z } from "zod";
import type { Rule } from "../../policy/lib/rule";
import { configSchemaFor, MIN_REASON_LENGTH } from "../../policy/lib/settings";
import type { PackConfig } from "./evaluate";

export class PackConfigError extends Error {}

const level = z.enum(["advisory", "mandatory", "remediate", "disabled"]);
const exclusion = z.object({ resource: z.string().min(1), reason: z.string().trim().min(MIN_REASON_LENGTH, `a reason of at least ${MIN_REASON_LENGTH} characters`) }).strict();
const entry = z.union([level, z.looseObject({ enforcementLevel: level.optional(), exclude: z.array(exclusion).optional() })]);

const ajv = new Ajv({ allErrors: false, strict: false });
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

/** The rule's settings against its configSchema (the same JSON schema the policy hands the engine). */
function checkSettings(rule: Rule, value: Record<string, unknown>, source: string): void {
  let validate = validators.get(rule.id);
  if (!validate) {
    const { properties } = configSchemaFor(rule);
    validate = ajv.compile({ type: "object", properties: { enforcementLevel: { type: "string" }, ...properties } });
    validators.set(rule.id, validate);
  }
  if (!validate(value)) {
    const e = validate.errors?.[0];
    throw new PackConfigError(`${source}: ${rule.id}${e?.instancePath.replace(/\//g, ".") ?? ""}: ${e?.message ?? "invalid"} (the rule's settings: docs/policy.md)`);
  }
}

export function parsePackConfig(doc: unknown, rules: readonly Rule[], source: string): PackConfig {
  const parsed = z.record(z.string(), entry).safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PackConfigError(`${source}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  const known = new Map(rules.map((r) => [r.id, r]));
  const out: PackConfig = {};
  for (const [id, value] of Object.entries(parsed.data)) {
    const rule = known.get(id);
    if (id !== "all" && !rule) throw new PackConfigError(`${source}: "${id}" is not a rule of the pack (see docs/policy.md)`);
    if (rule && typeof value !== "string") checkSettings(rule, value, source);
    out[id] = typeof value === "string" ? { enforcementLevel: value } : value;
  }
  // "all" sets every policy's level, as the CLI's pack config does.
  const all = out["all"];
  if (all) {
    delete out["all"];
    for (const r of rules) out[r.id] = { ...(all.enforcementLevel ? { enforcementLevel: all.enforcementLevel } : {}), ...(out[r.id] ?? {}) };
  }
  return out;
}

export function readPackConfig(file: string, rules: readonly Rule[]): PackConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new PackConfigError(`cannot read the pack config ${file}: ${(e as Error).message}`);
  }
  return parsePackConfig(doc, rules, file);
}
