// Small PromQL helpers shared by the alert rules and the dashboard: selectors built one way, and the metric names an
// expression reads (for the check that the dashboard only shows series something produces).

export type MatchOp = "=" | "!=" | "=~" | "!~";
export type Matcher = readonly [label: string, op: MatchOp, value: string];

/** A PromQL selector; values are quoted as Go strings (JSON's escapes are a subset PromQL reads). */
export function sel(metric: string, matchers: readonly Matcher[]): string {
  return `${metric}{${matchers.map(([l, op, v]) => `${l}${op}${JSON.stringify(v)}`).join(", ")}}`;
}

/** A number as PromQL reads it, without exponent notation for the sizes used here. */
export function num(n: number): string {
  return Number.isInteger(n) ? n.toFixed(0) : String(n);
}

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"]);

/**
 * The metric names an expression selects: identifiers that are not functions (followed by '('), aggregation
 * modifiers, operators or keywords, outside label matchers, strings, ranges and label lists. Written for the
 * expressions of this package, not for every corner of PromQL (no `@` modifiers, no {__name__=…} selectors).
 */
export function metricNames(expr: string): string[] {
  let text = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  text = text.replace(/\{[^{}]*\}/g, " ").replace(/\[[^\]]*\]/g, " ");
  // Label lists of by/without/on/ignoring/group_left/group_right.
  text = text.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)/g, " ");
  const names = new Set<string>();
  for (const match of text.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0];
    const after = text.slice((match.index ?? 0) + name.length).trimStart();
    const before = text.slice(0, match.index ?? 0);
    if (after.startsWith("(") || KEYWORDS.has(name.toLowerCase())) continue;
    // Part of a number such as 1e3 or a duration such as 5m (ranges were removed; offsets keep theirs).
    if (/[0-9.]$/.test(before)) continue;
    names.add(name);
  }
  return [...names].sort();
}
