// What makes the first real `up` of the prod stack work: who may use the cluster, from where, and in which order
// the pieces come up. Asserted on the rendered state of the example prod stack.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runStack, type ProgramRun } from "../support/harness";
import { list, policyDocument, waitsFor } from "../support/graph";

type Json = Record<string, unknown>;
let prod: ProgramRun;

beforeAll(async () => {
  prod = await runStack("prod");
});

const POLICY = "arn:aws:eks::aws:cluster-access-policy/";

describe("EKS access entries (cluster.adminPrincipalArns, cluster.viewerPrincipalArns)", () => {
  it("grants nobody admin implicitly: the creator's bootstrap entry is off", () => {
    const access = prod.inputs(prod.one("aws:eks/cluster:Cluster")).accessConfig as Json;
    expect(access).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
  });

  it("gives the example's deploy role cluster admin and its preview role and person view, cluster-wide", () => {
    const entries = prod.ofType("aws:eks/accessEntry:AccessEntry").map((e) => prod.inputs(e));
    expect(entries.map((e) => [e.principalArn, e.type, e.clusterName]).sort()).toEqual([
      ["arn:aws:iam::123456789012:role/agent-platform-deploy", "STANDARD", "agents-prod"],
      ["arn:aws:iam::123456789012:role/agent-platform-preview", "STANDARD", "agents-prod"],
      ["arn:aws:iam::123456789012:role/oncall-engineer", "STANDARD", "agents-prod"],
    ]);
    const associations = prod.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) => prod.inputs(a));
    expect(associations.map((a) => [a.principalArn, a.policyArn, a.accessScope]).sort()).toEqual([
      ["arn:aws:iam::123456789012:role/agent-platform-deploy", `${POLICY}AmazonEKSClusterAdminPolicy`, { type: "cluster" }],
      ["arn:aws:iam::123456789012:role/agent-platform-preview", `${POLICY}AmazonEKSViewPolicy`, { type: "cluster" }],
      ["arn:aws:iam::123456789012:role/oncall-engineer", `${POLICY}AmazonEKSViewPolicy`, { type: "cluster" }],
    ]);
  });

  it("associates each policy after its entry, and talks to Kubernetes only after every association", () => {
    const provider = prod.one("pulumi:providers:kubernetes");
    for (const association of prod.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) {
      const entry = prod.ofType("aws:eks/accessEntry:AccessEntry").find((e) => prod.inputs(e).principalArn === prod.inputs(association).principalArn);
      expect(entry && waitsFor(prod, association, entry), association.name).toBe(true);
      expect(waitsFor(prod, provider, association), association.name).toBe(true);
    }
  });
});

describe("cluster role and node ordering", () => {
  it("lets the cluster role use the secrets-encryption key, and only that key", () => {
    const cluster = prod.one("aws:eks/cluster:Cluster");
    const keyArn = (prod.inputs(cluster).encryptionConfig as { provider: { keyArn: string } }).provider.keyArn;
    const roleArn = prod.inputs(cluster).roleArn;
    const role = prod.ofType("aws:iam/role:Role").find((r) => (r.outputs as Json).arn === roleArn);
    const inline = prod.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => prod.inputs(p).role === role?.id);
    expect(inline).toHaveLength(1);
    const statements = policyDocument(prod.inputs(inline[0] as never).policy).Statement;
    expect(statements.map((s) => [s.Effect, list(s.Action).sort(), s.Resource])).toEqual([
      ["Allow", ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ListGrants"], keyArn],
    ]);
    // EKS checks the key when it creates the cluster: the rights exist before.
    expect(waitsFor(prod, cluster, inline[0] as never)).toBe(true);
  });

  it("creates the node group after the vpc-cni add-on that gives aws-node its IRSA role", () => {
    const cni = prod.ofType("aws:eks/addon:Addon").find((a) => prod.inputs(a).addonName === "vpc-cni");
    expect(cni && waitsFor(prod, prod.one("aws:eks/nodeGroup:NodeGroup"), cni)).toBe(true);
  });

  it("follows cluster.deletionProtection (default on in prod, off in dev-like stacks when set false)", async () => {
    expect(prod.inputs(prod.one("aws:eks/cluster:Cluster")).deletionProtection).toBe(true);
    const off = await runStack("prod", { "cluster.deletionProtection": "false" });
    expect(off.inputs(off.one("aws:eks/cluster:Cluster")).deletionProtection).toBe(false);
  });
});

describe("CI runner inside the VPC (cluster.ciRunnerConnectionArn, cluster.ciRunnerRepository)", () => {
  it("runs the repository's queued workflow jobs in CodeBuild in the private subnets", () => {
    const project = prod.inputs(prod.one("aws:codebuild/project:Project"));
    expect(project.name).toBe("agents-prod-ci");
    expect(project.source).toMatchObject({
      type: "GITHUB", location: "https://github.com/example/agent-platform",
      auth: { type: "CODECONNECTIONS", resource: "arn:aws:codeconnections:eu-west-1:123456789012:connection/00000000-0000-4000-8000-000000000000" },
    });
    const privateIds = prod.ofType("aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-")).map((s) => s.id);
    expect((project.vpcConfig as Json).subnets).toEqual(privateIds);
    const webhook = prod.inputs(prod.one("aws:codebuild/webhook:Webhook"));
    expect(webhook).toMatchObject({ projectName: "agents-prod-ci", buildType: "BUILD", filterGroups: [{ filters: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }] });
  });

  it("is admitted to the private API endpoint on 443, and to nothing else", () => {
    const sg = prod.ofType("aws:ec2/securityGroup:SecurityGroup").find((g) => String(prod.inputs(g).description).startsWith("CI runner"));
    const clusterSg = (prod.one("aws:eks/cluster:Cluster").outputs as { vpcConfig: { clusterSecurityGroupId: string } }).vpcConfig.clusterSecurityGroupId;
    const admitting = prod.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => prod.inputs(r)).filter((r) => r.referencedSecurityGroupId === sg?.id);
    expect(admitting.map((r) => [r.securityGroupId, r.ipProtocol, r.fromPort, r.toPort])).toEqual([[clusterSg, "tcp", 443, 443]]);
    const ingressOfRunner = prod.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => prod.inputs(r).securityGroupId === sg?.id);
    expect(ingressOfRunner).toEqual([]);
  });

  it("is absent without the two settings", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "no-runner-")), "Pulumi.prod.yaml");
    writeFileSync(file, readFileSync("Pulumi.prod.yaml", "utf8").split("\n").filter((l) => !l.includes("cluster.ciRunner")).join("\n"));
    const run = await runStack(file);
    expect(run.ofType("aws:codebuild/project:Project")).toEqual([]);
    expect(run.ofType("aws:codebuild/webhook:Webhook")).toEqual([]);
    expect(run.ofType("aws:eks/cluster:Cluster")).toHaveLength(1);
  });
});

describe("access and runner settings that cannot work are refused before anything is registered", () => {
  const refusal = async (overrides: Record<string, string>): Promise<string> => {
    try {
      await runStack("prod", overrides);
    } catch (e) {
      return String((e as Error).message);
    }
    return "accepted";
  };

  it("an assumed-role session ARN (EKS wants the role)", async () => {
    const message = await refusal({ "cluster.adminPrincipalArns": '["arn:aws:sts::123456789012:assumed-role/deploy/ci"]' });
    expect(message).toContain("agent-platform:cluster.adminPrincipalArns");
    expect(message).toContain("expected an IAM role or user ARN");
  });

  it("no admin at all", async () => {
    expect(await refusal({ "cluster.adminPrincipalArns": "[]" })).toContain("must name at least one IAM role or user with cluster.mode=create");
  });

  it("one principal in both lists", async () => {
    const message = await refusal({ "cluster.viewerPrincipalArns": '["arn:aws:iam::123456789012:role/agent-platform-deploy"]' });
    expect(message).toContain("must not repeat cluster.adminPrincipalArns (arn:aws:iam::123456789012:role/agent-platform-deploy)");
  });

  it("a runner repository that is not a GitHub repository URL", async () => {
    expect(await refusal({ "cluster.ciRunnerRepository": "git@github.com:example/agent-platform.git" })).toContain("expected a GitHub repository URL");
  });
});
