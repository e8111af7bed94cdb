import { beforeAll, describe, expect, it } from "vitest";
import { runStack, type ProgramRun } from "../support/harness";

type Json = Record<string, unknown>;
let prod: ProgramRun;

beforeAll(async () => {
  prod = await runStack("prod");
});

describe("EKS cluster (cluster.mode=create, prod plan)", () => {
  it("keeps the example prod API endpoint private only", () => {
    const vpcConfig = prod.inputs(prod.one("aws:eks/cluster:Cluster")).vpcConfig as Json;
    expect(vpcConfig.endpointPrivateAccess).toBe(true);
    expect(vpcConfig.endpointPublicAccess).toBe(false);
    expect(vpcConfig.publicAccessCidrs).toBeUndefined();
  });

  it("opens the public endpoint only for the listed CIDRs", async () => {
    const run = await runStack("prod", { "cluster.publicAccessCidrs": '["203.0.113.0/24"]' });
    const vpcConfig = run.inputs(run.one("aws:eks/cluster:Cluster")).vpcConfig as Json;
    expect(vpcConfig.endpointPublicAccess).toBe(true);
    expect(vpcConfig.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
  });

  it("pins the version, encrypts secrets with its own rotating KMS key, logs the control plane", () => {
    const cluster = prod.inputs(prod.one("aws:eks/cluster:Cluster"));
    expect(cluster.version).toBe("1.34");
    expect(cluster.name).toBe("agents-prod");
    expect(cluster.enabledClusterLogTypes).toEqual(expect.arrayContaining(["api", "audit", "authenticator"]));
    const encryption = cluster.encryptionConfig as { resources: string[]; provider: { keyArn: string } };
    expect(encryption.resources).toEqual(["secrets"]);
    const key = prod.ofType("aws:kms/key:Key").find((k) => prod.inputs(k).description === "Envelope encryption of Kubernetes secrets in agents-prod");
    expect(key && prod.inputs(key).enableKeyRotation).toBe(true);
    expect(encryption.provider.keyArn).toBe((key?.outputs)?.arn);
    expect((cluster.accessConfig as Json).authenticationMode).toBe("API");
    expect(cluster.deletionProtection).toBe(true);
  });

  it("keeps control-plane and flow logs for a bounded time", () => {
    const groups = prod.ofType("aws:cloudwatch/logGroup:LogGroup").map((g) => prod.inputs(g)).filter((g) => /^\/aws\/(eks|vpc)\//.test(String(g.name)));
    expect(groups.map((g) => g.name).sort()).toEqual(["/aws/eks/agents-prod/cluster", "/aws/vpc/agents-prod/flow-logs"]);
    for (const g of groups) expect(g.retentionInDays).toBe(90);
  });

  it("runs nodes in private subnets with IMDSv2, one hop, and encrypted gp3 volumes", () => {
    const nodeGroup = prod.inputs(prod.one("aws:eks/nodeGroup:NodeGroup"));
    const privateIds = prod.ofType("aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-")).map((s) => s.id);
    expect(privateIds).toHaveLength(3);
    expect(nodeGroup.subnetIds).toEqual(privateIds);
    expect(nodeGroup.scalingConfig).toEqual({ minSize: 2, desiredSize: 3, maxSize: 6 });
    expect(nodeGroup.amiType).toBe("AL2023_x86_64_STANDARD");
    const template = prod.inputs(prod.one("aws:ec2/launchTemplate:LaunchTemplate"));
    expect(template.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect((template.blockDeviceMappings as Json[])[0]).toMatchObject({ ebs: { encrypted: "true", volumeType: "gp3" } });
  });

  it("spreads one NAT gateway per zone and never maps public IPs on launch", () => {
    expect(prod.ofType("aws:ec2/natGateway:NatGateway")).toHaveLength(3);
    for (const subnet of prod.ofType("aws:ec2/subnet:Subnet")) expect(prod.inputs(subnet).mapPublicIpOnLaunch).toBe(false);
    const zones = prod.ofType("aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-")).map((s) => prod.inputs(s).availabilityZone);
    expect(new Set(zones).size).toBe(3);
  });

  it("logs all VPC traffic and leaves the default security group without rules", () => {
    expect(prod.inputs(prod.one("aws:ec2/flowLog:FlowLog")).trafficType).toBe("ALL");
    const sg = prod.inputs(prod.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"));
    expect(sg.ingress).toEqual([]);
    expect(sg.egress).toEqual([]);
  });

  it("installs the add-ons the platform relies on, the CNI and EBS CSI with their own IRSA roles", () => {
    const addons = new Map(prod.ofType("aws:eks/addon:Addon").map((a) => [prod.inputs(a).addonName as string, prod.inputs(a)]));
    expect([...addons.keys()].sort()).toEqual(["aws-ebs-csi-driver", "coredns", "kube-proxy", "metrics-server", "vpc-cni"]);
    const roleArn = (addon: string) => addons.get(addon)?.serviceAccountRoleArn as string;
    const trust = (arn: string) => {
      const role = prod.ofType("aws:iam/role:Role").find((r) => (r.outputs as Json).arn === arn);
      if (!role) throw new Error(`no IAM role with ARN ${arn}`);
      return JSON.parse(prod.inputs(role).assumeRolePolicy as string) as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
    };
    for (const [addon, sa] of [["vpc-cni", "aws-node"], ["aws-ebs-csi-driver", "ebs-csi-controller-sa"]] as const) {
      const conditions = trust(roleArn(addon)).Statement[0]?.Condition.StringEquals ?? {};
      const sub = Object.entries(conditions).find(([k]) => k.endsWith(":sub"));
      const aud = Object.entries(conditions).find(([k]) => k.endsWith(":aud"));
      expect(sub?.[1]).toBe(`system:serviceaccount:kube-system:${sa}`);
      expect(aud?.[1]).toBe("sts.amazonaws.com");
      expect(sub?.[0]).toMatch(/^oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[A-Z0-9]+:sub$/);
    }
    const nodePolicies = prod.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((p) => String(prod.inputs(p).policyArn));
    expect(nodePolicies.filter((arn) => arn.endsWith("/AmazonEKS_CNI_Policy"))).toHaveLength(1);
  });

  it("offers an encrypted gp3 StorageClass through the EBS CSI driver", () => {
    const sc = prod.inputs(prod.one("kubernetes:storage.k8s.io/v1:StorageClass"));
    expect(sc).toMatchObject({ provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true" }, volumeBindingMode: "WaitForFirstConsumer" });
  });

  it("exports the kubeconfig as a secret that authenticates through aws eks get-token", () => {
    expect(prod.outputIsSecret("kubeconfig")).toBe(true);
    const kubeconfig = JSON.parse(prod.output("kubeconfig") as string) as { users: { user: { exec: { command: string; args: string[] } } }[] };
    expect(kubeconfig.users[0]?.user.exec.command).toBe("aws");
    expect(kubeconfig.users[0]?.user.exec.args).toEqual(["eks", "get-token", "--cluster-name", "agents-prod", "--region", "eu-west-1", "--output", "json"]);
  });

  it("creates every Kubernetes object through the cluster's explicit provider", () => {
    const providerUrn = prod.one("pulumi:providers:kubernetes").urn;
    const objects = prod.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) expect(o.provider?.startsWith(`${providerUrn}::`)).toBe(true);
  });
});
