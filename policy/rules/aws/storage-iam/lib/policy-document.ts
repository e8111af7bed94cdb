/**
 * One reading of IAM, bucket and trust policy documents for every rule in this folder: the document may be a JSON
 * string or an object (`aws.iam.PolicyDocument`); `Statement` an object or an array; `Action`, `NotAction`,
 * `Resource`, `NotResource` a string or an array; `Principal` `"*"` or an object whose `AWS`, `Service`,
 * `Federated`, `CanonicalUser` are strings or arrays; condition values strings, booleans or arrays.
 */
import type { Props } from "../../../../lib/rule";
import { asArray, isRecord, records, str } from "../../../../lib/values";
import { parseJson } from "./json";

export interface Principal {
  /** `"*"`, or `"*"` under any key (`{AWS: "*"}`): anyone. */
  wildcard: boolean;
  aws: string[];
  service: string[];
  federated: string[];
  canonicalUser: string[];
  /** As written, for messages: `"*"` or `{"AWS":["*"]}`. */
  text: string;
}

export interface Statement {
  index: number;
  sid: string | undefined;
  /** `Statement[1] (Sid "Read")`, for messages. */
  label: string;
  effect: string;
  action: string[] | undefined;
  notAction: string[] | undefined;
  resource: string[] | undefined;
  notResource: string[] | undefined;
  principal: Principal | undefined;
  notPrincipal: Principal | undefined;
  /** operator -> condition key (as written) -> values as strings. */
  condition: Record<string, Record<string, string[]>>;
}

export type ParsedPolicy =
  | { kind: "absent" }
  | { kind: "invalid"; reason: string }
  | { kind: "ok"; statements: Statement[] };

function scalarStrings(v: unknown): string[] {
  return asArray(v).flatMap((x) => (typeof x === "string" ? [x] : typeof x === "boolean" || typeof x === "number" ? [String(x)] : []));
}

function optionalStrings(holder: Props, key: string): string[] | undefined {
  const v = holder[key];
  return v === undefined || v === null ? undefined : scalarStrings(v);
}

export function normalisePrincipal(v: unknown): Principal | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") {
    return { wildcard: v === "*", aws: v === "*" ? [] : [v], service: [], federated: [], canonicalUser: [], text: JSON.stringify(v) };
  }
  if (!isRecord(v)) return undefined;
  const lists = { AWS: scalarStrings(v["AWS"]), Service: scalarStrings(v["Service"]), Federated: scalarStrings(v["Federated"]), CanonicalUser: scalarStrings(v["CanonicalUser"]) };
  const shown = Object.fromEntries(Object.entries(lists).filter(([, values]) => values.length > 0));
  return {
    wildcard: Object.values(lists).some((values) => values.includes("*")),
    aws: lists.AWS,
    service: lists.Service,
    federated: lists.Federated,
    canonicalUser: lists.CanonicalUser,
    text: JSON.stringify(shown),
  };
}

function normaliseCondition(v: unknown): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  if (!isRecord(v)) return out;
  for (const [operator, block] of Object.entries(v)) {
    if (!isRecord(block)) continue;
    const keys: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(block)) keys[key] = scalarStrings(values);
    out[operator] = keys;
  }
  return out;
}

function normaliseStatement(st: Props, index: number): Statement {
  const sid = str(st["Sid"]);
  return {
    index,
    sid,
    label: sid ? `Statement[${index}] (Sid ${JSON.stringify(sid)})` : `Statement[${index}]`,
    effect: str(st["Effect"]) ?? "",
    action: optionalStrings(st, "Action"),
    notAction: optionalStrings(st, "NotAction"),
    resource: optionalStrings(st, "Resource"),
    notResource: optionalStrings(st, "NotResource"),
    principal: normalisePrincipal(st["Principal"]),
    notPrincipal: normalisePrincipal(st["NotPrincipal"]),
    condition: normaliseCondition(st["Condition"]),
  };
}

/** Reads a policy document input. Touching a value unknown at preview throws (engine semantics), by design. */
export function parsePolicy(value: unknown): ParsedPolicy {
  if (value === undefined || value === null) return { kind: "absent" };
  let doc: unknown = value;
  if (typeof value === "string") {
    if (value.trim() === "") return { kind: "absent" };
    const parsed = parseJson(value);
    if (!parsed.ok) return { kind: "invalid", reason: `not valid JSON (${parsed.error})` };
    doc = parsed.value;
  }
  if (!isRecord(doc)) return { kind: "invalid", reason: "not a JSON object" };
  const statement = doc["Statement"];
  const list = Array.isArray(statement) ? records(statement) : isRecord(statement) ? [statement] : [];
  return { kind: "ok", statements: list.map(normaliseStatement) };
}

export const isAllow = (st: Statement): boolean => st.effect === "Allow";
export const isDeny = (st: Statement): boolean => st.effect === "Deny";

/** Condition values of `key` (case-insensitive, as IAM compares keys) under `operator`, or undefined. */
export function conditionValues(st: Statement, operator: string, key: string): string[] | undefined {
  const block = st.condition[operator];
  if (!block) return undefined;
  const wanted = key.toLowerCase();
  const hit = Object.keys(block).find((k) => k.toLowerCase() === wanted);
  return hit === undefined ? undefined : block[hit];
}

/** Every condition key the statement tests, with its operator. */
export function conditionKeys(st: Statement): { operator: string; key: string; values: string[] }[] {
  return Object.entries(st.condition).flatMap(([operator, block]) => Object.entries(block).map(([key, values]) => ({ operator, key, values })));
}
