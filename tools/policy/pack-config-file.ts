/**
 * A `--policy-pack-config` file, read and reconciled with the pack's own metadata as the Pulumi CLI does before it
 * calls Configure (pulumi/pulumi@v3.259.0:pkg/engine/update.go:280-329, pkg/resource/analyzer/config.go):
 * - the file: policy name -> an enforcement level, or an object with `enforcementLevel` and settings (config.go:93-180);
 * - defaults: every policy's own level and its configSchema defaults (createConfigWithDefaults, config.go:275-302),
 *   then the pack's initial config, then the file; `all` sets every policy's level (applyConfig, config.go:337-372);
 * - every policy's resulting settings validated against its configSchema (JSON schema, config.go:183-228).
 * Stricter than the CLI, where it can know better: a policy name the pack does not have is an error (the CLI keeps
 * it and it silently does nothing), and every problem of the file is reported in one run, each naming the value as
 * written and what is allowed.
 */
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import type { AnalyzerInfo, Level, PolicyConfig } from "./server/types";

export class PackConfigError extends Error {}

export const LEVELS: readonly Level[] = ["advisory", "mandatory", "remediate", "disabled"];
const allowedLevels = LEVELS.join(", ");

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** Parses the document; problems are collected, not thrown (config.go:93-158 stops at the first). */
export function parsePackConfigDocument(doc: unknown, source: string, problems: string[]): Record<string, PolicyConfig> {
  const out: Record<string, PolicyConfig> = {};
  if (doc === undefined || doc === null) return out;
  if (typeof doc !== "object" || Array.isArray(doc)) {
    problems.push(`${source}: must be a JSON object of policy name -> level or settings; it is ${show(doc)}`);
    return out;
  }
  const level = (key: string, value: unknown, where: string): Level | "" => {
    if (typeof value === "string" && (LEVELS as readonly string[]).includes(value)) return value as Level;
    problems.push(`${source}: ${where} is ${show(value)}, which is not an enforcement level; allowed: ${allowedLevels}`);
    return "";
  };
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (key === "environments") {
      problems.push(`${source}: "environments" (Pulumi ESC environments) cannot be resolved offline; remove it or run the Pulumi CLI`);
      continue;
    }
    if (typeof value === "string") {
      const l = level(key, value, `"${key}"`);
      if (l) out[key] = { enforcementLevel: l };
    } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const { enforcementLevel, ...properties } = value as Record<string, unknown>;
      const l = enforcementLevel === undefined ? "" : level(key, enforcementLevel, `"${key}".enforcementLevel`);
      if (l || Object.keys(properties).length > 0) out[key] = { enforcementLevel: l, ...(Object.keys(properties).length > 0 ? { properties } : {}) };
    } else {
      problems.push(`${source}: "${key}" is ${show(value)}; allowed: an enforcement level (${allowedLevels}) or an object of enforcementLevel and settings`);
    }
  }
  return out;
}

export function readPackConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new PackConfigError(`cannot read the pack config ${file}: ${(e as Error).message}`);
  }
  if (text.trim() === "") return {}; // config.go:96-99: empty content is allowed
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new PackConfigError(`the pack config ${file} is not JSON: ${(e as Error).message}`);
  }
}

function applyConfig(result: Record<string, PolicyConfig>, given: Record<string, PolicyConfig>): void {
  const all = given["all"];
  if (all?.enforcementLevel) for (const [k, v] of Object.entries(result)) result[k] = { ...v, enforcementLevel: all.enforcementLevel };
  for (const [policy, c] of Object.entries(given)) {
    const current = result[policy];
    const properties = c.properties && Object.keys(c.properties).length > 0 ? { ...(current?.properties ?? {}), ...c.properties } : current?.properties;
    result[policy] = { enforcementLevel: c.enforcementLevel || current?.enforcementLevel || "", ...(properties ? { properties } : {}) };
  }
}

/** The closest name within 3 edits, for "did you mean". */
function nearest(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const here = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = here;
      }
    }
    return row[b.length]!;
  };
  let best: { name: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d <= 3 && (!best || d < best.d)) best = { name: c, d };
  }
  return best?.name;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
/** Compiling a schema costs about 10 ms; a pack has a hundred and the tests reconcile a config per case. */
function validatorFor(schema: object): ReturnType<typeof ajv.compile> {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) compiled.set(key, (v = ajv.compile(schema)));
  return v;
}

/** The config Configure receives, or PackConfigError listing every problem. */
export function reconcilePackConfig(info: AnalyzerInfo, doc: unknown, source: string): Record<string, PolicyConfig> {
  const problems: string[] = [];
  const fromFile = parsePackConfigDocument(doc, source, problems);
  const names = new Set(info.policies.map((p) => p.name));
  for (const key of Object.keys(fromFile)) {
    if (key === "all" || names.has(key)) continue;
    const near = nearest(key, [...names]);
    problems.push(`${source}: "${key}" is not a policy of pack ${info.name}${near ? `; did you mean "${near}"?` : ""} (its ${names.size} policies: docs/policy.md for this project's pack)`);
  }
  if (!info.supportsConfig && Object.keys(fromFile).length > 0) problems.push(`policy pack ${info.name} does not support config (update.go:300-303)`);

  const result: Record<string, PolicyConfig> = {};
  for (const p of info.policies) {
    const defaults = Object.entries(p.configSchema?.properties ?? {}).flatMap(([k, v]) => (typeof v === "object" && v !== null && "default" in v ? [[k, (v as { default: unknown }).default] as const] : []));
    result[p.name] = { enforcementLevel: p.enforcementLevel, ...(defaults.length > 0 ? { properties: Object.fromEntries(defaults) } : {}) };
  }
  applyConfig(result, info.initialConfig);
  applyConfig(result, fromFile);

  for (const p of info.policies) {
    if (!p.configSchema) continue;
    const schema = { type: "object", ...(Object.keys(p.configSchema.properties).length > 0 ? { properties: p.configSchema.properties } : {}), ...(p.configSchema.required.length > 0 ? { required: p.configSchema.required } : {}) };
    const validate = validatorFor(schema);
    const settings = result[p.name]?.properties ?? {};
    if (!validate(settings)) {
      for (const e of validate.errors ?? []) {
        const at = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
        const value = at ? at.split(".").reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), settings) : undefined;
        problems.push(`${source}: ${p.name}${at ? `.${at}` : ""}${value !== undefined ? ` is ${show(value)}:` : ":"} ${e.message ?? "invalid"}${e.params && "allowedValues" in e.params ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.map(show).join(", ")})` : ""}`);
      }
    }
  }
  if (problems.length > 0) throw new PackConfigError(problems.join("\n"));
  return result;
}
