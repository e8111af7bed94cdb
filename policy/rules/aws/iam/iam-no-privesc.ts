import { always, type ResourceRule } from "../../../lib/rule";
import { isUnboundedResource, statementCovers } from "./lib/actions";
import { PERMISSION_POLICY_TYPES, permissionDocuments, statementsOf } from "./lib/iam";
import { isAllow, type Statement } from "../../../lib/iam-policy";
import { SENSITIVE_ACTION_SETS } from "./lib/sensitive-actions";

/** The statement's resources when they name no particular resource, for the message; undefined when bounded. */
function unbounded(st: Statement): string | undefined {
  if (st.notResource !== undefined) return `NotResource ${JSON.stringify(st.notResource)}`;
  const wide = (st.resource ?? []).filter(isUnboundedResource);
  return wide.length > 0 ? `Resource ${JSON.stringify(wide)}` : undefined;
}

const listed = (actions: string[]): string => JSON.stringify(actions.length > 6 ? [...actions.slice(0, 6), `… ${actions.length - 6} more`] : actions);

export const iamNoPrivesc: ResourceRule = {
  kind: "resource",
  id: "iam-no-privesc",
  title: "No privilege escalation, credential exposure or bulk data reads",
  description:
    "No Allow statement grants privilege-escalation actions (iam:PassRole, iam:Put*Policy, sts:AssumeRole, …), credential-exposing actions (iam:CreateAccessKey, …) or secret/data reads (s3:GetObject, secretsmanager:GetSecretValue, ssm:GetParameter*) on an unbounded resource (\"*\", arn:…:role/*, arn:aws:s3:::*/*, NotResource).",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "CKV", id: "CKV_AWS_286" },
    { framework: "CKV", id: "CKV_AWS_287" },
    { framework: "CKV", id: "CKV_AWS_288" },
    { framework: "CKV", id: "CKV_AWS_289" },
    { framework: "CKV", id: "CKV_AWS_110" },
    { framework: "CKV", id: "CKV_AWS_107" },
    { framework: "CKV", id: "CKV_AWS_108" },
    { framework: "CKV", id: "CKV_AWS_109" },
    { framework: "AVD", id: "AWS-0342" },
  ],
  remediation:
    "Scope the statement to the roles, buckets, objects, secrets or parameters the principal needs (e.g. iam:PassRole on one role ARN, s3:GetObject on arn:aws:s3:::bucket/prefix/*).",
  targets: PERMISSION_POLICY_TYPES,
  validate(resource, { report }) {
    for (const { where, st } of statementsOf(permissionDocuments(resource), report)) {
      if (!isAllow(st)) continue;
      const wide = unbounded(st);
      if (wide === undefined) continue;
      for (const set of SENSITIVE_ACTION_SETS) {
        const granted = set.actions.filter((a) => statementCovers(st, a));
        if (granted.length > 0) {
          report(`${where}: grants ${set.name} actions ${listed(granted)} on ${wide}; allowed: those actions only on named ARNs.`);
        }
      }
    }
  },
};
