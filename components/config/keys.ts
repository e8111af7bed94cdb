// The flat list of Pulumi config keys (`database.mode`, …) derived from the nested schema. Pulumi.yaml can only
// declare string, integer, boolean and array keys, so nested sections become dotted key names.
import { z } from "zod";
import { rawConfigSchema } from "./schema";

export type PulumiConfigType = "string" | "integer" | "boolean" | "array";

export interface ConfigKey {
  /** Dotted key without the project namespace, e.g. `database.mode`. */
  key: string;
  type: PulumiConfigType;
  /** Item type, for arrays. */
  items?: PulumiConfigType;
  description: string;
  /** The schema default, when it does not depend on the environment. */
  default?: unknown;
  /** Allowed values, for enums. */
  enum?: string[];
  /** Must be set with `pulumi config set --secret`. */
  secret: boolean;
  /** Bounds, for integers. */
  minimum?: number;
  maximum?: number;
}

interface JsonSchemaNode {
  type?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  description?: string;
  default?: unknown;
  enum?: string[];
  secret?: boolean;
  minimum?: number;
  maximum?: number;
}

function walk(node: JsonSchemaNode, prefix: string[], out: ConfigKey[]): void {
  if (node.type === "object" && node.properties) {
    for (const [name, child] of Object.entries(node.properties)) walk(child, [...prefix, name], out);
    return;
  }
  const key = prefix.join(".");
  const type = node.type;
  if (type !== "string" && type !== "integer" && type !== "boolean" && type !== "array") {
    throw new Error(`config key ${key}: schema type ${String(type)} cannot be declared in Pulumi.yaml`);
  }
  const entry: ConfigKey = { key, type, description: node.description ?? "", secret: node.secret === true };
  if (type === "array") entry.items = (node.items?.type ?? "string") as PulumiConfigType;
  if (node.default !== undefined) entry.default = node.default;
  if (node.enum) entry.enum = node.enum;
  if (node.minimum !== undefined) entry.minimum = node.minimum;
  if (node.maximum !== undefined) entry.maximum = node.maximum;
  out.push(entry);
}

let cached: ConfigKey[] | undefined;

/** Every config key the program reads, in schema order. */
export function configKeys(): ConfigKey[] {
  if (!cached) {
    const json = z.toJSONSchema(rawConfigSchema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
    cached = [];
    walk(json, [], cached);
  }
  return cached;
}
