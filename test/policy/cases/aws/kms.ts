import type { FixtureResource, PolicyCase } from "../../support/cases";
import { KMS_KEY, KMS_KEY_POLICY, KMS_REPLICA_KEY, OMIT, UNKNOWN, keyPolicyDocument, kmsKey, patch, publicStatement, viaServiceStatement } from "../../fixtures/aws/data-services";

type Obj = Record<string, unknown>;
const key = (changes: Record<string, unknown> = {}): FixtureResource[] => [{ type: KMS_KEY, name: "db-key", props: patch(kmsKey(), changes) }];
const keyWithPolicy = (policy: unknown): FixtureResource[] => key({ policy });
/** A key and a standalone KeyPolicy whose keyId was computed from it. */
const keyAndPolicy = (policy: unknown, changes: Obj = {}): FixtureResource[] => [
  ...key(),
  { type: KMS_KEY_POLICY, name: "db-key-policy", props: { keyId: "0f0e0d0c-0b0a-4909-8807-060504030201", policy, ...changes }, propertyDependencies: { keyId: ["db-key"] } },
];
const withStatement = (s: Obj) => keyPolicyDocument([s]);

const rotation: PolicyCase[] = [
  { rule: "kms-rotation", name: "enableKeyRotation true", expect: "pass", resources: key() },
  { rule: "kms-rotation", name: "enableKeyRotation omitted (default false)", expect: "fail", message: "enableKeyRotation is unset (default false)", resources: key({ enableKeyRotation: OMIT }) },
  { rule: "kms-rotation", name: "enableKeyRotation false", expect: "fail", message: "enableKeyRotation is false", resources: key({ enableKeyRotation: false }) },
  { rule: "kms-rotation", name: "asymmetric RSA key cannot rotate", expect: "not-applicable", reason: 'customerMasterKeySpec is "RSA_2048"', resources: key({ enableKeyRotation: OMIT, customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }) },
  { rule: "kms-rotation", name: "key in a custom key store cannot rotate", expect: "not-applicable", reason: "custom key store", resources: key({ enableKeyRotation: OMIT, customKeyStoreId: "cks-1234567890abcdef0" }) },
  { rule: "kms-rotation", name: "SYMMETRIC_DEFAULT spelled out still needs rotation", expect: "fail", message: "enableKeyRotation is unset (default false); it must be true for a symmetric key", resources: key({ enableKeyRotation: OMIT, customerMasterKeySpec: "SYMMETRIC_DEFAULT" }) },
  { rule: "kms-rotation", name: "rotationPeriodInDays 90", expect: "pass", resources: key({ rotationPeriodInDays: 90 }) },
  { rule: "kms-rotation", name: "rotationPeriodInDays 730 exceeds a year", expect: "fail", message: "rotationPeriodInDays is 730; it must be at most 365", resources: key({ rotationPeriodInDays: 730 }) },
  { rule: "kms-rotation", name: "enableKeyRotation unknown at preview", expect: "undecided", resources: key({ enableKeyRotation: UNKNOWN.boolean }) },
];

const notPublic: PolicyCase[] = [
  { rule: "kms-policy-not-public", name: "no policy: the default key policy (account only)", expect: "pass", resources: key() },
  { rule: "kms-policy-not-public", name: "explicit policy with named principals (object)", expect: "pass", resources: keyWithPolicy(keyPolicyDocument()) },
  { rule: "kms-policy-not-public", name: "explicit policy as a JSON string", expect: "pass", resources: keyWithPolicy(JSON.stringify(keyPolicyDocument())) },
  { rule: "kms-policy-not-public", name: 'Principal "*" pinned by kms:CallerAccount and kms:ViaService', expect: "pass", resources: keyWithPolicy(withStatement(viaServiceStatement)) },
  { rule: "kms-policy-not-public", name: 'Principal "*" pinned by aws:PrincipalOrgID', expect: "pass", resources: keyWithPolicy(withStatement({ ...publicStatement, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123def4" } } })) },
  { rule: "kms-policy-not-public", name: 'Deny for Principal "*" is not a grant', expect: "pass", resources: keyWithPolicy(withStatement({ ...publicStatement, Effect: "Deny" })) },
  { rule: "kms-policy-not-public", name: 'Allow to Principal "*" without Condition', expect: "fail", message: 'db-key: policy Statement[2] (Sid "Everyone") allows ["kms:Decrypt"] to Principal "*" and no Condition', resources: keyWithPolicy(withStatement(publicStatement)) },
  { rule: "kms-policy-not-public", name: 'Allow to { AWS: "*" } in a JSON string', expect: "fail", message: 'Principal "*"', resources: keyWithPolicy(JSON.stringify(withStatement({ ...publicStatement, Principal: { AWS: "*" } }))) },
  { rule: "kms-policy-not-public", name: '"*" among other principals in an array', expect: "fail", message: 'to Principal "*" and no Condition', resources: keyWithPolicy(withStatement({ ...publicStatement, Principal: { AWS: ["arn:aws:iam::123456789012:role/x", "*"] } })) },
  { rule: "kms-policy-not-public", name: "Statement as a single object, not a list", expect: "fail", message: "Statement[0]", resources: keyWithPolicy({ Version: "2012-10-17", Statement: publicStatement }) },
  { rule: "kms-policy-not-public", name: "negated condition does not restrict", expect: "fail", message: "only conditions that do not restrict the caller (StringNotEquals aws:PrincipalAccount)", resources: keyWithPolicy(withStatement({ ...publicStatement, Condition: { StringNotEquals: { "aws:PrincipalAccount": "999999999999" } } })) },
  { rule: "kms-policy-not-public", name: "IfExists condition does not restrict", expect: "fail", message: "only conditions that do not restrict the caller (StringEqualsIfExists kms:CallerAccount)", resources: keyWithPolicy(withStatement({ ...publicStatement, Condition: { StringEqualsIfExists: { "kms:CallerAccount": "123456789012" } } })) },
  { rule: "kms-policy-not-public", name: "aws:SourceIp does not pin the caller's identity", expect: "fail", message: "only conditions that do not restrict the caller (IpAddress aws:SourceIp)", resources: keyWithPolicy(withStatement({ ...publicStatement, Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } })) },
  { rule: "kms-policy-not-public", name: 'wildcard condition value "*"', expect: "fail", message: "only conditions that do not restrict the caller (StringLike aws:PrincipalArn)", resources: keyWithPolicy(withStatement({ ...publicStatement, Condition: { StringLike: { "aws:PrincipalArn": "*" } } })) },
  { rule: "kms-policy-not-public", name: "Allow with NotPrincipal grants everyone else", expect: "fail", message: "NotPrincipal", resources: keyWithPolicy(withStatement({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:role/x" }, Action: "kms:*", Resource: "*" })) },
  { rule: "kms-policy-not-public", name: "standalone KeyPolicy joined by keyId, public", expect: "fail", message: "the key policy of db-key (KeyPolicy db-key-policy)", resources: keyAndPolicy(withStatement(publicStatement)) },
  { rule: "kms-policy-not-public", name: "standalone KeyPolicy joined by keyId, scoped", expect: "pass", resources: keyAndPolicy(JSON.stringify(keyPolicyDocument())) },
  { rule: "kms-policy-not-public", name: "standalone KeyPolicy for a key outside the stack", expect: "fail", message: "KeyPolicy external-policy: policy", resources: [{ type: KMS_KEY_POLICY, name: "external-policy", props: { keyId: "mrk-0123", policy: withStatement(publicStatement) } }] },
  { rule: "kms-policy-not-public", name: "replica key with a public policy", expect: "fail", message: 'replica: policy Statement[2] (Sid "Everyone") allows ["kms:Decrypt"] to Principal "*"', resources: [{ type: KMS_REPLICA_KEY, name: "replica", props: { primaryKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/mrk-1", policy: withStatement(publicStatement) } }] },
  { rule: "kms-policy-not-public", name: "policy built from unknown ARNs at preview", expect: "undecided", resources: keyWithPolicy(UNKNOWN.string) },
  { rule: "kms-policy-not-public", name: "Key policy that is not valid JSON is reported, not a crash", expect: "fail", message: "db-key: policy is not valid JSON", resources: keyWithPolicy("{") },
  { rule: "kms-policy-not-public", name: "KeyPolicy policy that is not valid JSON is reported, not a crash", expect: "fail", message: "the key policy of db-key (KeyPolicy db-key-policy): policy is not valid JSON", resources: keyAndPolicy("{") },
];

const lockout: PolicyCase[] = [
  { rule: "kms-no-lockout-bypass", name: "bypassPolicyLockoutSafetyCheck omitted", expect: "pass", resources: key() },
  { rule: "kms-no-lockout-bypass", name: "bypassPolicyLockoutSafetyCheck false", expect: "pass", resources: key({ bypassPolicyLockoutSafetyCheck: false }) },
  { rule: "kms-no-lockout-bypass", name: "Key bypassPolicyLockoutSafetyCheck true", expect: "fail", message: "bypassPolicyLockoutSafetyCheck is true", resources: key({ bypassPolicyLockoutSafetyCheck: true }) },
  { rule: "kms-no-lockout-bypass", name: "KeyPolicy bypassPolicyLockoutSafetyCheck true", expect: "fail", message: "bypassPolicyLockoutSafetyCheck is true", resources: keyAndPolicy(keyPolicyDocument(), { bypassPolicyLockoutSafetyCheck: true }) },
  { rule: "kms-no-lockout-bypass", name: "bypassPolicyLockoutSafetyCheck unknown at preview", expect: "undecided", resources: key({ bypassPolicyLockoutSafetyCheck: UNKNOWN.boolean }) },
];

const deletionWindow: PolicyCase[] = [
  { rule: "kms-deletion-window", name: "30 days", expect: "pass", resources: key() },
  { rule: "kms-deletion-window", name: "deletionWindowInDays omitted (30)", expect: "pass", resources: key({ deletionWindowInDays: OMIT }) },
  { rule: "kms-deletion-window", name: "7 days, the KMS minimum", expect: "fail", level: "advisory", message: "deletionWindowInDays is 7; it must be at least 30 days", resources: key({ deletionWindowInDays: 7 }) },
  { rule: "kms-deletion-window", name: "config minDays 14 accepts 14", expect: "pass", config: { minDays: 14 }, resources: key({ deletionWindowInDays: 14 }) },
  { rule: "kms-deletion-window", name: "deletionWindowInDays unknown at preview", expect: "undecided", resources: key({ deletionWindowInDays: UNKNOWN.number }) },
];

export const kmsCases: PolicyCase[] = [...rotation, ...notPublic, ...lockout, ...deletionWindow];
