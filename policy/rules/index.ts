/** Every rule of the pack, in documentation order. Tests and the offline runner import this, never index.ts. */
import type { Rule } from "../lib/rule";
import { podSecurityRules } from "./k8s/pod-security";
import { workloadRules } from "./k8s/workload";
import { awsRules } from "./aws";
import { toPolicy, type PackPolicy } from "../lib/adapter";

export const rules: readonly Rule[] = [...podSecurityRules, ...workloadRules, ...awsRules];

export function packPolicies(selection: readonly Rule[] = rules): PackPolicy[] {
  return selection.map(toPolicy);
}
