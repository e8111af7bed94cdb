import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createKmsKey } from "../secrets/kms-key";
import { CiRunner } from "./ci-runner";
import { createIrsaRole } from "./irsa-role";
import { eksKubeconfig } from "./kubeconfig";
import { LoadBalancerController } from "./load-balancer-controller";
import { Network } from "./network";

export interface EksClusterArgs {
  /** Physical cluster name, unique in the account and region. Default: the component's resource name. */
  clusterName?: string;
  /** Kubernetes version, pinned (for example 1.34). Required. */
  version: string;
  /** AWS region, for the kubeconfig. Required. */
  region: string;
  /** VPC CIDR. Required. */
  vpcCidr: string;
  /** Availability zones to span, at least 2. Required. */
  zones: number;
  /** CIDRs allowed to reach the public API endpoint. Default: none, the public endpoint is off. */
  publicAccessCidrs?: string[];
  /** Node group instance types, all of one CPU architecture. Required. */
  nodeInstanceTypes: string[];
  /** Node group minimum, desired and maximum sizes. Required. */
  nodeMinSize: number;
  nodeDesiredSize: number;
  nodeMaxSize: number;
  /** Refuse to delete the cluster through the API. Default false. */
  deletionProtection?: boolean;
  /**
   * IAM roles or users given cluster admin (AmazonEKSClusterAdminPolicy) through EKS access entries: the deploy roles.
   * The identity that creates the cluster gets nothing implicitly, so it must be listed. Default: none.
   */
  adminPrincipalArns?: string[];
  /** IAM roles or users given read access (AmazonEKSViewPolicy, no Secrets): preview roles and people. Default: none. */
  viewerPrincipalArns?: string[];
  /** A CodeBuild-hosted GitHub Actions runner in the private subnets, for CI against a private endpoint. Default: none. */
  ciRunner?: { repositoryUrl: string; connectionArn: string };
  /** Days the control-plane and flow logs are kept. Default 90. */
  logRetentionDays?: number;
  /** The stack's ECR pull-through cache namespace (`<ns>/<upstream>/…` repositories), which the nodes may import into. Default: none. */
  pullThroughCacheNamespace?: string;
}

/**
 * What a node needs to pull through a cache rule, beyond AmazonEC2ContainerRegistryReadOnly: ecr:BatchImportUpstreamImage
 * ("retrieve the external image and import it to your private registry") and ecr:CreateRepository ("required if the
 * repository storing the cached images doesn't already exist"), docs.aws.amazon.com/AmazonECR/latest/userguide/
 * pull-through-cache-iam.html. Only on the stack's cache repositories: both act on the repository resource type
 * (arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}, the Service Authorization Reference).
 */
export function nodePullThroughPolicy(partition: string, region: string, account: string, namespace: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Sid: "PullThroughCacheImport", Effect: "Allow", Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
      Resource: `arn:${partition}:ecr:${region}:${account}:repository/${namespace}/*`,
    }],
  });
}

// Graviton families carry a `g` after the generation digit (m7g, c7gn, t4g, r8g).
const isArm = (instanceType: string): boolean => /^[a-z]+\d+[a-z]*g[a-z]*\./.test(instanceType.replace(/-flex/, ""));

/** The EKS AMI type for a set of instance types; throws when they mix CPU architectures. */
export function amiTypeFor(instanceTypes: string[]): string {
  const arm = instanceTypes.filter(isArm);
  if (arm.length > 0 && arm.length < instanceTypes.length) {
    throw new Error(`cluster.nodeInstanceTypes mixes arm64 (${arm.join(", ")}) and x86_64 types; one node group runs one architecture`);
  }
  return arm.length > 0 ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

const policy = (partition: pulumi.Input<string>, name: string) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${name}`;

/** The cluster role's rights on the secrets-encryption key (terraform-aws-eks@v21.19.0:main.tf:584-590). */
export function clusterEncryptionPolicy(keyArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "EnvelopeEncryptSecrets", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: keyArn }],
  });
}

/** A stable, readable resource-name suffix for a principal's access entry: the role or user name, plus a short hash of the ARN. */
function accessEntrySuffix(principalArn: string): string {
  const tail = (principalArn.split("/").pop() ?? "principal").toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 40);
  return `${tail}-${createHash("sha256").update(principalArn).digest("hex").slice(0, 6)}`;
}

/**
 * An EKS cluster as terraform-aws-eks builds it by default, and then some: private API endpoint (public only for
 * listed CIDRs), secrets envelope-encrypted with a customer-managed KMS key, control-plane logs, an IAM OIDC
 * provider for IRSA, a managed node group in private subnets with IMDSv2 and encrypted volumes, and the add-ons
 * the platform relies on, the VPC CNI and EBS CSI driver running with their own IRSA roles, not the node's.
 */
export class EksCluster extends pulumi.ComponentResource {
  public readonly clusterName: pulumi.Output<string>;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly oidcProviderArn: pulumi.Output<string>;
  public readonly oidcIssuerUrl: pulumi.Output<string>;
  /** Security group EKS attaches to the control plane and managed nodes: what databases admit traffic from. */
  public readonly clusterSecurityGroupId: pulumi.Output<string>;
  public readonly vpcId: pulumi.Output<string>;
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  public readonly vpcCidr: pulumi.Output<string>;
  /** CIDRs of the public subnets (the ALB's): the only sources the server admits through an ALB. */
  public readonly publicSubnetCidrs: pulumi.Output<string[]>;
  public readonly provider: k8s.Provider;
  /** The AWS Load Balancer Controller's IAM role. */
  public readonly loadBalancerControllerRoleArn: pulumi.Output<string>;
  /**
   * Controllers that put finalizers on objects the platform creates (the load balancer controller's Helm release):
   * such objects depend on them, so a destroy deletes them while their controller still runs to clear the finalizer.
   */
  public readonly controllers: pulumi.Resource[];
  /** `runs-on` prefix of the CI runner in the VPC (`codebuild-<project>`), or undefined without one. */
  public readonly ciRunsOnPrefix: pulumi.Output<string | undefined>;

  constructor(name: string, args: EksClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:cluster:EksCluster", name, {}, opts);
    const child = { parent: this };
    const amiType = amiTypeFor(args.nodeInstanceTypes);
    const partition = aws.getPartitionOutput({}, child).partition;
    const logRetention = args.logRetentionDays ?? 90;
    const publicCidrs = args.publicAccessCidrs ?? [];

    const clusterName = args.clusterName ?? name;
    const network = new Network(`${name}-network`, { cidr: args.vpcCidr, zones: args.zones, clusterName, flowLogRetentionDays: logRetention }, child);
    const secretsKey = createKmsKey(`${name}-eks-secrets`, `${clusterName}-eks-secrets`, `Envelope encryption of Kubernetes secrets in ${clusterName}`, child);

    const clusterRole = new aws.iam.Role(`${name}-cluster`, {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
      }),
    }, child);
    const clusterPolicy = new aws.iam.RolePolicyAttachment(`${name}-cluster`, { role: clusterRole.name, policyArn: policy(partition, "AmazonEKSClusterPolicy") }, child);
    // EKS calls KMS as the cluster role to envelope-encrypt secrets; the key policy delegates to IAM, so the role needs
    // these rights (the same four terraform-aws-eks attaches: terraform-aws-eks@v21.19.0:main.tf:572-592).
    const clusterKeyPolicy = new aws.iam.RolePolicy(`${name}-cluster-encryption`, {
      role: clusterRole.id,
      policy: secretsKey.arn.apply(clusterEncryptionPolicy),
    }, child);

    // EKS writes control-plane logs to this group; creating it first sets the retention (EKS would keep them forever).
    const controlPlaneLogs = new aws.cloudwatch.LogGroup(`${name}-control-plane`, { name: `/aws/eks/${clusterName}/cluster`, retentionInDays: logRetention }, child);

    const cluster = new aws.eks.Cluster(`${name}-eks`, {
      name: clusterName,
      version: args.version,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: network.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        ...(publicCidrs.length > 0 ? { publicAccessCidrs: publicCidrs } : {}),
      },
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: secretsKey.arn } },
      enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      // API access entries, not the aws-auth ConfigMap. Nobody is admin implicitly (as terraform-aws-eks@v21.19.0:main.tf:52-57):
      // the creator's bootstrap entry could be neither seen nor removed here, and an access entry from config for the
      // same role would then fail with ResourceInUseException.
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      deletionProtection: args.deletionProtection ?? false,
      upgradePolicy: { supportType: "STANDARD" },
    }, { ...child, dependsOn: [clusterPolicy, clusterKeyPolicy, controlPlaneLogs] });

    const accessPolicies = [
      ...(args.adminPrincipalArns ?? []).map((arn) => ({ arn, policyName: "AmazonEKSClusterAdminPolicy" })),
      ...(args.viewerPrincipalArns ?? []).map((arn) => ({ arn, policyName: "AmazonEKSViewPolicy" })),
    ].map(({ arn, policyName }) => {
      const entryName = `${name}-access-${accessEntrySuffix(arn)}`;
      const entry = new aws.eks.AccessEntry(entryName, { clusterName: cluster.name, principalArn: arn, type: "STANDARD" }, child);
      return new aws.eks.AccessPolicyAssociation(entryName, {
        clusterName: cluster.name, principalArn: entry.principalArn,
        policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${policyName}`,
        accessScope: { type: "cluster" },
      }, child);
    });

    const issuer = cluster.identities.apply((ids) => {
      const url = ids[0]?.oidcs?.[0]?.issuer;
      if (!url) throw new Error(`EKS cluster ${name} reported no OIDC issuer`);
      return url;
    });
    const oidc = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, { url: issuer, clientIdLists: ["sts.amazonaws.com"] }, child);

    const nodeRole = new aws.iam.Role(`${name}-nodes`, {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    }, child);
    const nodePolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"].map((p) =>
      new aws.iam.RolePolicyAttachment(`${name}-nodes-${p}`, { role: nodeRole.name, policyArn: policy(partition, p) }, child));
    const ptcNamespace = args.pullThroughCacheNamespace;
    if (ptcNamespace !== undefined) {
      const account = aws.getCallerIdentityOutput({}, child).accountId;
      new aws.iam.RolePolicy(`${name}-nodes-pull-through`, {
        role: nodeRole.id,
        policy: pulumi.all([partition, account]).apply(([p, a]) => nodePullThroughPolicy(p, args.region, a, ptcNamespace)),
      }, child);
    }

    const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-nodes`, {
      description: `Nodes of ${name}: IMDSv2 only, one hop (pods cannot borrow the node's role), encrypted gp3 root volume`,
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
      updateDefaultVersion: true,
      tagSpecifications: [{ resourceType: "instance", tags: { Name: `${clusterName}-node` } }],
    }, child);

    const oidcArgs = { oidcProviderArn: oidc.arn, oidcIssuerUrl: issuer };
    const cniRole = createIrsaRole(`${name}-vpc-cni`, { ...oidcArgs, namespace: "kube-system", serviceAccount: "aws-node", policyArns: [policy(partition, "AmazonEKS_CNI_Policy")] }, child);
    const ebsRole = createIrsaRole(`${name}-ebs-csi`, { ...oidcArgs, namespace: "kube-system", serviceAccount: "ebs-csi-controller-sa", policyArns: [policy(partition, "service-role/AmazonEBSCSIDriverPolicy")] }, child);

    // Versions are left to EKS's default for the pinned Kubernetes version: always a compatible, supported build.
    const addon = (addonName: string, extra: Partial<aws.eks.AddonArgs> = {}, dependsOn: pulumi.Resource[] = []) =>
      new aws.eks.Addon(`${name}-${addonName}`, {
        clusterName: cluster.name, addonName, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "PRESERVE", ...extra,
      }, { ...child, dependsOn });
    // Network policy enforcement is off in the VPC CNI unless asked for: without it, NetworkPolicies do nothing.
    // Before the nodes (terraform-aws-eks's before_compute, v21.19.0:main.tf:813): aws-node must run with its IRSA
    // role when the first node joins, or pods get no addresses and the node group never turns healthy.
    const vpcCni = addon("vpc-cni", { serviceAccountRoleArn: cniRole.arn, configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) });

    const nodeGroup = new aws.eks.NodeGroup(`${name}-nodes`, {
      clusterName: cluster.name,
      nodeRoleArn: nodeRole.arn,
      subnetIds: network.privateSubnetIds,
      instanceTypes: args.nodeInstanceTypes,
      amiType,
      capacityType: "ON_DEMAND",
      scalingConfig: { minSize: args.nodeMinSize, desiredSize: args.nodeDesiredSize, maxSize: args.nodeMaxSize },
      updateConfig: { maxUnavailable: 1 },
      launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
    }, { ...child, dependsOn: [...nodePolicies, vpcCni], ignoreChanges: ["scalingConfig.desiredSize"] });

    addon("kube-proxy");
    addon("coredns", {}, [nodeGroup]);
    addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsRole.arn }, [nodeGroup]);
    addon("metrics-server", {}, [nodeGroup]);

    this.clusterName = cluster.name;
    this.kubeconfig = pulumi.secret(eksKubeconfig(cluster.name, cluster.endpoint, cluster.certificateAuthority.data, args.region));
    // Every Kubernetes call waits for the access policies: before them, the deploy role is Unauthorized.
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { ...child, dependsOn: [nodeGroup, ...accessPolicies] });

    // The default StorageClass of EKS (gp2) is unencrypted; volumes the platform claims use this one.
    new k8s.storage.v1.StorageClass(`${name}-gp3-encrypted`, {
      metadata: { name: "gp3-encrypted" },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      reclaimPolicy: "Retain",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    }, { ...child, provider: this.provider });

    const lbc = new LoadBalancerController(`${name}-lb-controller`, {
      clusterName: cluster.name, region: args.region, vpcId: network.vpcId, oidcProviderArn: oidc.arn, oidcIssuerUrl: issuer, provider: this.provider,
    }, child);
    this.loadBalancerControllerRoleArn = lbc.roleArn;
    this.controllers = [lbc.release];

    if (args.ciRunner) {
      const runner = new CiRunner(`${name}-ci-runner`, {
        projectName: `${clusterName}-ci`, repositoryUrl: args.ciRunner.repositoryUrl, connectionArn: args.ciRunner.connectionArn,
        vpcId: network.vpcId, vpcCidr: network.cidr, subnetIds: network.privateSubnetIds,
        clusterSecurityGroupId: cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId ?? ""), logRetentionDays: logRetention,
      }, child);
      this.ciRunsOnPrefix = runner.runsOnPrefix;
    } else {
      this.ciRunsOnPrefix = pulumi.output(undefined);
    }

    this.oidcProviderArn = oidc.arn;
    this.oidcIssuerUrl = issuer;
    this.clusterSecurityGroupId = cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId ?? "");
    this.vpcId = network.vpcId;
    this.vpcCidr = network.cidr;
    this.publicSubnetCidrs = network.publicSubnetCidrs;
    this.privateSubnetIds = network.privateSubnetIds;
    this.publicSubnetIds = network.publicSubnetIds;
    this.registerOutputs({
      clusterName: this.clusterName, kubeconfig: this.kubeconfig, oidcProviderArn: this.oidcProviderArn, oidcIssuerUrl: this.oidcIssuerUrl,
      clusterSecurityGroupId: this.clusterSecurityGroupId, vpcId: this.vpcId, vpcCidr: this.vpcCidr,
      privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds, publicSubnetCidrs: this.publicSubnetCidrs,
    });
  }
}
