import { always, type ResourceRule } from "../../../lib/rule";
import { PERMISSION_POLICY_TYPES, permissionDocuments, statementsOf } from "./lib/iam";
import { isAllow } from "../../../lib/iam-policy";

const everything = (pattern: string): boolean => /^\*(:\*)?$/.test(pattern);

export const iamNoAdmin: ResourceRule = {
  kind: "resource",
  id: "iam-no-admin",
  title: "No administrator statements in IAM policies",
  description:
    'No Allow statement in an IAM policy (Policy, RolePolicy, UserPolicy, GroupPolicy, Role inlinePolicies) grants Action "*" on Resource "*", or every action but a few (NotAction) on every resource.',
  severity: "critical",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "IAM.1" },
    { framework: "CKV", id: "CKV_AWS_62" },
    { framework: "CKV", id: "CKV_AWS_1" },
    { framework: "AVD", id: "AWS-0057" },
  ],
  remediation: "List the actions the principal calls and the ARNs it calls them on; never Action \"*\" with Resource \"*\".",
  targets: PERMISSION_POLICY_TYPES,
  validate(resource, { report }) {
    for (const { where, st } of statementsOf(permissionDocuments(resource), report)) {
      if (!isAllow(st)) continue;
      const allResources = st.resource ? st.resource.includes("*") : st.notResource !== undefined;
      if (!allResources) continue;
      const resources = st.resource ? `Resource ${JSON.stringify(st.resource)}` : `NotResource ${JSON.stringify(st.notResource)}`;
      const scope = st.resource ? "every resource" : "every resource but those";
      if (st.action?.some(everything)) {
        report(`${where}: Allow Action ${JSON.stringify(st.action)} on ${resources} grants every action on ${scope}; allowed: named actions on named resources.`);
      } else if (st.notAction !== undefined) {
        report(`${where}: Allow NotAction ${JSON.stringify(st.notAction)} on ${resources} grants every other action on ${scope}; allowed: an Action list on named resources.`);
      }
    }
  },
};
