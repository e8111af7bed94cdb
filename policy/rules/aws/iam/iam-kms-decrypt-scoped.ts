import { always, type ResourceRule } from "../../../lib/rule";
import { isUnboundedResource, statementCovers } from "./lib/actions";
import { PERMISSION_POLICY_TYPES, permissionDocuments, statementsOf } from "./lib/iam";
import { isAllow } from "../../../lib/iam-policy";

const DECRYPT_ACTIONS = ["kms:Decrypt", "kms:ReEncryptFrom"];

export const iamKmsDecryptScoped: ResourceRule = {
  kind: "resource",
  id: "iam-kms-decrypt-scoped",
  title: "kms:Decrypt only on named keys",
  description:
    'No Allow statement in an IAM policy (customer-managed or inline) grants kms:Decrypt or kms:ReEncryptFrom (directly, through kms:*, "*" or NotAction) on every key: Resource "*", arn:aws:kms:*:*:key/* or NotResource.',
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "KMS.1" },
    { framework: "FSBP", id: "KMS.2" },
    { framework: "CKV", id: "CKV_AWS_355" },
  ],
  remediation: "Set Resource to the ARNs of the keys the principal decrypts with (e.g. the backup key's ARN).",
  targets: PERMISSION_POLICY_TYPES,
  validate(resource, { report }) {
    for (const { where, st } of statementsOf(permissionDocuments(resource), report)) {
      if (!isAllow(st)) continue;
      const granted = DECRYPT_ACTIONS.filter((a) => statementCovers(st, a));
      if (granted.length === 0) continue;
      const wide = st.notResource !== undefined ? `NotResource ${JSON.stringify(st.notResource)}` : undefined;
      const all = (st.resource ?? []).filter(isUnboundedResource);
      if (wide !== undefined || all.length > 0) {
        report(`${where}: grants ${JSON.stringify(granted)} on ${wide ?? `Resource ${JSON.stringify(all)}`} (every key); allowed: the ARNs of specific KMS keys.`);
      }
    }
  },
};
