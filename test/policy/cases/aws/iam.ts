/**
 * IAM and IRSA rules: the program's backup-job policy and IRSA trust as baselines, one change per case, every
 * policy-document spelling (JSON string or object, Statement object or array, string or list fields).
 */
import type { PolicyCase } from "../../support/cases";
import {
  ACCOUNT,
  backupJobPolicy,
  doc,
  edit,
  IAM,
  irsaRole,
  irsaTrust,
  ISSUER,
  KEY_ARN,
  OIDC_PROVIDER_ARN,
  policyHolder,
  serviceAccount,
  serviceTrust,
  UNKNOWN,
} from "../../fixtures/aws/s3-iam";

const allow = (Action: unknown, Resource: unknown, extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Action, Resource, ...extra });
const holder = (policy: unknown, type: string = IAM.ROLE_POLICY) => [policyHolder(type, policy)];
const attachment = (policyArn: unknown, type: string = IAM.ROLE_POLICY_ATTACHMENT) => [{ type, name: "attach", props: { role: "r", roles: ["r"], policyArn } }];
const role = (assumeRolePolicy: unknown) => [{ type: IAM.ROLE, name: "role", props: { assumeRolePolicy } }];
const roleArn = `arn:aws:iam::${ACCOUNT}:role/backup-irsa`;

/** What the Load Balancer Controller needs on "*": calls without resource-level permissions. */
const readOnlyDescribe = doc(allow(["ec2:Describe*", "ec2:GetSecurityGroupsForVpc", "elasticloadbalancing:Describe*", "acm:ListCertificates"], "*"));
/** An ownership-tag-scoped statement on "*", as the controller's policy writes it. */
const tagScoped = doc(allow(["ec2:AuthorizeSecurityGroupIngress", "ec2:DeleteSecurityGroup"], "*", { Condition: { Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } } }));

const podIdentityTrust = (condition?: Record<string, unknown>) =>
  doc({ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"], ...(condition ? { Condition: condition } : {}) });

export const iamCases: PolicyCase[] = [
  // iam-no-admin ----------------------------------------------------------------------------------------------
  { rule: "iam-no-admin", name: "backup job policy: named actions on the bucket prefix and key", expect: "pass", resources: irsaRole() },
  { rule: "iam-no-admin", name: "Action * on a single ARN is not full admin", expect: "pass", resources: holder(doc(allow("*", KEY_ARN))) },
  { rule: "iam-no-admin", name: "Deny * on *", expect: "pass", resources: holder(doc({ Effect: "Deny", Action: "*", Resource: "*" })) },
  { rule: "iam-no-admin", name: "Policy Action \"*\" on Resource \"*\"", expect: "fail", message: 'policy Statement[0]: Allow Action ["*"] on Resource ["*"]', resources: holder(doc(allow("*", "*")), IAM.POLICY) },
  {
    rule: "iam-no-admin",
    name: "policy as an object with Statement an object and Action \"*:*\"",
    expect: "fail", message: 'Allow Action ["*:*"] on Resource ["*"] grants every action on every resource',
    resources: holder({ Version: "2012-10-17", Statement: { Sid: "Admin", Effect: "Allow", Action: ["*:*"], Resource: ["*"] } }, IAM.POLICY),
  },
  { rule: "iam-no-admin", name: "Role inlinePolicies grant *", expect: "fail", message: "inlinePolicies[0].policy Statement[0]", resources: holder(doc(allow(["*"], "*")), IAM.ROLE) },
  { rule: "iam-no-admin", name: "NotAction on * (power user)", expect: "fail", message: "Allow NotAction", resources: holder(doc({ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" }), IAM.USER_POLICY) },
  { rule: "iam-no-admin", name: "Action * with NotResource", expect: "fail", message: "NotResource", resources: holder(doc({ Effect: "Allow", Action: "*", NotResource: KEY_ARN }), IAM.GROUP_POLICY) },
  { rule: "iam-no-admin", name: "policy is not JSON", expect: "fail", message: "not valid JSON", resources: holder("{'Statement': []}") },
  { rule: "iam-no-admin", name: "policy unknown at preview (built from ARNs)", expect: "undecided", resources: holder(UNKNOWN.string) },

  // iam-no-service-wildcards ----------------------------------------------------------------------------------
  { rule: "iam-no-service-wildcards", name: "backup job policy", expect: "pass", resources: irsaRole() },
  { rule: "iam-no-service-wildcards", name: "prefix patterns such as ec2:Describe* are fine", expect: "pass", resources: holder(readOnlyDescribe) },
  { rule: "iam-no-service-wildcards", name: "Deny s3:* (a TLS denial) is fine", expect: "pass", resources: holder(doc({ Effect: "Deny", Action: "s3:*", Resource: "*" })) },
  { rule: "iam-no-service-wildcards", name: "s3:* on the bucket", expect: "fail", message: 'Action ["s3:*"] grants every action of a service', resources: holder(doc(allow("s3:*", "arn:aws:s3:::b/*"))) },
  { rule: "iam-no-service-wildcards", name: "\"*\" on a key", expect: "fail", message: '["*"]', resources: holder(doc(allow(["kms:Decrypt", "*"], KEY_ARN)), IAM.POLICY) },
  { rule: "iam-no-service-wildcards", name: "service case does not hide it (KMS:*)", expect: "fail", message: 'Action ["KMS:*"] grants every action of a service', resources: holder(doc(allow("KMS:*", KEY_ARN)), IAM.ROLE) },
  { rule: "iam-no-service-wildcards", name: "logs:* in allowedWildcards", expect: "pass", config: { allowedWildcards: ["logs:*"] }, resources: holder(doc(allow("logs:*", "arn:aws:logs:eu-west-1:123456789012:log-group:x:*"))) },
  { rule: "iam-no-service-wildcards", name: "Allow NotAction", expect: "fail", message: "Allow NotAction", resources: holder(doc({ Effect: "Allow", NotAction: "iam:*", Resource: KEY_ARN })) },
  { rule: "iam-no-service-wildcards", name: "Action unknown at preview", expect: "undecided", resources: holder({ Statement: [{ Effect: "Allow", Action: UNKNOWN.array, Resource: "*" }] }, IAM.POLICY) },

  // iam-no-star-resource --------------------------------------------------------------------------------------
  { rule: "iam-no-star-resource", name: "Describe*/List* calls without resource-level permissions on *", expect: "pass", resources: holder(readOnlyDescribe) },
  { rule: "iam-no-star-resource", name: "backup job policy names every resource", expect: "pass", resources: irsaRole() },
  { rule: "iam-no-star-resource", name: "iam:CreateServiceLinkedRole on * (it takes a role ARN)", expect: "fail", message: '["iam:CreateServiceLinkedRole"], which support resource-level permissions', resources: holder(doc(allow("iam:CreateServiceLinkedRole", "*"))) },
  { rule: "iam-no-star-resource", name: "acm:DescribeCertificate on * (it takes a certificate ARN)", expect: "fail", message: "acm:DescribeCertificate", resources: holder(doc(allow(["acm:ListCertificates", "acm:DescribeCertificate"], ["*"]))) },
  { rule: "iam-no-star-resource", name: "ec2:* on * is wider than ec2:Describe*", expect: "fail", message: '["ec2:*"]', resources: holder(doc(allow("ec2:*", "*"))) },
  { rule: "iam-no-star-resource", name: "ec2:Des* on * may match more than Describe*", expect: "fail", message: 'Resource "*" for ["ec2:Des*"]', resources: holder(doc(allow("ec2:Des*", "*"))) },
  { rule: "iam-no-star-resource", name: "tag-conditioned statement on * (conditions do not count by default)", expect: "fail", message: "ec2:AuthorizeSecurityGroupIngress", resources: holder(tagScoped) },
  { rule: "iam-no-star-resource", name: "tag-conditioned statement on * with scopingConditionKeys", expect: "pass", config: { scopingConditionKeys: ["aws:ResourceTag/elbv2.k8s.aws/*"] }, resources: holder(tagScoped) },
  { rule: "iam-no-star-resource", name: "extraUnscopedActions extends the list", expect: "pass", config: { extraUnscopedActions: ["servicequotas:ListServices"] }, resources: holder(doc(allow("servicequotas:ListServices", "*"))) },
  { rule: "iam-no-star-resource", name: "NotAction on *", expect: "fail", message: "Allow NotAction", resources: holder(doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }), IAM.POLICY) },
  { rule: "iam-no-star-resource", name: "NotResource counts as every resource", expect: "fail", message: "NotResource", resources: holder(doc({ Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" })) },
  { rule: "iam-no-star-resource", name: "Resource unknown at preview", expect: "undecided", resources: holder({ Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: UNKNOWN.string } }, IAM.POLICY) },

  // iam-no-admin-managed-policies -----------------------------------------------------------------------------
  { rule: "iam-no-admin-managed-policies", name: "AmazonEKSClusterPolicy", expect: "pass", resources: attachment("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy") },
  { rule: "iam-no-admin-managed-policies", name: "AdministratorAccess attached to a role", expect: "fail", message: 'policyArn is "arn:aws:iam::aws:policy/AdministratorAccess"', resources: attachment("arn:aws:iam::aws:policy/AdministratorAccess") },
  { rule: "iam-no-admin-managed-policies", name: "IAMFullAccess in Role.managedPolicyArns", expect: "fail", message: "managedPolicyArns[1]", resources: [{ type: IAM.ROLE, name: "r", props: { assumeRolePolicy: serviceTrust(), managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/IAMFullAccess"] } }] },
  { rule: "iam-no-admin-managed-policies", name: "PowerUserAccess through PolicyAttachment in GovCloud", expect: "fail", message: "PowerUserAccess", resources: attachment("arn:aws-us-gov:iam::aws:policy/PowerUserAccess", IAM.POLICY_ATTACHMENT) },
  { rule: "iam-no-admin-managed-policies", name: "a customer policy that happens to be named AdministratorAccess", expect: "pass", resources: attachment(`arn:aws:iam::${ACCOUNT}:policy/AdministratorAccess`) },
  { rule: "iam-no-admin-managed-policies", name: "forbiddenPolicies setting adds AmazonS3FullAccess", expect: "fail", message: "the AWS-managed AmazonS3FullAccess", config: { forbiddenPolicies: ["AmazonS3FullAccess"] }, resources: attachment("arn:aws:iam::aws:policy/AmazonS3FullAccess") },
  { rule: "iam-no-admin-managed-policies", name: "policyArn unknown at preview", expect: "undecided", resources: attachment(UNKNOWN.string) },

  // iam-no-privesc --------------------------------------------------------------------------------------------
  { rule: "iam-no-privesc", name: "backup job policy: reads only its prefix", expect: "pass", resources: irsaRole() },
  { rule: "iam-no-privesc", name: "iam:PassRole on one role", expect: "pass", resources: holder(doc(allow("iam:PassRole", roleArn))) },
  { rule: "iam-no-privesc", name: "iam:PassRole on *", expect: "fail", message: 'privilege escalation actions ["iam:PassRole"] on Resource ["*"]', resources: holder(doc(allow("iam:PassRole", "*"))) },
  { rule: "iam-no-privesc", name: "iam:Put* on every role", expect: "fail", message: "iam:PutRolePolicy", resources: holder(doc(allow("iam:Put*", `arn:aws:iam::${ACCOUNT}:role/*`)), IAM.POLICY) },
  { rule: "iam-no-privesc", name: "s3:GetObject on every bucket's objects", expect: "fail", message: "data exfiltration", resources: holder(doc(allow(["s3:GetObject"], "arn:aws:s3:::*/*"))) },
  { rule: "iam-no-privesc", name: "secretsmanager:GetSecretValue on *", expect: "fail", message: "secretsmanager:GetSecretValue", resources: holder(doc(allow("secretsmanager:GetSecretValue", "*")), IAM.ROLE) },
  { rule: "iam-no-privesc", name: "iam:CreateAccessKey on every user", expect: "fail", message: "credentials exposure", resources: holder(doc(allow("iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT}:user/*`))) },
  { rule: "iam-no-privesc", name: "sts:AssumeRole with NotResource", expect: "fail", message: "sts:AssumeRole", resources: holder(doc({ Effect: "Allow", Action: "sts:AssumeRole", NotResource: roleArn })) },
  { rule: "iam-no-privesc", name: "NotAction on * grants every sensitive set", expect: "fail", message: "privilege escalation", resources: holder(doc({ Effect: "Allow", NotAction: "ec2:*", Resource: "*" })) },
  { rule: "iam-no-privesc", name: "Resource unknown at preview", expect: "undecided", resources: holder({ Statement: [allow("iam:PassRole", UNKNOWN.string)] }, IAM.POLICY) },

  // iam-kms-decrypt-scoped ------------------------------------------------------------------------------------
  { rule: "iam-kms-decrypt-scoped", name: "backup job policy: the backup key only", expect: "pass", resources: irsaRole() },
  { rule: "iam-kms-decrypt-scoped", name: "kms:Encrypt on * does not decrypt", expect: "pass", resources: holder(doc(allow("kms:Encrypt", "*"))) },
  { rule: "iam-kms-decrypt-scoped", name: "kms:Decrypt on *", expect: "fail", message: 'grants ["kms:Decrypt"] on Resource ["*"]', resources: holder(doc(allow("kms:Decrypt", "*")), IAM.POLICY) },
  { rule: "iam-kms-decrypt-scoped", name: "kms:* on every key ARN", expect: "fail", message: "arn:aws:kms:*:*:key/*", resources: holder(doc(allow("kms:*", "arn:aws:kms:*:*:key/*"))) },
  { rule: "iam-kms-decrypt-scoped", name: "kms:ReEncrypt* covers ReEncryptFrom", expect: "fail", message: "kms:ReEncryptFrom", resources: holder(doc(allow(["kms:ReEncrypt*"], ["*"])), IAM.ROLE) },
  { rule: "iam-kms-decrypt-scoped", name: "NotAction that does not exclude kms:Decrypt, on *", expect: "fail", message: 'grants ["kms:Decrypt","kms:ReEncryptFrom"] on Resource ["*"]', resources: holder(doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })) },
  { rule: "iam-kms-decrypt-scoped", name: "Resource unknown at preview", expect: "undecided", resources: holder({ Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: UNKNOWN.array }] }, IAM.POLICY) },

  // iam-trust-not-public --------------------------------------------------------------------------------------
  { rule: "iam-trust-not-public", name: "service principal trust", expect: "pass", resources: role(serviceTrust("eks.amazonaws.com")) },
  { rule: "iam-trust-not-public", name: "IRSA trust", expect: "pass", resources: role(irsaTrust()) },
  { rule: "iam-trust-not-public", name: "trust as an object", expect: "pass", resources: role({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/ci` }, Action: "sts:AssumeRole" }] }) },
  { rule: "iam-trust-not-public", name: "Principal \"*\"", expect: "fail", message: 'trusts Principal "*", which is anyone', resources: role(doc({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" })) },
  { rule: "iam-trust-not-public", name: "Principal {AWS: \"*\"}", expect: "fail", message: 'Principal {"AWS":["*"]}', resources: role(doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" })) },
  { rule: "iam-trust-not-public", name: "\"*\" inside an AWS principal list", expect: "fail", message: 'Principal {"AWS":["arn:aws:iam::123456789012:role/ci","*"]}, which is anyone in any account', resources: role({ Statement: { Effect: "Allow", Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:role/ci`, "*"] }, Action: "sts:AssumeRole" } }) },
  { rule: "iam-trust-not-public", name: "Allow with NotPrincipal", expect: "fail", message: "NotPrincipal", resources: role(doc({ Effect: "Allow", NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" })) },
  { rule: "iam-trust-not-public", name: "trust policy is not JSON", expect: "fail", message: "not valid JSON", resources: role("Statement: []") },
  { rule: "iam-trust-not-public", name: "trust unknown at preview", expect: "undecided", resources: role(UNKNOWN.string) },

  // irsa-trust-scoped -----------------------------------------------------------------------------------------
  { rule: "irsa-trust-scoped", name: "irsaTrustPolicy(): StringEquals on sub and aud", expect: "pass", resources: role(irsaTrust()) },
  { rule: "irsa-trust-scoped", name: "a role for a service is not an IRSA role", expect: "pass", resources: role(serviceTrust()) },
  { rule: "irsa-trust-scoped", name: "condition keys compared case-insensitively", expect: "pass", resources: role(irsaTrust("agents", "agents-backup", { StringEquals: { [`${ISSUER.toUpperCase()}:SUB`]: "system:serviceaccount:agents:agents-backup", [`${ISSUER}:aud`]: "sts.amazonaws.com" } })) },
  { rule: "irsa-trust-scoped", name: "no condition: every ServiceAccount of the cluster", expect: "fail", message: "so every ServiceAccount of the cluster may assume the role", resources: role(doc({ Effect: "Allow", Principal: { Federated: OIDC_PROVIDER_ARN }, Action: "sts:AssumeRoleWithWebIdentity" })) },
  {
    rule: "irsa-trust-scoped",
    name: "StringLike sub with a wildcard",
    expect: "fail",
    message: "Condition.StringLike",
    resources: role(irsaTrust("agents", "x", { StringLike: { [`${ISSUER}:sub`]: "system:serviceaccount:agents:*" }, StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" } })),
  },
  {
    rule: "irsa-trust-scoped",
    name: "StringEquals sub with a wildcard value",
    expect: "fail",
    message: "without wildcards",
    resources: role(irsaTrust("agents", "x", { StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:agents:*", [`${ISSUER}:aud`]: "sts.amazonaws.com" } })),
  },
  {
    rule: "irsa-trust-scoped",
    name: "two ServiceAccounts in one trust",
    expect: "fail",
    message: "exactly one",
    resources: role(irsaTrust("agents", "x", { StringEquals: { [`${ISSUER}:sub`]: ["system:serviceaccount:agents:a", "system:serviceaccount:agents:b"], [`${ISSUER}:aud`]: "sts.amazonaws.com" } })),
  },
  { rule: "irsa-trust-scoped", name: "aud omitted", expect: "fail", message: ':aud"] is unset', resources: role(irsaTrust("agents", "x", { StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:agents:x" } })) },
  {
    rule: "irsa-trust-scoped",
    name: "aud of another client",
    expect: "fail",
    message: 'is ["sts.example.com"]',
    resources: role(irsaTrust("agents", "x", { StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:agents:x", [`${ISSUER}:aud`]: "sts.example.com" } })),
  },
  { rule: "irsa-trust-scoped", name: "Pod Identity scoped by namespace and service account tags", expect: "pass", resources: role(podIdentityTrust({ StringEquals: { "aws:RequestTag/kubernetes-namespace": "agents", "aws:RequestTag/kubernetes-service-account": "agents-backup" } })) },
  { rule: "irsa-trust-scoped", name: "Pod Identity without tag conditions", expect: "fail", message: "aws:RequestTag/kubernetes-namespace", resources: role(podIdentityTrust()) },
  { rule: "irsa-trust-scoped", name: "trust unknown at preview (built from the OIDC provider ARN)", expect: "undecided", resources: role(UNKNOWN.string) },

  // irsa-sa-role-match ----------------------------------------------------------------------------------------
  { rule: "irsa-sa-role-match", name: "ServiceAccount linked through metadata to its role", expect: "pass", resources: [...irsaRole(), serviceAccount("agents-backup", "agents", roleArn, "backup-irsa")] },
  { rule: "irsa-sa-role-match", name: "literal role ARN found by the role's arn", expect: "pass", resources: [...irsaRole(), serviceAccount("agents-backup", "agents", roleArn)] },
  {
    rule: "irsa-sa-role-match",
    name: "literal role ARN found by role name",
    expect: "pass",
    resources: [...edit(irsaRole(), "backup-irsa", (r) => (r.outputs = { ...r.props, name: "backup-irsa" })), serviceAccount("agents-backup", "agents", roleArn)],
  },
  { rule: "irsa-sa-role-match", name: "ServiceAccount without the annotation is ignored", expect: "pass", resources: [...irsaRole(), { type: "kubernetes:core/v1:ServiceAccount", name: "plain-sa", props: { metadata: { name: "plain", namespace: "agents" } } }] },
  { rule: "irsa-sa-role-match", name: "ServiceAccount in another namespace than the trust", expect: "fail", message: 'it must trust "system:serviceaccount:tools:agents-backup"', resources: [...irsaRole(), serviceAccount("agents-backup", "tools", roleArn, "backup-irsa")] },
  { rule: "irsa-sa-role-match", name: "ServiceAccount name differs from the trust", expect: "fail", message: "trusts sub", resources: [...irsaRole(), serviceAccount("agents-restore", "agents", roleArn, "backup-irsa")] },
  { rule: "irsa-sa-role-match", name: "namespace unset: compared as default", expect: "fail", message: "metadata.namespace is unset", resources: [...irsaRole(), serviceAccount("agents-backup", undefined, roleArn, "backup-irsa")] },
  { rule: "irsa-sa-role-match", name: "role of a service (no IRSA trust)", expect: "fail", message: "of no ServiceAccount", resources: [...irsaRole("backup-irsa", backupJobPolicy(), serviceTrust()), serviceAccount("agents-backup", "agents", roleArn, "backup-irsa")] },
  { rule: "irsa-sa-role-match", name: "role not in the stack", expect: "fail", message: "a role not in this stack", resources: [serviceAccount("agents-backup", "agents", `arn:aws:iam::${ACCOUNT}:role/elsewhere`)] },
  { rule: "irsa-sa-role-match", name: "role not in the stack but listed in externalRoleArns", expect: "pass", config: { externalRoleArns: [`arn:aws:iam::${ACCOUNT}:role/platform-*`] }, resources: [...irsaRole(), serviceAccount("x", "agents", `arn:aws:iam::${ACCOUNT}:role/platform-dns`)] },
  { rule: "irsa-sa-role-match", name: "annotation empty", expect: "fail", message: "it must be the ARN of the role", resources: [...irsaRole(), serviceAccount("agents-backup", "agents", "")] },
  { rule: "irsa-sa-role-match", name: "linked role's trust unknown at preview", expect: "undecided", resources: [...edit(irsaRole(), "backup-irsa", (r) => (r.outputs = { assumeRolePolicy: UNKNOWN.string })), serviceAccount("agents-backup", "agents", UNKNOWN.string, "backup-irsa")] },
  { rule: "irsa-sa-role-match", name: "annotation unknown at preview and not linked to a role", expect: "undecided", resources: [...irsaRole(), serviceAccount("agents-backup", "agents", UNKNOWN.string)] },
  {
    rule: "irsa-sa-role-match",
    name: "trust admits the ServiceAccount through a StringLike pattern (irsa-trust-scoped flags the pattern)",
    expect: "pass",
    resources: [
      ...irsaRole("backup-irsa", backupJobPolicy(), irsaTrust("agents", "x", { StringLike: { [`${ISSUER}:sub`]: "system:serviceaccount:agents:agents-*" } })),
      serviceAccount("agents-backup", "agents", roleArn, "backup-irsa"),
    ],
  },
];
