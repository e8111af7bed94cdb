// What every plan-time validator reports: one finding names the resource, the property, the value as written, and
// the rule it breaks with where that rule comes from (a provider source line, AWS's own data or documentation).

/** The slice of a planned resource the validators read (what tools/policy/state.ts gives for a stack export). */
export interface PlanResource {
  type: string;
  urn: string;
  name: string;
  inputs: Record<string, unknown>;
  /** What the provider returned (the offline plan's fakes); the ARN format check reads them too. */
  outputs?: Record<string, unknown>;
}

export type FindingKind = "provider-input" | "kubernetes-schema" | "iam" | "arn-format";

export interface Finding {
  kind: FindingKind;
  /** Resource name (the URN's last part) and type token. */
  resource: string;
  type: string;
  /** Dotted path of the input: `ingress[0].description`, `policy.Statement[1].Action[0]`. */
  property: string;
  /** The offending value as written (truncated when long). */
  value: string;
  /** What is wrong and what is allowed. */
  rule: string;
  /** Where the rule comes from: `repo@commit:path:line`, an iam-data version, a documentation page. */
  source: string;
  /**
   * A weakness AWS's documentation recommends against, which AWS still accepts and which works: reported, but it
   * does not fail the plan (the confused-deputy trust). Everything else fails it.
   */
  advisory?: boolean;
}

export function shown(value: unknown, max = 120): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function renderFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => `  [${f.advisory ? "advisory " : ""}${f.kind}] ${f.resource} (${f.type})\n      ${f.property} = ${JSON.stringify(f.value)}: ${f.rule}\n      (${f.source})`)
    .join("\n");
}
