/**
 * Reads a `pulumi stack export` file (deployment version 3, as the CLI writes it; our offline plan writes the same)
 * into the resources the CLI's `policy analyze --file` hands the packs (pulumi/pulumi@v3.259.0:
 * pkg/cmd/pulumi/policy/policy_analyze.go:132-185): secrets unwrapped; a ciphertext that cannot be decrypted
 * offline redacted to the string "[secret]", as the CLI's blinding provider does (policy_analyze.go:146-158);
 * pending deletions dropped; names taken from the URN; a malformed URN or a URN held twice rejected. Errors name
 * the resource and the property, never a secret's value.
 */
import { readFileSync } from "node:fs";
import { isRecord } from "../../policy/lib/values";
import type { AnalyzedResource } from "./model";

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** What the CLI substitutes for a secret it cannot decrypt (policy_analyze.go:79-80). */
export const REDACTED_SECRET = "[secret]";

export class StateFileError extends Error {}

function decode(value: unknown, where: () => string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => decode(v, () => `${where()}[${i}]`));
  if (typeof value !== "object" || value === null) return value;
  const obj = value as Record<string, unknown>;
  if (obj[SIG_KEY] === SECRET_SIG) {
    if (typeof obj["plaintext"] === "string") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(obj["plaintext"]);
      } catch {
        // Never the text itself: it is the secret.
        throw new StateFileError(`${where()}: the secret's plaintext is not JSON (its value is not shown)`);
      }
      return decode(parsed, where);
    }
    return REDACTED_SECRET;
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, decode(v, () => `${where()}.${k}`)]));
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
  const seen = new Map<string, number>();
  list.forEach((raw, i) => {
    if (!isRecord(raw) || typeof raw["urn"] !== "string" || typeof raw["type"] !== "string") {
      throw new StateFileError(`${source}: deployment.resources[${i}] has no urn or type`);
    }
    const urn = raw["urn"];
    // policy_analyze.go:161-167: a URN must be urn:pulumi:STACK::PROJECT::TYPE::NAME.
    if (!urn.startsWith("urn:pulumi:") || urn.split("::").length < 4) {
      throw new StateFileError(`${source}: deployment.resources[${i}] has an invalid URN ${JSON.stringify(urn)}`);
    }
    if (raw["delete"] === true) return; // replaced resource waiting for deletion: not part of the stack's intent
    const first = seen.get(urn);
    if (first !== undefined) throw new StateFileError(`${source}: deployment.resources[${first}] and [${i}] have the same URN ${urn}; a stack holds each URN once`);
    seen.set(urn, i);
    const inputs = decode(raw["inputs"] ?? {}, () => `${source}: ${urn} inputs`);
    const outputs = decode(raw["outputs"] ?? {}, () => `${source}: ${urn} outputs`);
    const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
    const propertyDependencies: Record<string, string[]> = {};
    if (isRecord(raw["propertyDependencies"])) {
      for (const [k, v] of Object.entries(raw["propertyDependencies"])) propertyDependencies[k] = strings(v);
    }
    out.push({
      type: raw["type"],
      urn,
      name: urnName(urn),
      inputs: isRecord(inputs) ? inputs : {},
      outputs: isRecord(outputs) && Object.keys(outputs).length > 0 ? outputs : isRecord(inputs) ? inputs : {},
      ...(typeof raw["parent"] === "string" ? { parent: raw["parent"] } : {}),
      dependencies: strings(raw["dependencies"]),
      propertyDependencies,
      protect: raw["protect"] === true,
      ignoreChanges: strings(raw["ignoreChanges"]),
      additionalSecretOutputs: strings(raw["additionalSecretOutputs"]),
      aliases: strings(raw["aliases"]),
      ...(isRecord(raw["customTimeouts"]) ? { customTimeouts: raw["customTimeouts"] as AnalyzedResource["customTimeouts"] } : {}),
      ...(typeof raw["provider"] === "string" && raw["provider"] !== "" ? { provider: raw["provider"] } : {}),
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
