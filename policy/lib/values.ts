/** Small, total readers over untyped props (the engine gives rules plain JSON, possibly behind a proxy). */
import type { Props } from "./rule";

export function isRecord(v: unknown): v is Props {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Walks a dotted path; any missing step gives undefined. Touching an unknown value throws (engine semantics). */
export function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

export function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? [...(v as unknown[])] : [v];
}

export function records(v: unknown): Props[] {
  return asArray(v).filter(isRecord);
}

export function strings(v: unknown): string[] {
  return asArray(v).filter((x): x is string => typeof x === "string");
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

/** Shows a value in a message without dumping objects. */
export function show(v: unknown): string {
  if (v === undefined) return "unset";
  if (typeof v === "string") return JSON.stringify(v);
  return JSON.stringify(v) ?? typeof v;
}
