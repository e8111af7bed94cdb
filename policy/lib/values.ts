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

/** The engine's sentinels for values unknown at preview (@pulumi/policy proxy.ts). */
export const UNKNOWN = {
  boolean: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  number: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  string: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  array: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  asset: "030794c1-ac77-496b-92df-f27374a8bd58",
  archive: "e48ece36-62e2-4504-bad9-02848725956a",
  object: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
} as const;
const UNKNOWN_SENTINELS = new Set<unknown>(Object.values(UNKNOWN));

export function isUnknownSentinel(v: unknown): boolean {
  return UNKNOWN_SENTINELS.has(v);
}

/**
 * A top-level string prop read through its property descriptor, which the engine's proxy does not trap: undefined
 * when unset or unknown at preview. For indexes that must not turn a whole stack rule undecided over one resource.
 */
export function peekString(props: object, key: string): string | undefined {
  const desc = Object.getOwnPropertyDescriptor(props, key);
  const value: unknown = desc && "value" in desc ? desc.value : undefined;
  return typeof value === "string" && !isUnknownSentinel(value) ? value : undefined;
}
