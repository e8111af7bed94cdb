/**
 * Label selectors as the API server evaluates them: `matchLabels` plus `matchExpressions` (In, NotIn, Exists,
 * DoesNotExist), all terms ANDed; an empty selector matches everything, a missing one nothing (PDB, NetworkPolicy
 * and controller semantics). Services use a plain map, which is `matchLabels` alone.
 */
import type { Props } from "../../../../lib/rule";
import { isRecord, records, str, strings } from "../../../../lib/values";

export type Labels = Record<string, string>;

/** A labels map as plain strings (non-string values are dropped: the API rejects them anyway). */
export function labelsOf(v: unknown): Labels {
  const out: Labels = {};
  if (!isRecord(v)) return out;
  for (const key of Object.keys(v)) {
    const value = str(v[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** `{}`: no matchLabels entry and no expression. */
export function isEmptySelector(selector: Props): boolean {
  return Object.keys(labelsOf(selector["matchLabels"])).length === 0 && records(selector["matchExpressions"]).length === 0;
}

/** Whether a LabelSelector object selects these labels; undefined/null selects nothing. */
export function selectorMatches(selector: unknown, labels: Labels): boolean {
  if (!isRecord(selector)) return false;
  for (const [key, value] of Object.entries(labelsOf(selector["matchLabels"]))) {
    if (labels[key] !== value) return false;
  }
  for (const expr of records(selector["matchExpressions"])) {
    const key = str(expr["key"]) ?? "";
    const values = strings(expr["values"]);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (str(expr["operator"])) {
      case "In":
        if (!has || !values.includes(labels[key] ?? "")) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[key] ?? "")) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false; // an operator the API would reject selects nothing
    }
  }
  return true;
}

/** A Service's `spec.selector` map: every entry must match; an empty map selects no pods (no endpoints are made). */
export function mapSelectorMatches(selector: Labels, labels: Labels): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

export function showLabels(labels: Labels): string {
  return JSON.stringify(labels);
}
