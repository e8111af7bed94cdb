/**
 * Where IAM permission documents live in @pulumi/aws v7 inputs, and one walk over their statements.
 */
import type { RuleResource } from "../../../../lib/rule";
import { records } from "../../../../lib/values";
import { parsePolicy, type Statement } from "../../../../lib/iam-policy";

export const IAM_ROLE = "aws:iam/role:Role";
export const IAM_POLICY = "aws:iam/policy:Policy";
export const IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const IAM_USER_POLICY = "aws:iam/userPolicy:UserPolicy";
export const IAM_GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy";
export const IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const IAM_POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment";
export const IAM_USER_POLICY_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment";
export const IAM_GROUP_POLICY_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment";

/** Types that carry a permission policy document: `policy`, or the Role's `inlinePolicies[*].policy`. */
export const PERMISSION_POLICY_TYPES = [IAM_POLICY, IAM_ROLE_POLICY, IAM_USER_POLICY, IAM_GROUP_POLICY, IAM_ROLE] as const;

export interface DocumentRef {
  /** Field path for messages: `policy`, `inlinePolicies[0].policy`. */
  path: string;
  value: unknown;
}

/** The permission documents of one resource (not the Role's trust policy). */
export function permissionDocuments(resource: RuleResource): DocumentRef[] {
  if (resource.type === IAM_ROLE) {
    return records(resource.props["inlinePolicies"]).map((p, i) => ({ path: `inlinePolicies[${i}].policy`, value: p["policy"] }));
  }
  return [{ path: "policy", value: resource.props["policy"] }];
}

export interface StatementRef {
  /** `policy Statement[2] (Sid "Read")`. */
  where: string;
  st: Statement;
}

/**
 * Every statement of every document, with a violation reported for a document that cannot be read (it cannot be
 * shown to comply). Values unknown at preview throw here, which makes the rule undecided, never passed.
 */
export function statementsOf(docs: readonly DocumentRef[], report: (message: string) => void): StatementRef[] {
  const out: StatementRef[] = [];
  for (const doc of docs) {
    const parsed = parsePolicy(doc.value);
    if (parsed.kind === "invalid") report(`${doc.path} is ${parsed.reason}; it must be an IAM policy document (a JSON object with Statement).`);
    if (parsed.kind !== "ok") continue;
    for (const st of parsed.statements) out.push({ where: `${doc.path} ${st.label}`, st });
  }
  return out;
}
