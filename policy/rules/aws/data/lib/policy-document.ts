/**
 * IAM-style policy documents (key policies here) normalised once: the document may be a JSON string or an object,
 * Statement an object or an array, Action/Resource/Principal a string, an array or (Principal) a map of arrays.
 * Reading goes through the engine's proxy, so a document that is unknown at preview throws, as it must.
 */
import { parseJson } from "../../storage-iam/lib/json";
import type { Props } from "../../../../lib/rule";
import { asArray, isRecord, records, show, str, strings } from "../../../../lib/values";

export interface PrincipalEntry {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` for the bare wildcard principal. */
  kind: string;
  values: string[];
}

export interface Condition {
  /** As written, e.g. `StringEquals`, `ForAnyValue:StringLike`, `ArnLikeIfExists`. */
  operator: string;
  key: string;
  values: string[];
}

export interface Statement {
  /** Position in the Statement list, for messages (`Statement[2]`). */
  index: number;
  sid: string | undefined;
  effect: string;
  principals: PrincipalEntry[];
  /** The statement names NotPrincipal: with Allow, that grants everyone else. */
  notPrincipal: boolean;
  actions: string[];
  notActions: string[];
  resources: string[];
  conditions: Condition[];
}

export interface PolicyDocument {
  statements: Statement[];
  /** Set when the text is not JSON: a finding (AWS would reject it), never a crash of the run. */
  invalid?: string;
}

/** A JSON-string document is parsed with the pack's non-throwing reader (storage-iam/lib/json.ts). */
export function parsePolicyDocument(doc: unknown): PolicyDocument | undefined {
  if (doc === undefined || doc === null || doc === "") return undefined;
  let parsed: unknown = doc;
  if (typeof doc === "string") {
    const result = parseJson(doc);
    if (!result.ok) return { statements: [], invalid: result.error };
    parsed = result.value;
  }
  if (!isRecord(parsed)) return { statements: [] };
  return { statements: records(parsed["Statement"]).map(toStatement) };
}

function principalsOf(p: unknown): PrincipalEntry[] {
  if (p === undefined || p === null) return [];
  if (typeof p === "string") return [{ kind: p === "*" ? "*" : "AWS", values: [p] }];
  if (!isRecord(p)) return [];
  return Object.keys(p).map((kind) => ({ kind, values: strings(p[kind]) }));
}

function conditionsOf(c: unknown): Condition[] {
  if (!isRecord(c)) return [];
  const out: Condition[] = [];
  for (const operator of Object.keys(c)) {
    const block = c[operator];
    if (!isRecord(block)) continue;
    for (const key of Object.keys(block)) out.push({ operator, key, values: asArray(block[key]).map((v) => (typeof v === "string" ? v : show(v))) });
  }
  return out;
}

function toStatement(s: Props, index: number): Statement {
  const hasNotPrincipal = s["NotPrincipal"] !== undefined;
  return {
    index,
    sid: str(s["Sid"]),
    effect: str(s["Effect"]) ?? "",
    principals: principalsOf(hasNotPrincipal ? s["NotPrincipal"] : s["Principal"]),
    notPrincipal: hasNotPrincipal,
    actions: strings(s["Action"]),
    notActions: strings(s["NotAction"]),
    resources: strings(s["Resource"]),
    conditions: conditionsOf(s["Condition"]),
  };
}

/** `Statement[1] (Sid "AllowUse")`, for messages. */
export function statementLabel(s: Statement): string {
  return `Statement[${s.index}]${s.sid ? ` (Sid ${JSON.stringify(s.sid)})` : ""}`;
}

/** Principal `"*"` or `{ AWS: "*" }` (any kind with a `*` value): anyone, in any account. */
export function hasWildcardPrincipal(s: Statement): boolean {
  return s.principals.some((p) => p.values.includes("*"));
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
export function isRestrictingCondition(c: Condition): boolean {
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
export function publicGrant(s: Statement): string | undefined {
  if (s.effect !== "Allow") return undefined;
  if (s.notPrincipal) return `${statementLabel(s)} allows with NotPrincipal ${show(s.principals.flatMap((p) => p.values))}, which grants every other principal`;
  if (!hasWildcardPrincipal(s)) return undefined;
  if (s.conditions.some(isRestrictingCondition)) return undefined;
  const actions = s.actions.length > 0 ? s.actions : s.notActions.map((a) => `NotAction ${a}`);
  const conditions = s.conditions.length > 0 ? ` and only conditions that do not restrict the caller (${s.conditions.map((c) => `${c.operator} ${c.key}`).join(", ")})` : " and no Condition";
  return `${statementLabel(s)} allows ${show(actions)} to Principal "*"${conditions}`;
}
