/**
 * Reads a `pulumi stack export` file (deployment version 3, as the CLI writes it; our offline plan writes the same)
 * into the resources the engine would hand the policies: secrets unwrapped; a ciphertext we cannot decrypt (an export
 * without --show-secrets) becomes the engine's unknown-string sentinel, so a rule that reads it says it could not
 * decide instead of judging a placeholder, while presence checks still see a value; pending deletions dropped; names
 * taken from the URN.
 */
import { readFileSync } from "node:fs";
import { isRecord, UNKNOWN } from "../../policy/lib/values";
import type { AnalyzedResource } from "./evaluate";

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export class StateFileError extends Error {}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (typeof value !== "object" || value === null) return value;
  const obj = value as Record<string, unknown>;
  if (obj[SIG_KEY] === SECRET_SIG) {
    if (typeof obj["plaintext"] === "string") {
      try {
        return decode(JSON.parse(obj["plaintext"]));
      } catch {
        throw new StateFileError(`a secret's plaintext is not JSON: ${obj["plaintext"].slice(0, 40)}`);
      }
    }
    return UNKNOWN.string;
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, decode(v)]));
}

function urnName(urn: string): string {
  const at = urn.lastIndexOf("::");
  return at >= 0 ? urn.slice(at + 2) : urn;
}

/** Resources of a parsed export; throws StateFileError naming what is wrong. */
export function resourcesOfExport(doc: unknown, source = "the state file"): AnalyzedResource[] {
  if (!isRecord(doc)) throw new StateFileError(`${source} is not a JSON object`);
  const deployment = doc["deployment"];
  if (doc["version"] !== 3 || !isRecord(deployment)) {
    throw new StateFileError(`${source} is not a \`pulumi stack export\` file of deployment version 3 (version: ${JSON.stringify(doc["version"])})`);
  }
  const list = deployment["resources"] ?? [];
  if (!Array.isArray(list)) throw new StateFileError(`${source}: deployment.resources is not an array`);
  const out: AnalyzedResource[] = [];
  list.forEach((raw, i) => {
    if (!isRecord(raw) || typeof raw["urn"] !== "string" || typeof raw["type"] !== "string") {
      throw new StateFileError(`${source}: deployment.resources[${i}] has no urn or type`);
    }
    if (raw["delete"] === true) return; // replaced resource waiting for deletion: not part of the stack's intent
    const inputs = decode(raw["inputs"] ?? {});
    const outputs = decode(raw["outputs"] ?? {});
    const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
    const propertyDependencies: Record<string, string[]> = {};
    if (isRecord(raw["propertyDependencies"])) {
      for (const [k, v] of Object.entries(raw["propertyDependencies"])) propertyDependencies[k] = strings(v);
    }
    out.push({
      type: raw["type"],
      urn: raw["urn"],
      name: urnName(raw["urn"]),
      inputs: isRecord(inputs) ? inputs : {},
      outputs: isRecord(outputs) && Object.keys(outputs).length > 0 ? outputs : isRecord(inputs) ? inputs : {},
      ...(typeof raw["parent"] === "string" ? { parent: raw["parent"] } : {}),
      dependencies: strings(raw["dependencies"]),
      propertyDependencies,
      protect: raw["protect"] === true,
    });
  });
  return out;
}

export function readStateFile(file: string): AnalyzedResource[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new StateFileError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new StateFileError(`${file} is not JSON: ${(e as Error).message}`);
  }
  return resourcesOfExport(doc, file);
}
