/**
 * The pack's one model of an IAM policy document (identity, trust, bucket and key policies), for every AWS rule:
 * the document may be a JSON
 * string or an object (`aws.iam.PolicyDocument`); `Statement` an object or an array; `Action`, `NotAction`,
 * `Resource`, `NotResource` a string or an array; `Principal` `"*"` or an object whose `AWS`, `Service`,
 * `Federated`, `CanonicalUser` are strings or arrays; condition values strings, booleans or arrays.
 */
import type { Props } from "./rule";
import { asArray, isRecord, records, show, str } from "./values";
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
  /** Every key as written (a bare string is kind `AWS`, or `*` for `"*"`), with its values: what AWS reads. */
  entries: { kind: string; values: string[] }[];
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
    return { wildcard: v === "*", aws: v === "*" ? [] : [v], service: [], federated: [], canonicalUser: [], text: JSON.stringify(v), entries: [{ kind: v === "*" ? "*" : "AWS", values: [v] }] };
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
    entries: Object.keys(v).map((kind) => ({ kind, values: scalarStrings(v[kind]) })),
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

/** Principal `"*"` or any principal key with a `*` value (`{AWS: "*"}`, even a kind AWS does not define): anyone. */
export function hasWildcardPrincipal(st: Statement): boolean {
  return st.principal?.entries.some((e) => e.values.includes("*")) ?? false;
}

/**
 * Condition keys that pin a wildcard principal to known callers: the caller's account, organisation or ARN, the
 * calling resource or network path, or (for KMS) the caller's account and the AWS service that calls on its behalf.
 */
export const RESTRICTING_CONDITION_KEYS = [
  "kms:calleraccount",
  "kms:viaservice",
  "aws:principalaccount",
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:principalarn",
  "aws:sourceaccount",
  "aws:sourcearn",
  "aws:sourceowner",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:userid",
] as const;

const POSITIVE_OPERATORS = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);

/**
 * A condition that narrows the statement: a positive string/ARN match (not negated, not `…IfExists`, not
 * `ForAllValues:` which is true on an empty set) on one of RESTRICTING_CONDITION_KEYS, with no bare `*` value.
 */
export function isRestrictingCondition(c: { operator: string; key: string; values: string[] }): boolean {
  const op = c.operator.toLowerCase();
  if (op.endsWith("ifexists") || op.startsWith("forallvalues:")) return false;
  const base = op.startsWith("foranyvalue:") ? op.slice("foranyvalue:".length) : op;
  if (!POSITIVE_OPERATORS.has(base)) return false;
  if (!(RESTRICTING_CONDITION_KEYS as readonly string[]).includes(c.key.toLowerCase())) return false;
  return c.values.length > 0 && c.values.every((v) => v !== "*" && v !== "");
}

/**
 * An Allow statement anyone can use: a wildcard principal (or NotPrincipal, which grants everyone not listed)
 * without a restricting condition. Returns why, or undefined when the statement is not public.
 */
export function publicGrant(st: Statement): string | undefined {
  if (!isAllow(st)) return undefined;
  if (st.notPrincipal) return `${st.label} allows with NotPrincipal ${show(st.notPrincipal.entries.flatMap((e) => e.values))}, which grants every other principal`;
  if (!hasWildcardPrincipal(st)) return undefined;
  const conditions = conditionKeys(st);
  if (conditions.some(isRestrictingCondition)) return undefined;
  const actions = st.action && st.action.length > 0 ? st.action : (st.notAction ?? []).map((a) => `NotAction ${a}`);
  const why = conditions.length > 0 ? ` and only conditions that do not restrict the caller (${conditions.map((c) => `${c.operator} ${c.key}`).join(", ")})` : " and no Condition";
  return `${st.label} allows ${show(actions)} to Principal "*"${why}`;
}
