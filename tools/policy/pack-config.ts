/**
 * Builds the per-environment pack config files (policy/config/dev.json, prod.json) from the rules' own metadata and
 * the reviewed exclusions in policy/exclusions.json. A policy's built-in level is its prod level; the dev file lowers
 * the stack-sensitive ones (Multi-AZ, deletion protection, replicas). `pulumi preview --policy-pack policy
 * --policy-pack-config policy/config/<env>.json` and the offline runner read the same files.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Environment, Rule } from "../../policy/lib/rule";
import type { PackConfig } from "./model";

/** The repository's policy/ folder, found upwards from this file (it runs from tools/ under tsx and from dist/). */
export function policyDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "policy", "PulumiPolicy.yaml"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("policy/PulumiPolicy.yaml not found above " + __dirname);
    dir = up;
  }
  return join(dir, "policy");
}

/** The reviewed exclusions (rule id -> { exclude: [...] }). */
export function readExclusions(): PackConfig {
  return JSON.parse(readFileSync(join(policyDir(), "exclusions.json"), "utf8")) as PackConfig;
}

export function packConfigFor(env: Environment, rules: readonly Rule[], exclusions: PackConfig): PackConfig {
  const out: PackConfig = {};
  for (const rule of rules) {
    const entry: PackConfig[string] = {};
    if (rule.enforcement[env] !== rule.enforcement.prod) entry.enforcementLevel = rule.enforcement[env];
    Object.assign(entry, exclusions[rule.id] ?? {});
    if (Object.keys(entry).length > 0) out[rule.id] = entry;
  }
  for (const id of Object.keys(exclusions)) {
    if (!rules.some((r) => r.id === id)) throw new Error(`policy/exclusions.json names ${id}, which is not a rule of the pack`);
  }
  return out;
}

export function renderPackConfig(config: PackConfig): string {
  return JSON.stringify(config, null, 2) + "\n";
}
