/**
 * KMS rules (catalogue §3.6, §5.2): rotation, key policy not public (inline Key.policy and the standalone
 * aws.kms.KeyPolicy, joined to its key through the keyId it was computed from), no lockout bypass, deletion window.
 */
import { always, type ResourceRule, type StackRule } from "../../../lib/rule";
import type { StackResource } from "../../../lib/stack-view";
import { num, show } from "../../../lib/values";
import { parsePolicy, publicGrant } from "../../../lib/iam-policy";
import { describe, isSet, KMS_EXTERNAL_KEY, KMS_KEY, KMS_KEY_POLICY, KMS_KEY_TYPES, KMS_REPLICA_KEY } from "../lib/props";

export const kmsRotation: ResourceRule = {
  kind: "resource",
  id: "kms-rotation",
  title: "KMS key rotation",
  description:
    "Symmetric encryption keys (customerMasterKeySpec unset or SYMMETRIC_DEFAULT) set enableKeyRotation: true, with rotationPeriodInDays, when set, at most maxRotationPeriodDays (default 365). Asymmetric and HMAC keys and keys in a custom key store cannot rotate automatically: the rule does not apply to them.",
  severity: "medium",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "KMS.4" },
    { framework: "CKV", id: "CKV_AWS_7" },
    { framework: "AVD", id: "AWS-0065" },
  ],
  remediation: "Set enableKeyRotation: true (rotationPeriodInDays defaults to 365).",
  targets: [KMS_KEY],
  configSchema: { maxRotationPeriodDays: { type: "integer", default: 365, description: "Longest accepted rotationPeriodInDays." } },
  validate({ props }, { config, report, notApplicable }) {
    const spec = props["customerMasterKeySpec"];
    if (typeof spec === "string" && spec !== "SYMMETRIC_DEFAULT") notApplicable(`customerMasterKeySpec is ${show(spec)}: KMS rotates only symmetric encryption keys automatically`);
    if (isSet(props, "customKeyStoreId") || isSet(props, "xksKeyId")) notApplicable("key in a custom key store (customKeyStoreId or xksKeyId): KMS cannot rotate it automatically");
    const enabled = props["enableKeyRotation"];
    if (enabled !== true) {
      report(`${describe("enableKeyRotation", enabled, "default false")}; it must be true for a symmetric key.`);
      return;
    }
    const max = num(config["maxRotationPeriodDays"]) ?? 365;
    const period = props["rotationPeriodInDays"];
    if (period === undefined || period === null) return;
    const days = num(period);
    if (days === undefined || days > max) report(`rotationPeriodInDays is ${show(period)}; it must be at most ${max}.`);
  },
};

function keyLabel(policy: StackResource): string {
  const keys = (policy.propertyDependencies["keyId"] ?? []).filter((k) => (KMS_KEY_TYPES as readonly string[]).includes(k.type));
  return keys.length > 0 ? `the key policy of ${keys.map((k) => k.name).join(", ")} (KeyPolicy ${policy.name})` : `KeyPolicy ${policy.name}`;
}

export const kmsPolicyNotPublic: StackRule = {
  kind: "stack",
  id: "kms-policy-not-public",
  title: "KMS key policy not public",
  description:
    'No KMS key policy (Key.policy, or an aws.kms.KeyPolicy joined to its key by keyId) has an Allow statement for Principal "*" (or NotPrincipal) without a condition that pins the caller (kms:CallerAccount, kms:ViaService, aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, …). A key without a policy gets the default policy (the account only) and passes.',
  severity: "critical",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "KMS.5" },
    { framework: "CKV", id: "CKV_AWS_33" },
  ],
  remediation: 'Name concrete principals (role ARNs, the account root) in every Allow statement, or add a condition such as StringEquals { "kms:CallerAccount": "<account id>" } to statements that must use Principal "*".',
  targets: [...KMS_KEY_TYPES, KMS_KEY_POLICY],
  validate(stack, { report }) {
    for (const key of stack.ofType(...KMS_KEY_TYPES)) {
      if (!isSet(key.props, "policy")) continue;
      const doc = parsePolicy(key.props["policy"]);
      if (doc.kind === "invalid") report(`${key.name}: policy is ${doc.reason}; AWS rejects it, and it cannot be judged.`, key.urn);
      for (const s of doc.kind === "ok" ? doc.statements : []) {
        const why = publicGrant(s);
        if (why) report(`${key.name}: policy ${why}; every Allow must name specific principals or carry a condition that pins the caller's account, organisation or ARN.`, key.urn);
      }
    }
    for (const policy of stack.ofType(KMS_KEY_POLICY)) {
      const doc = parsePolicy(policy.props["policy"]);
      if (doc.kind === "invalid") report(`${keyLabel(policy)}: policy is ${doc.reason}; AWS rejects it, and it cannot be judged.`, policy.urn);
      for (const s of doc.kind === "ok" ? doc.statements : []) {
        const why = publicGrant(s);
        if (why) report(`${keyLabel(policy)}: policy ${why}; every Allow must name specific principals or carry a condition that pins the caller's account, organisation or ARN.`, policy.urn);
      }
    }
  },
};

export const kmsNoLockoutBypass: ResourceRule = {
  kind: "resource",
  id: "kms-no-lockout-bypass",
  title: "KMS policy lockout safety check kept",
  description: "KMS keys and key policies do not set bypassPolicyLockoutSafetyCheck: true, so KMS refuses a policy that would lock everyone (including the account) out of the key.",
  severity: "high",
  enforcement: always("mandatory"),
  references: [{ framework: "custom", id: "aws-kms-key-disallow-bypass-policy-lockout-safety-check" }],
  remediation: "Remove bypassPolicyLockoutSafetyCheck (default false) and keep the account root or an admin role in the key policy.",
  targets: [...KMS_KEY_TYPES, KMS_KEY_POLICY],
  validate({ props }, { report }) {
    if (props["bypassPolicyLockoutSafetyCheck"] === true) report("bypassPolicyLockoutSafetyCheck is true; it must be false or unset (default false) so KMS rejects a policy that locks the key out.");
  },
};

export const kmsDeletionWindow: ResourceRule = {
  kind: "resource",
  id: "kms-deletion-window",
  title: "KMS deletion window long enough to notice",
  description: "KMS keys leave deletionWindowInDays unset (30) or set it to at least minDays (default 30), so a scheduled deletion can be cancelled before the data it encrypts is lost.",
  severity: "medium",
  enforcement: always("advisory"),
  references: [{ framework: "custom", id: "kms-deletion-window" }, { framework: "FSBP", id: "KMS.3" }],
  remediation: "Set deletionWindowInDays: 30 (or leave it unset) and protect the key resource (`protect: true`).",
  targets: [KMS_KEY, KMS_REPLICA_KEY, KMS_EXTERNAL_KEY],
  configSchema: { minDays: { type: "integer", default: 30, description: "Shortest accepted deletionWindowInDays (KMS allows 7-30)." } },
  validate({ props }, { config, report }) {
    const min = num(config["minDays"]) ?? 30;
    const value = props["deletionWindowInDays"];
    if (value === undefined || value === null) return;
    const days = num(value);
    if (days === undefined || days < min) report(`deletionWindowInDays is ${show(value)}; it must be at least ${min} days (or unset: 30).`);
  },
};

export const kmsRules = [kmsRotation, kmsPolicyNotPublic, kmsNoLockoutBypass, kmsDeletionWindow];
