import { always, type ResourceRule } from "../../../lib/rule";
import { strings } from "../../../lib/values";
import {
  IAM_GROUP_POLICY_ATTACHMENT,
  IAM_POLICY_ATTACHMENT,
  IAM_ROLE,
  IAM_ROLE_POLICY_ATTACHMENT,
  IAM_USER_POLICY_ATTACHMENT,
} from "./lib/iam";

/** The AWS-managed policy name of an ARN such as arn:aws:iam::aws:policy/AdministratorAccess, else undefined. */
function awsManagedName(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m?.[1];
}

export const iamNoAdminManagedPolicies: ResourceRule = {
  kind: "resource",
  id: "iam-no-admin-managed-policies",
  title: "No AdministratorAccess, IAMFullAccess or PowerUserAccess",
  description:
    "No role, user or group is given the AWS-managed AdministratorAccess, IAMFullAccess or PowerUserAccess policy (RolePolicyAttachment, PolicyAttachment, User/GroupPolicyAttachment policyArn, Role managedPolicyArns).",
  severity: "critical",
  enforcement: always("mandatory"),
  references: [
    { framework: "CKV", id: "CKV_AWS_274" },
    { framework: "CKV", id: "CKV_AWS_275" },
    { framework: "CKV", id: "CKV2_AWS_56" },
    { framework: "CKV", id: "CKV2_AWS_40" },
  ],
  remediation: "Attach a policy that lists the actions and resources the principal needs instead of an administrator-level AWS-managed policy.",
  targets: [IAM_ROLE_POLICY_ATTACHMENT, IAM_POLICY_ATTACHMENT, IAM_USER_POLICY_ATTACHMENT, IAM_GROUP_POLICY_ATTACHMENT, IAM_ROLE],
  configSchema: {
    forbiddenPolicies: {
      type: "array",
      items: { type: "string" },
      default: ["AdministratorAccess", "IAMFullAccess", "PowerUserAccess"],
      description: "Names of AWS-managed policies (arn:aws:iam::aws:policy/<name>) that must not be attached.",
    },
  },
  validate(resource, { report, config }) {
    const forbidden = strings(config["forbiddenPolicies"]);
    const check = (path: string, arn: string | undefined) => {
      const name = arn === undefined ? undefined : awsManagedName(arn);
      if (name !== undefined && forbidden.includes(name)) {
        report(`${path} is ${JSON.stringify(arn)}, the AWS-managed ${name}; allowed: a policy scoped to what the principal needs (not ${forbidden.join(", ")}).`);
      }
    };
    if (resource.type === IAM_ROLE) {
      strings(resource.props["managedPolicyArns"]).forEach((arn, i) => check(`managedPolicyArns[${i}]`, arn));
      return;
    }
    const arn = resource.props["policyArn"];
    check("policyArn", typeof arn === "string" ? arn : undefined);
  },
};
