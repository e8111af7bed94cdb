/**
 * The pack's own rule model. A rule is plain data plus a validate function over plain props, so tests and the
 * offline runner can use it without the Pulumi policy server; lib/adapter.ts turns each rule into a CrossGuard
 * policy with the same metadata.
 */
import type { StackView } from "./stack-view";

export type Severity = "low" | "medium" | "high" | "critical";
export type Level = "advisory" | "mandatory" | "disabled";
export type Environment = "prod" | "dev";

/** Frameworks a rule cites; the order of `references` puts the primary one first. */
export type Framework =
  | "PSS" // Kubernetes Pod Security Standards (PSA check id, e.g. B2 hostNamespaces)
  | "FSBP" // AWS Foundational Security Best Practices (Security Hub control id, e.g. RDS.2)
  | "CKV" // checkov (CKV_K8S_20, CKV_AWS_17, CKV2_AWS_6)
  | "KSV" // Trivy Kubernetes (KSV-0001)
  | "AVD" // Trivy cloud (AWS-0080)
  | "kube-score"
  | "Polaris"
  | "kube-linter"
  | "Kyverno"
  | "custom"; // no upstream tool covers it (the reference says why)

export interface Reference {
  framework: Framework;
  id: string;
}

export interface RuleMeta {
  /** Pack id from the catalogue (§5), e.g. `rds-encrypted`. Stable: configs and exclusions use it. */
  id: string;
  /** Short human title. */
  title: string;
  /** What the rule checks, one or two sentences: the docs table shows it. */
  description: string;
  severity: Severity;
  /** Default enforcement per environment. Most rules are the same in both; stack-sensitive ones differ. */
  enforcement: Record<Environment, Level>;
  /** Upstream ids, primary first. */
  references: Reference[];
  /** What to change, written for the person reading the violation. */
  remediation: string;
  /** Pulumi type tokens the rule examines; a rule never sees other types. */
  targets: readonly string[];
  /** Extra JSON-schema properties of the rule's pack config (besides `exclude`), with defaults. */
  configSchema?: Record<string, { type: string; default?: unknown; description: string; items?: unknown; enum?: unknown[] }>;
}

export type Props = Record<string, unknown>;

/** What a resource rule sees: the resource's input properties as the engine passes them. */
export interface RuleResource {
  type: string;
  urn: string;
  name: string;
  props: Props;
}

export interface RuleContext {
  /** The rule's pack config with schema defaults applied (`exclude` already handled by the adapter). */
  config: Props;
  /** Report one violation. Stack rules name the resource (its URN) the violation is about. */
  report: (message: string, urn?: string) => void;
  /**
   * The rule does not apply to this resource (catalogue: `args.notApplicable(reason)` for skipped resources: an RDS
   * read replica, a Memcached cluster, a Windows pod under a Linux-only check). Throws, so nothing after it runs, and
   * the engine records the reason instead of counting the resource as evaluated and compliant. Call it only for a
   * resource the requirement does not exist for, never for one that meets it. In a stack rule it skips the whole
   * stack evaluation, so a stack rule never calls it for one resource.
   */
  notApplicable: (reason: string) => never;
}

export interface ResourceRule extends RuleMeta {
  kind: "resource";
  validate(resource: RuleResource, ctx: RuleContext): void;
}

export interface StackRule extends RuleMeta {
  kind: "stack";
  validate(stack: StackView, ctx: RuleContext): void;
}

export type Rule = ResourceRule | StackRule;

/** Same level in prod and dev. */
export const always = (level: Level): Record<Environment, Level> => ({ prod: level, dev: level });
/** Mandatory for prod stacks, advisory for dev: Multi-AZ, deletion protection, minimum replicas. */
export const prodOnly: Record<Environment, Level> = { prod: "mandatory", dev: "advisory" };
