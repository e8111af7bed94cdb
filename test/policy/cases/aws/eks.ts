import type { FixtureResource, PolicyCase } from "../../support/cases";
import { EKS_CLUSTER, EKS_NODE_GROUP, KEY_ARN, OMIT, UNKNOWN, eksCluster, eksClusterPublicRestricted, nodeGroup, patch } from "../../fixtures/aws/data-services";

const cluster = (changes: Record<string, unknown> = {}): FixtureResource[] => [{ type: EKS_CLUSTER, name: "agents-cluster-eks", props: patch(eksCluster(), changes) }];
const publicCluster = (cidrs?: unknown): FixtureResource[] => [{ type: EKS_CLUSTER, name: "agents-cluster-eks", props: eksClusterPublicRestricted(cidrs) }];
const nodes = (changes: Record<string, unknown> = {}): FixtureResource[] => [{ type: EKS_NODE_GROUP, name: "agents-cluster-nodes", props: patch(nodeGroup(), changes) }];
const allowRestricted = { allowPublicWithRestrictedCidrs: true };

const privateEndpoint: PolicyCase[] = [
  { rule: "eks-private-endpoint", name: "private endpoint only", expect: "pass", resources: cluster() },
  { rule: "eks-private-endpoint", name: "endpointPublicAccess omitted (default true)", expect: "fail", message: "vpcConfig.endpointPublicAccess is unset (default true); it must be false", resources: cluster({ "vpcConfig.endpointPublicAccess": OMIT }) },
  { rule: "eks-private-endpoint", name: "endpointPrivateAccess omitted (default false)", expect: "fail", message: "vpcConfig.endpointPrivateAccess is unset (default false)", resources: cluster({ "vpcConfig.endpointPrivateAccess": OMIT }) },
  {
    rule: "eks-private-endpoint",
    name: "public with restricted CIDRs (the prod stack's shape) without the config flag",
    expect: "fail",
    message: "needs allowPublicWithRestrictedCidrs in the pack config",
    resources: publicCluster(),
  },
  { rule: "eks-private-endpoint", name: "public with restricted CIDRs, flag set", expect: "pass", config: allowRestricted, resources: publicCluster() },
  { rule: "eks-private-endpoint", name: "flag set but 0.0.0.0/0 listed", expect: "fail", config: allowRestricted, message: 'includes ["0.0.0.0/0"]', resources: publicCluster(["203.0.113.0/24", "0.0.0.0/0"]) },
  { rule: "eks-private-endpoint", name: "flag set but ::/0 listed", expect: "fail", config: allowRestricted, message: 'includes ["::/0"]', resources: publicCluster(["::/0"]) },
  { rule: "eks-private-endpoint", name: "flag set but publicAccessCidrs omitted (EKS opens 0.0.0.0/0)", expect: "fail", config: allowRestricted, message: "vpcConfig.publicAccessCidrs is unset (EKS defaults it to 0.0.0.0/0)", resources: publicCluster(OMIT) },
  { rule: "eks-private-endpoint", name: "flag set, restricted, but private access off", expect: "fail", config: allowRestricted, message: "vpcConfig.endpointPrivateAccess is false", resources: [{ type: EKS_CLUSTER, name: "c", props: patch(eksClusterPublicRestricted(), { "vpcConfig.endpointPrivateAccess": false }) }] },
  { rule: "eks-private-endpoint", name: "endpointPublicAccess unknown at preview", expect: "undecided", resources: cluster({ "vpcConfig.endpointPublicAccess": UNKNOWN.boolean }) },
];

const secretsEncryption: PolicyCase[] = [
  { rule: "eks-secrets-encryption", name: "secrets encrypted with a KMS key", expect: "pass", resources: cluster() },
  { rule: "eks-secrets-encryption", name: "encryptionConfig as a one-element list (older provider shape)", expect: "pass", resources: cluster({ encryptionConfig: [{ resources: ["secrets"], provider: { keyArn: KEY_ARN } }] }) },
  { rule: "eks-secrets-encryption", name: "encryptionConfig omitted", expect: "fail", message: "encryptionConfig is unset", resources: cluster({ encryptionConfig: OMIT }) },
  { rule: "eks-secrets-encryption", name: "resources without secrets", expect: "fail", message: 'it must include "secrets"', resources: cluster({ "encryptionConfig.resources": [] }) },
  { rule: "eks-secrets-encryption", name: "provider keyArn missing", expect: "fail", message: "encryptionConfig.provider.keyArn is unset", resources: cluster({ "encryptionConfig.provider": OMIT }) },
  { rule: "eks-secrets-encryption", name: "keyArn unknown at preview still counts as set", expect: "pass", resources: cluster({ "encryptionConfig.provider.keyArn": UNKNOWN.string }) },
  { rule: "eks-secrets-encryption", name: "encryptionConfig unknown at preview", expect: "undecided", resources: cluster({ encryptionConfig: UNKNOWN.object }) },
];

const logging: PolicyCase[] = [
  { rule: "eks-control-plane-logging", name: "all five log types", expect: "pass", resources: cluster() },
  { rule: "eks-control-plane-logging", name: "audit only (the default requirement)", expect: "pass", resources: cluster({ enabledClusterLogTypes: ["audit"] }) },
  { rule: "eks-control-plane-logging", name: "enabledClusterLogTypes omitted", expect: "fail", message: 'enabledClusterLogTypes is unset (no control-plane logs); it must include ["audit"]', resources: cluster({ enabledClusterLogTypes: OMIT }) },
  { rule: "eks-control-plane-logging", name: "audit missing", expect: "fail", message: 'missing ["audit"]', resources: cluster({ enabledClusterLogTypes: ["api", "authenticator"] }) },
  {
    rule: "eks-control-plane-logging",
    name: "config requires all five, scheduler missing",
    expect: "fail",
    config: { requiredLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"] },
    message: 'missing ["scheduler"]',
    resources: cluster({ enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager"] }),
  },
  { rule: "eks-control-plane-logging", name: "log types unknown at preview", expect: "undecided", resources: cluster({ enabledClusterLogTypes: UNKNOWN.array }) },
];

const version: PolicyCase[] = [
  { rule: "eks-supported-version", name: "1.34 (the program's pin)", expect: "pass", resources: cluster() },
  { rule: "eks-supported-version", name: "1.33, the default minimum", expect: "pass", resources: cluster({ version: "1.33" }) },
  { rule: "eks-supported-version", name: "1.30 is out of support", expect: "fail", level: "advisory", message: 'version is "1.30"; it must be 1.33 or later', resources: cluster({ version: "1.30" }) },
  { rule: "eks-supported-version", name: "version omitted", expect: "fail", message: "version is unset", resources: cluster({ version: OMIT }) },
  { rule: "eks-supported-version", name: "config minimumVersion 1.35 rejects 1.34", expect: "fail", config: { minimumVersion: "1.35" }, message: "it must be 1.35 or later", resources: cluster() },
  { rule: "eks-supported-version", name: "2.0 compares by major first", expect: "pass", resources: cluster({ version: "2.0" }) },
  { rule: "eks-supported-version", name: "version unknown at preview", expect: "undecided", resources: cluster({ version: UNKNOWN.string }) },
];

const ssh: PolicyCase[] = [
  { rule: "eks-nodegroup-no-open-ssh", name: "no remoteAccess (launch template, SSM)", expect: "pass", resources: nodes() },
  { rule: "eks-nodegroup-no-open-ssh", name: "SSH key restricted to a bastion security group", expect: "pass", resources: nodes({ remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-0b1a2c3d4e5f60718"] } }) },
  { rule: "eks-nodegroup-no-open-ssh", name: "SSH key without source security groups opens 0.0.0.0/0", expect: "fail", message: "remoteAccess.sourceSecurityGroupIds is unset", resources: nodes({ remoteAccess: { ec2SshKey: "ops" } }) },
  { rule: "eks-nodegroup-no-open-ssh", name: "empty source security group list", expect: "fail", message: "remoteAccess.sourceSecurityGroupIds is []", resources: nodes({ remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: [] } }) },
  { rule: "eks-nodegroup-no-open-ssh", name: "remoteAccess unknown at preview", expect: "undecided", resources: nodes({ remoteAccess: UNKNOWN.object }) },
];

export const eksCases: PolicyCase[] = [...privateEndpoint, ...secretsEncryption, ...logging, ...version, ...ssh];
