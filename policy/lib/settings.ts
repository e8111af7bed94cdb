/**
 * Pack config shared by every rule: `exclude` (by resource name or URN, glob `*`, always with a written reason) and
 * the per-environment enforcement files in policy/config/. The engine passes each policy its own config object.
 */
import type { Props, Rule } from "./rule";
import { isRecord, records, str } from "./values";

export interface Exclusion {
  /** Resource name or URN; `*` matches any run of characters. */
  resource: string;
  /** Why the exception is acceptable; at least 20 characters, so it is a sentence and not "n/a". */
  reason: string;
}

export const MIN_REASON_LENGTH = 20;

/** JSON schema for the policy's `configSchema` (the engine validates pack config against it). */
export function configSchemaFor(rule: Rule): { properties: Record<string, object> } {
  return {
    properties: {
      exclude: {
        type: "array",
        description: "Resources this rule does not apply to, each with the reason.",
        items: {
          type: "object",
          properties: {
            resource: { type: "string", minLength: 1 },
            reason: { type: "string", minLength: MIN_REASON_LENGTH },
          },
          required: ["resource", "reason"],
          additionalProperties: false,
        },
      },
      ...(rule.configSchema ?? {}),
    },
  };
}

/** The rule's config with defaults from its schema applied. */
export function ruleConfig(rule: Rule, raw: unknown): Props {
  const cfg: Props = {};
  for (const [key, schema] of Object.entries(rule.configSchema ?? {})) {
    if (schema.default !== undefined) cfg[key] = schema.default;
  }
  if (isRecord(raw)) {
    for (const [key, value] of Object.entries(raw)) if (key !== "enforcementLevel") cfg[key] = value;
  }
  return cfg;
}

export function exclusions(cfg: Props): Exclusion[] {
  return records(cfg["exclude"]).map((e) => ({ resource: str(e["resource"]) ?? "", reason: str(e["reason"]) ?? "" }));
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}

/** The exclusion that covers this resource, if any; one without a real reason never matches. */
export function matchExclusion(cfg: Props, urn: string, name: string): Exclusion | undefined {
  return exclusions(cfg).find((e) => {
    if (e.reason.trim().length < MIN_REASON_LENGTH || e.resource === "") return false;
    const re = globToRegExp(e.resource);
    return re.test(urn) || re.test(name);
  });
}
