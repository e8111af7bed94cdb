// The plan-time validation gate: what `pulumi preview`/`up` would reject, and IAM that would not do what it says,
// found before anything is called. One call for the plan command: findings, a report and the exit code.
//   4: an input the provider, AWS or the Kubernetes API would reject (a failed preview or up);
//   5: a policy document with a dead or misscoped permission, an access it must (not) grant, or an ARN in no real form.
import { checkArnFormats } from "./arn-formats";
import { type Finding, type PlanResource, renderFindings } from "./finding";
import { checkAccess } from "./iam/access";
import { policyDocuments } from "./iam/documents";
import { checkUnknownKubernetesFields } from "./kubernetes/unknown-fields";
import { checkPolicyDocuments } from "./iam/static-checks";
import { checkProviderInputs } from "./provider-inputs/check";
import { checkRequiredInputs } from "./provider-inputs/required";

export const EXIT_REJECTED_INPUT = 4;
export const EXIT_IAM = 5;

export interface ValidationResult {
  findings: Finding[];
  /** 0 when nothing but advisories was found, else EXIT_REJECTED_INPUT or EXIT_IAM (the first when both). */
  exitCode: number;
  report: string;
}

export async function validatePlan(resources: readonly PlanResource[]): Promise<ValidationResult> {
  const inputs = [...checkRequiredInputs(resources), ...checkProviderInputs(resources), ...checkUnknownKubernetesFields(resources)];
  const iam = [...(await checkPolicyDocuments(policyDocuments(resources))), ...(await checkAccess(resources)), ...(await checkArnFormats(resources))];
  const findings = [...inputs, ...iam];
  const blockingIam = iam.filter((f) => !f.advisory);
  const exitCode = inputs.length > 0 ? EXIT_REJECTED_INPUT : blockingIam.length > 0 ? EXIT_IAM : 0;
  const summary = `Plan validation: ${resources.length} resources; ${inputs.length} inputs the provider, AWS or the Kubernetes API would reject, ${blockingIam.length} IAM and ARN findings, ${iam.length - blockingIam.length} advisory.`;
  return { findings, exitCode, report: findings.length > 0 ? `${renderFindings(findings)}\n${summary}` : summary };
}
