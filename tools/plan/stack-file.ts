// Reads a Pulumi stack file (Pulumi.<stack>.yaml) the way the CLI hands it to a program: every value as a string
// (objects and lists as JSON), secure values as secrets. Their ciphertext cannot be decrypted here, so each
// becomes a deterministic fake; the plan never needs a real secret.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export class UsageError extends Error {
  override name = "UsageError";
}

export interface StackFile {
  /** Stack name: `dev` for Pulumi.dev.yaml. */
  stack: string;
  path: string;
  config: Record<string, string>;
  secretKeys: string[];
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
  let document: unknown;
  try {
    document = parse(text) ?? {};
  } catch (error) {
    throw new UsageError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new UsageError(`${file}: expected a mapping with a config: section`);
  }
  const section = (document as { config?: unknown }).config ?? {};
  if (typeof section !== "object" || section === null || Array.isArray(section)) {
    throw new UsageError(`${file}: config: must be a mapping of keys to values`);
  }

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(section as Record<string, unknown>)) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    if (isSecure(value)) {
      config[key] = `offline-plan-fake-secret-for-${key.replace(/[^A-Za-z0-9]/g, "-")}`;
      secretKeys.push(key);
    } else if (typeof value === "string") {
      config[key] = value;
    } else {
      config[key] = JSON.stringify(value);
    }
  }
  const base = path.basename(file).replace(/\.ya?ml$/, "");
  return { stack: base.startsWith("Pulumi.") ? base.slice("Pulumi.".length) : base, path: file, config, secretKeys };
}

function isSecure(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && typeof (value as { secure?: unknown }).secure === "string";
}
