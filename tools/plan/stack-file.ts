// Reads a Pulumi stack file (Pulumi.<stack>.yaml) the way the CLI hands it to a program: every value as a string
// (objects and lists as JSON), secure values as secrets. Their ciphertext cannot be decrypted here, so each
// becomes a deterministic fake; the plan never needs a real secret. What the CLI would refuse (a key without a
// namespace) and what only the file shows (a number YAML rewrote, an empty secure value) are collected as problems.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { isMap, isScalar, isSeq, parseDocument } from "yaml";
import { configKeys, type ConfigIssue } from "../../components/config";

export class UsageError extends Error {
  override name = "UsageError";
}

export interface StackFile {
  /** Stack name: `dev` for Pulumi.dev.yaml. */
  stack: string;
  path: string;
  config: Record<string, string>;
  secretKeys: string[];
  /** What the Pulumi CLI (or a stricter reading of it) refuses in the file, reported with the program's own checks. */
  problems: ConfigIssue[];
}

/** `dev` → ./Pulumi.dev.yaml in the project; anything with a slash or a .yaml ending is a path. */
export function resolveStackFile(stackOrPath: string, projectDir: string): string {
  const isPath = stackOrPath.includes("/") || /\.ya?ml$/.test(stackOrPath);
  return isPath ? path.resolve(stackOrPath) : path.join(projectDir, `Pulumi.${stackOrPath}.yaml`);
}

export function readStackFile(file: string, project: string): StackFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read stack file ${file}: ${(error as Error).message}`);
  }
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new UsageError(`${file} is not valid YAML: ${document.errors[0]?.message ?? ""}`);
  const root: unknown = document.contents;
  if (root !== null && !isMap(root)) throw new UsageError(`${file}: expected a mapping with a config: section`);
  const section: unknown = root === null ? undefined : root.get("config", true);
  if (section !== undefined && section !== null && !isMap(section)) throw new UsageError(`${file}: config: must be a mapping of keys to values`);

  const keys = new Map(configKeys().map((k) => [k.key, k]));
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const problems: ConfigIssue[] = [];
  for (const pair of isMap(section) ? section.items : []) {
    const rawKey = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const node = pair.value;
    // The CLI reads every stack key as <namespace>:<name> and refuses one without a namespace
    // (pulumi/pulumi@v3.248.0:sdk/go/common/resource/config/key.go:47-69); only Pulumi.yaml may leave it out.
    if (!rawKey.includes(":")) {
      const ours = keys.has(rawKey) ? `${project}:${rawKey}` : undefined;
      problems.push({ key: rawKey, value: undefined, message: `has no namespace, so the Pulumi CLI rejects the file ("configuration keys should be of the form <namespace>:<name>")${ours ? `; did you mean ${ours}?` : `; write it as ${project}:${rawKey} or <provider>:${rawKey}`}` });
      continue;
    }
    const key = rawKey;
    const name = key.startsWith(`${project}:`) ? key.slice(project.length + 1) : undefined;
    const declared = name === undefined ? undefined : keys.get(name);
    const value: unknown = node === null || node === undefined ? null : isScalar(node) || isMap(node) || isSeq(node) ? node.toJSON() : node;
    if (isSecure(value)) {
      if (value.secure.trim() === "") {
        problems.push({ key, value: "secure: \"\"", message: `holds no ciphertext; set the value with: pulumi config set --secret ${name ?? key} <value>` });
        continue;
      }
      config[key] = `offline-plan-fake-secret-for-${key.replace(/[^A-Za-z0-9]/g, "-")}`;
      secretKeys.push(key);
      continue;
    }
    if (isScalar(node) && typeof node.value === "number") {
      const written = node.source ?? String(node.value);
      const passed = pulumiNumberText(written, node.value);
      // YAML reads 1.30 as the number 1.3, and the CLI hands the program "1.3": a version or a quantity written
      // unquoted is not what the user typed (pulumi/pulumi@v3.248.0:sdk/go/common/resource/config/object.go:404-409).
      if (declared?.type === "string" && passed !== written) {
        problems.push({ key, value: written, message: `is read by YAML as the number ${passed}, so the program would get "${passed}", not "${written}"; quote it: ${rawKey}: "${written}"` });
        continue;
      }
      config[key] = passed;
      continue;
    }
    // A key Pulumi.yaml declares `type: array` must be a YAML list: the CLI rejects a string there
    // (pulumi/pulumi@v3.248.0:sdk/go/common/workspace/config.go:123-157). The plan holds every list key to that.
    if (declared?.type === "array" && typeof value === "string") {
      problems.push({ key, value: JSON.stringify(value), message: `must be a YAML list (the Pulumi CLI rejects a string for a type: array key); write it as ${rawKey}:, then one "- <value>" line per item` });
      continue;
    }
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const base = path.basename(file).replace(/\.ya?ml$/, "");
  return { stack: base.startsWith("Pulumi.") ? base.slice("Pulumi.".length) : base, path: file, config, secretKeys, problems };
}

/**
 * The text the CLI hands the program for a YAML number: integers exactly as written (it keeps int64 and uint64,
 * object.go:472-477), anything else as Go's JSON rendering of a float64, which for these values matches JavaScript's.
 */
function pulumiNumberText(written: string, value: number): string {
  if (/^[-+]?\d+$/.test(written)) {
    const digits = written.replace(/^\+/, "");
    const big = BigInt(digits);
    if (big >= -(2n ** 63n) && big < 2n ** 64n) return big.toString();
  }
  return JSON.stringify(value);
}

function isSecure(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && typeof (value as { secure?: unknown }).secure === "string";
}
