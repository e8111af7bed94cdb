// Reads the stack configuration, coerces Pulumi's string values to the declared types, and validates them
// against the schema. Every problem is collected, so the user fixes them all in one round.
import * as pulumi from "@pulumi/pulumi";
import { configKeys, type ConfigKey } from "./keys";
import { ConfigError, type ConfigIssue } from "./errors";
import { platformConfigSchema, type PlatformConfig, type PlatformConfigInput } from "./schema";

/** Whether a fully qualified config key was set with `--secret`; undefined when the runtime cannot tell. */
export type SecretKeyProbe = (fullKey: string) => boolean | undefined;

// The language host passes the secret keys to the program; the SDK reads them with an @internal helper.
const runtimeWithSecrets = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
const sdkSecretProbe: SecretKeyProbe = (key) => runtimeWithSecrets.isConfigSecret?.(key);

/** Load and validate this stack's configuration. Throws ConfigError naming every bad key. */
export function loadPlatformConfig(): PlatformConfig {
  return parseStackConfig(pulumi.runtime.allConfig(), pulumi.getProject(), sdkSecretProbe);
}

/** Validate a configuration given in code (all keys optional, same defaults and rules as a stack file). */
export function parsePlatformConfig(input: PlatformConfigInput, namespace = "agent-platform"): PlatformConfig {
  const result = platformConfigSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => toConfigIssue(namespace, issue.path, issue.message, issue.input)));
}

/**
 * Validate raw stack values: `values` maps `namespace:key` to the string Pulumi holds. Keys of other namespaces
 * (aws:region, kubernetes:…) are ignored; unknown keys of ours are errors, so a typo never falls back to a default.
 */
export function parseStackConfig(values: Record<string, string>, namespace: string, isSecret: SecretKeyProbe): PlatformConfig {
  const keys = new Map(configKeys().map((k) => [k.key, k]));
  const issues: ConfigIssue[] = [];
  const nested: Record<string, unknown> = {};
  // A value is masked in messages when the schema says it is a secret or the user set it with --secret.
  const masked = new Set<string>();

  for (const [fullKey, rawValue] of Object.entries(values)) {
    const separator = fullKey.indexOf(":");
    if (fullKey.slice(0, separator) !== namespace) continue;
    const name = fullKey.slice(separator + 1);
    const declared = keys.get(name);
    if (!declared) {
      // The value of an unknown key is never echoed: it may be a secret under a mistyped name.
      const hint = closestKey(name, [...keys.keys()]);
      issues.push({ key: fullKey, value: undefined, message: `unknown key${hint ? `; did you mean ${namespace}:${hint}?` : ""} (see docs/configuration.md)` });
      continue;
    }
    if (declared.secret || isSecret(fullKey) === true) masked.add(name);
    if (declared.secret && isSecret(fullKey) === false) {
      issues.push({ key: fullKey, value: "[secret]", message: `is a secret but was set in plain text; run: pulumi config set --secret ${name} <value>` });
      continue;
    }
    const coerced = coerce(declared, rawValue);
    if ("error" in coerced) {
      issues.push({ key: fullKey, value: masked.has(name) ? "[secret]" : JSON.stringify(rawValue), message: coerced.error });
      continue;
    }
    setPath(nested, name.split("."), coerced.value);
  }

  const result = platformConfigSchema.safeParse(nested, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) issues.push(toConfigIssue(namespace, issue.path, issue.message, issue.input, masked));
  }
  if (issues.length > 0 || !result.success) throw new ConfigError(issues);
  return result.data;
}

function coerce(key: ConfigKey, raw: string): { value: unknown } | { error: string } {
  switch (key.type) {
    case "integer":
      return /^-?\d+$/.test(raw.trim()) ? { value: Number(raw) } : { error: "expected a whole number" };
    case "boolean":
      return raw === "true" || raw === "false" ? { value: raw === "true" } : { error: "expected true or false" };
    case "array": {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (Array.isArray(parsed)) return { value: parsed };
      } catch {
        // fall through to the message below
      }
      // Keys are flat dotted names (decision 0001): `--path` would split them into a nested map, so a list is set as
      // its JSON text, which this loader parses.
      return { error: `expected a list as JSON, such as: pulumi config set ${key.key} '["<value>"]'` };
    }
    case "string":
      return { value: raw };
  }
}

function toConfigIssue(namespace: string, path: PropertyKey[], message: string, input: unknown, masked: Set<string> = new Set()): ConfigIssue {
  const name = path.map(String).join(".");
  const declared = configKeys().find((k) => k.key === name || name.startsWith(`${k.key}.`));
  const secret = declared !== undefined && (declared.secret || masked.has(declared.key));
  const value = input === undefined ? undefined : secret ? "[secret]" : JSON.stringify(input);
  return { key: `${namespace}:${declared?.key ?? name}`, value, message };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1] ?? ""] = value;
}

/** The declared key nearest to a typo (edit distance at most 3), if any. */
function closestKey(name: string, candidates: string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= 3 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
