/**
 * IAM action and resource patterns: `*` and `?` wildcards, case-insensitive as IAM matches actions.
 */
import type { Statement } from "../../../../lib/iam-policy";

// Policies repeat the same few patterns thousands of times in a large stack: compile each once.
const compiled = new Map<string, RegExp>();

function globRegExp(pattern: string): RegExp {
  const known = compiled.get(pattern);
  if (known) return known;
  const body = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  const re = new RegExp(`^${body}$`, "i");
  compiled.set(pattern, re);
  return re;
}

/** Whether an IAM pattern (as written in a policy) matches one concrete action name. */
export function patternMatches(pattern: string, action: string): boolean {
  return globRegExp(pattern).test(action);
}

const firstWildcard = (s: string): number => {
  const i = s.search(/[*?]/);
  return i < 0 ? s.length : i;
};

/**
 * Whether every action `pattern` can match is also matched by `entry` (a list entry such as `ec2:Describe*` or
 * `sts:GetCallerIdentity`). An entry is either exact or a literal prefix followed by one trailing `*`.
 */
export function patternCoveredBy(pattern: string, entry: string): boolean {
  const p = pattern.toLowerCase();
  const e = entry.toLowerCase();
  if (!e.includes("*") && !e.includes("?")) return p === e;
  if (!e.endsWith("*") || firstWildcard(e) !== e.length - 1) return p === e;
  const prefix = e.slice(0, -1);
  return p.startsWith(prefix) && firstWildcard(p) >= prefix.length;
}

/** Whether the statement's Action/NotAction lets it grant (or deny) `action`. */
export function statementCovers(st: Statement, action: string): boolean {
  if (st.action) return st.action.some((p) => patternMatches(p, action));
  if (st.notAction) return !st.notAction.some((p) => patternMatches(p, action));
  return false;
}

/** `*` on its own, or `service:*`: every action of every service, or of one service. */
export function isServiceWildcard(pattern: string): boolean {
  return pattern === "*" || /^[a-z0-9-]+:\*$/i.test(pattern);
}

/**
 * A resource pattern that names no particular resource: `*`, or an ARN whose resource part is only a wildcard,
 * optionally after its resource type: every bucket (`arn:aws:s3:::*`, and the same followed by the objects of
 * every bucket), every key (`arn:aws:kms:*:*:key/` then `*`), every role (`arn:aws:iam::*:role/` then `*`).
 */
export function isUnboundedResource(resource: string): boolean {
  if (resource === "*") return true;
  const parts = resource.split(":");
  if (parts[0] !== "arn" || parts.length < 6) return false;
  const rest = parts.slice(5).join(":");
  // S3 ARNs carry no resource type: `bucket/*` is one bucket's objects, only `*` and `*/*` are every bucket.
  if (parts[2] === "s3") return /^\*(\/\*)?$/.test(rest);
  return /^([A-Za-z0-9-]+[/:])?\*(\/\*)?$/.test(rest);
}
