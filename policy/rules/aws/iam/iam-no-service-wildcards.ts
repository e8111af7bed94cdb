import { always, type ResourceRule } from "../../../lib/rule";
import { strings } from "../../../lib/values";
import { isServiceWildcard } from "./lib/actions";
import { PERMISSION_POLICY_TYPES, permissionDocuments, statementsOf } from "./lib/iam";
import { isAllow } from "../../../lib/iam-policy";

export const iamNoServiceWildcards: ResourceRule = {
  kind: "resource",
  id: "iam-no-service-wildcards",
  title: "No service-wide wildcard actions",
  description:
    'No Allow statement in an IAM policy grants a whole service ("s3:*", "kms:*") or "*", nor uses NotAction, unless the action is in the rule\'s allowedWildcards setting.',
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "IAM.21" },
    { framework: "CKV", id: "CKV_AWS_63" },
    { framework: "CKV", id: "CKV_AWS_49" },
    { framework: "AVD", id: "AWS-0345" },
  ],
  remediation: 'Replace "service:*" with the actions the principal calls (e.g. s3:GetObject, s3:PutObject), or add the pattern to allowedWildcards with a reason.',
  targets: PERMISSION_POLICY_TYPES,
  configSchema: {
    allowedWildcards: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: 'Service wildcards this stack accepts, e.g. ["logs:*"] (compared case-insensitively).',
    },
  },
  validate(resource, { report, config }) {
    const allowed = new Set(strings(config["allowedWildcards"]).map((a) => a.toLowerCase()));
    for (const { where, st } of statementsOf(permissionDocuments(resource), report)) {
      if (!isAllow(st)) continue;
      if (st.notAction !== undefined) {
        report(`${where}: Allow NotAction ${JSON.stringify(st.notAction)} grants every action of every service but those; allowed: an Action list of named actions.`);
        continue;
      }
      const bad = (st.action ?? []).filter((a) => isServiceWildcard(a) && !allowed.has(a.toLowerCase()));
      if (bad.length > 0) {
        const also = allowed.size > 0 ? ` or one of allowedWildcards ${JSON.stringify([...allowed])}` : "";
        report(`${where}: Action ${JSON.stringify(bad)} grants every action of a service (or of all of them); allowed: named actions (prefix patterns such as "ec2:Describe*" are fine)${also}.`);
      }
    }
  },
};
