/** EKS rules (catalogue §3.4, §5.2): API endpoint exposure, secrets encryption, audit logs, version, node SSH. */
import { always, type ResourceRule } from "../../../lib/rule";
import { asArray, get, isRecord, records, show, str, strings } from "../../../lib/values";
import { describe, EKS_CLUSTER, EKS_NODE_GROUP, isSet, isSetAt, parseVersion, versionAtLeast } from "../lib/props";

/** A CIDR that admits every address: 0.0.0.0/0, ::/0 or any other /0. */
function isOpenCidr(cidr: string): boolean {
  return /\/0$/.test(cidr.trim());
}

export const eksPrivateEndpoint: ResourceRule = {
  kind: "resource",
  id: "eks-private-endpoint",
  title: "EKS API endpoint private",
  description:
    "EKS clusters set vpcConfig.endpointPrivateAccess: true and vpcConfig.endpointPublicAccess: false. With the config flag allowPublicWithRestrictedCidrs, a public endpoint is accepted when vpcConfig.publicAccessCidrs lists CIDRs and none of them is open (/0).",
  severity: "critical",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "EKS.1" },
    { framework: "CKV", id: "CKV_AWS_39" },
    { framework: "CKV", id: "CKV_AWS_38" },
    { framework: "AVD", id: "AWS-0040" },
    { framework: "AVD", id: "AWS-0041" },
  ],
  remediation:
    "Set vpcConfig.endpointPrivateAccess: true and endpointPublicAccess: false, and run deployments from inside the VPC; if a public endpoint is unavoidable, list the exact egress CIDRs in publicAccessCidrs and enable allowPublicWithRestrictedCidrs in the pack config with the reason.",
  targets: [EKS_CLUSTER],
  configSchema: {
    allowPublicWithRestrictedCidrs: {
      type: "boolean",
      default: false,
      description: "Accept a public API endpoint when vpcConfig.publicAccessCidrs is non-empty and has no /0 entry (the endpoint stays reachable only from those CIDRs).",
    },
  },
  validate({ props }, { config, report }) {
    const vpc = props["vpcConfig"];
    const privateAccess = get(vpc, "endpointPrivateAccess");
    if (privateAccess !== true) report(`${describe("vpcConfig.endpointPrivateAccess", privateAccess, "default false")}; it must be true so nodes and pods reach the API inside the VPC.`);
    const publicAccess = get(vpc, "endpointPublicAccess");
    if (publicAccess === false) return;
    const opening = describe("vpcConfig.endpointPublicAccess", publicAccess, "default true");
    if (config["allowPublicWithRestrictedCidrs"] !== true) {
      report(`${opening}; it must be false (a public endpoint with restricted publicAccessCidrs needs allowPublicWithRestrictedCidrs in the pack config).`);
      return;
    }
    const cidrsValue = get(vpc, "publicAccessCidrs");
    const cidrs = strings(cidrsValue);
    if (cidrs.length === 0) report(`${opening} and ${describe("vpcConfig.publicAccessCidrs", cidrsValue, "EKS defaults it to 0.0.0.0/0")}; it must list the CIDRs allowed to reach the API.`);
    const open = cidrs.filter(isOpenCidr);
    if (open.length > 0) report(`${opening} and vpcConfig.publicAccessCidrs includes ${show(open)}, which admits every address; it must list only specific CIDRs.`);
  },
};

export const eksSecretsEncryption: ResourceRule = {
  kind: "resource",
  id: "eks-secrets-encryption",
  title: "EKS secrets envelope-encrypted with KMS",
  description: 'EKS clusters set encryptionConfig with resources including "secrets" and provider.keyArn naming a KMS key.',
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "EKS.3" },
    { framework: "CKV", id: "CKV_AWS_58" },
    { framework: "AVD", id: "AWS-0039" },
  ],
  remediation: 'Set encryptionConfig: { resources: ["secrets"], provider: { keyArn: <customer-managed KMS key ARN> } }.',
  targets: [EKS_CLUSTER],
  validate({ props }, { report }) {
    const value = props["encryptionConfig"];
    const configs = records(value);
    if (configs.length === 0) {
      report(`${describe("encryptionConfig", value, "Kubernetes secrets are only encrypted by EBS")}; it must envelope-encrypt "secrets" with a KMS key.`);
      return;
    }
    const forSecrets = configs.filter((c) => strings(c["resources"]).includes("secrets"));
    if (forSecrets.length === 0) {
      report(`encryptionConfig.resources is ${show(configs.flatMap((c) => asArray(c["resources"])))}; it must include "secrets".`);
      return;
    }
    if (!forSecrets.some((c) => isSetAt(c, "provider.keyArn"))) report("encryptionConfig.provider.keyArn is unset; it must be the ARN of a KMS key.");
  },
};

export const eksControlPlaneLogging: ResourceRule = {
  kind: "resource",
  id: "eks-control-plane-logging",
  title: "EKS control-plane audit logging",
  description: "EKS clusters list the required control-plane log types in enabledClusterLogTypes: audit by default (configurable; api, authenticator, controllerManager and scheduler are recommended).",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "EKS.8" },
    { framework: "CKV", id: "CKV_AWS_37" },
    { framework: "AVD", id: "AWS-0038" },
  ],
  remediation: 'Set enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"] and create the /aws/eks/<name>/cluster log group with a retention first.',
  targets: [EKS_CLUSTER],
  configSchema: {
    requiredLogTypes: {
      type: "array",
      items: { type: "string", enum: ["api", "audit", "authenticator", "controllerManager", "scheduler"] },
      default: ["audit"],
      description: "Control-plane log types every cluster must enable.",
    },
  },
  validate({ props }, { config, report }) {
    const value = props["enabledClusterLogTypes"];
    const enabled = strings(value);
    const required = strings(config["requiredLogTypes"]);
    const missing = required.filter((t) => !enabled.includes(t));
    if (missing.length > 0) report(`${describe("enabledClusterLogTypes", value, "no control-plane logs")}; it must include ${show(required)} (missing ${show(missing)}).`);
  },
};

export const eksSupportedVersion: ResourceRule = {
  kind: "resource",
  id: "eks-supported-version",
  title: "EKS on a supported Kubernetes version",
  description: "EKS clusters pin version to at least the configured minimum (default 1.33, the oldest version still in EKS support in November 2026; raise it with the EKS release calendar).",
  severity: "medium",
  enforcement: always("advisory"),
  references: [
    { framework: "FSBP", id: "EKS.2" },
    { framework: "CKV", id: "CKV_AWS_339" },
  ],
  remediation: "Upgrade the cluster one minor version at a time (control plane, then add-ons and node groups) and pin version to the result.",
  targets: [EKS_CLUSTER],
  configSchema: { minimumVersion: { type: "string", default: "1.33", description: "Oldest accepted Kubernetes minor version (major.minor)." } },
  validate({ props }, { config, report }) {
    const minText = str(config["minimumVersion"]) ?? "1.33";
    const min = parseVersion(minText) ?? [1, 33];
    const value = props["version"];
    if (value === undefined || value === null) {
      report(`version is unset: EKS picks its default at creation and the cluster then ages without a diff; it must be pinned to ${minText} or later.`);
      return;
    }
    const v = typeof value === "string" ? parseVersion(value) : undefined;
    if (!v || !versionAtLeast(v, min)) report(`version is ${show(value)}; it must be ${minText} or later (an older version is out of EKS support or close to it).`);
  },
};

export const eksNodegroupNoOpenSsh: ResourceRule = {
  kind: "resource",
  id: "eks-nodegroup-no-open-ssh",
  title: "EKS node group SSH not open to the internet",
  description: "EKS managed node groups either omit remoteAccess or restrict it with remoteAccess.sourceSecurityGroupIds; with only ec2SshKey, EKS opens port 22 to 0.0.0.0/0.",
  severity: "high",
  enforcement: always("mandatory"),
  references: [{ framework: "CKV", id: "CKV_AWS_100" }],
  remediation: "Drop remoteAccess (use SSM Session Manager), or set remoteAccess.sourceSecurityGroupIds to the bastion's security group.",
  targets: [EKS_NODE_GROUP],
  validate({ props }, { report }) {
    const remote = props["remoteAccess"];
    if (!isRecord(remote) || Object.keys(remote).length === 0) return;
    const sgs = remote["sourceSecurityGroupIds"];
    if (Array.isArray(sgs) && sgs.length > 0) return;
    const opening = isSet(remote, "ec2SshKey") ? "remoteAccess.ec2SshKey is set" : "remoteAccess is set";
    report(`${opening} and ${describe("remoteAccess.sourceSecurityGroupIds", sgs)}, so EKS opens SSH (port 22) to 0.0.0.0/0; it must list the security groups allowed to connect, or remoteAccess must be removed.`);
  },
};

export const eksRules = [eksPrivateEndpoint, eksSecretsEncryption, eksControlPlaneLogging, eksSupportedVersion, eksNodegroupNoOpenSsh];
