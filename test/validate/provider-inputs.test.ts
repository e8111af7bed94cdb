// Provider input validation: each constraint has a failing and a passing case, the failing ones built from text the
// program has carried (main's security group rule descriptions had an apostrophe, which EC2 rejects).
import { describe, expect, it } from "vitest";
import { checkProviderInputs, coveredTypes, valuesAt } from "../../tools/validate/provider-inputs/check";
import { checkRequiredInputs, requiredInputs } from "../../tools/validate/provider-inputs/required";
import { resource } from "./support";

const RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

describe("EC2 description charset (API-side rule the provider documents)", () => {
  it("rejects the apostrophe main's RDS and ElastiCache rules carried, naming resource, property, value and rule", () => {
    const findings = checkProviderInputs([resource(RULE, "agents-database-from-cluster", { description: "port 5432 from the cluster's nodes and pods", ipProtocol: "tcp", securityGroupId: "sg-0123456789abcdef0" })]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: "provider-input", resource: "agents-database-from-cluster", type: RULE, property: "description", value: "port 5432 from the cluster's nodes and pods" });
    expect(findings[0]?.rule).toContain(`not allowed: "'"`);
    expect(findings[0]?.rule).toContain("a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*");
    expect(findings[0]?.source).toMatch(/terraform-provider-aws@[0-9a-f]{40}:internal\/service\/ec2\/validate\.go:19/);
  });

  it("accepts every character of the allowed set", () => {
    expect(checkProviderInputs([resource(RULE, "ok", { description: "port 5432 from the cluster nodes and pods ._-:/()#,@[]+=&;{}!$*" })])).toEqual([]);
  });

  it("checks inline rules of a security group element by element, and the 255-character limit", () => {
    const findings = checkProviderInputs([resource("aws:ec2/securityGroup:SecurityGroup", "sg", { description: "x".repeat(256), ingress: [{ description: "fine" }, { description: "it's not" }] })]);
    expect(findings.map((f) => f.property).sort()).toEqual(["description", "ingress[1].description"]);
  });
});

describe("names, ranges, enums and conflicts from the provider's schema", () => {
  it.each([
    ["aws:iam/role:Role", { name: "a".repeat(65) }, "name"],
    ["aws:iam/role:Role", { name: "has space" }, "name"],
    ["aws:iam/role:Role", { maxSessionDuration: 60 }, "maxSessionDuration"],
    ["aws:kms/alias:Alias", { name: "alias/aws/mine" }, "name"],
    ["aws:kms/alias:Alias", { name: "mine" }, "name"],
    ["aws:kms/key:Key", { deletionWindowInDays: 31 }, "deletionWindowInDays"],
    ["aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 31 }, "retentionInDays"],
    ["aws:cloudwatch/logGroup:LogGroup", { name: "/aws/eks/a b" }, "name"],
    ["aws:s3/bucket:Bucket", { bucketPrefix: "Upper-" }, "bucketPrefix"],
    ["aws:eks/cluster:Cluster", { name: "-agents" }, "name"],
    ["aws:elasticache/replicationGroup:ReplicationGroup", { replicationGroupId: "agents--prod" }, "replicationGroupId"],
    ["aws:rds/instance:Instance", { identifier: "Agents" }, "identifier"],
    ["aws:secretsmanager/secret:Secret", { recoveryWindowInDays: 3 }, "recoveryWindowInDays"],
    ["aws:ec2/flowLog:FlowLog", { trafficType: "SOME" }, "trafficType"],
    ["aws:iam/role:Role", { name: "a", namePrefix: "b" }, "name, namePrefix"],
  ])("%s %j fails on %s", (type, inputs, property) => {
    expect(checkProviderInputs([resource(type, "r", inputs)]).map((f) => f.property)).toEqual([property]);
  });

  it.each([
    ["aws:iam/role:Role", { name: "agents-backup-irsa", maxSessionDuration: 3600, path: "/" }],
    ["aws:kms/alias:Alias", { name: "alias/agents-prod-secrets" }],
    ["aws:kms/key:Key", { deletionWindowInDays: 30 }],
    ["aws:cloudwatch/logGroup:LogGroup", { name: "/aws/eks/agents-prod/cluster", retentionInDays: 365 }],
    ["aws:s3/bucket:Bucket", { bucketPrefix: "agents-prod-backups-" }],
    ["aws:eks/cluster:Cluster", { name: "agents-prod" }],
    ["aws:elasticache/replicationGroup:ReplicationGroup", { replicationGroupId: "agents-prod-cache" }],
    ["aws:rds/instance:Instance", { identifier: "agents-prod" }],
    ["aws:secretsmanager/secret:Secret", { recoveryWindowInDays: 0 }],
    ["aws:ec2/flowLog:FlowLog", { trafficType: "ALL", maxAggregationInterval: 60 }],
  ])("%s %j passes", (type, inputs) => {
    expect(checkProviderInputs([resource(type, "r", inputs)])).toEqual([]);
  });

  it("reads list paths element by element", () => {
    expect(valuesAt({ ingress: [{ description: "a" }, {}, { description: "c" }] }, "ingress[].description")).toEqual([
      { path: "ingress[0].description", value: "a" },
      { path: "ingress[2].description", value: "c" },
    ]);
  });
});

describe("required arguments, read from @pulumi/aws's generated Args types", () => {
  it("finds a role without its trust policy, and passes one with it", () => {
    expect(requiredInputs("aws:iam/role:Role")?.required).toEqual(["assumeRolePolicy"]);
    expect(checkRequiredInputs([resource("aws:iam/role:Role", "r", {})]).map((f) => f.property)).toEqual(["assumeRolePolicy"]);
    expect(checkRequiredInputs([resource("aws:iam/role:Role", "r", { assumeRolePolicy: "{}" })])).toEqual([]);
  });
});

describe("coverage", () => {
  it("has constraints for the types whose inputs carry names, descriptions and enums in the program", () => {
    for (const type of ["aws:ec2/securityGroup:SecurityGroup", RULE, "aws:iam/role:Role", "aws:kms/alias:Alias", "aws:cloudwatch/logGroup:LogGroup", "aws:s3/bucket:Bucket", "aws:eks/cluster:Cluster", "aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup"]) {
      expect(coveredTypes()).toContain(type);
    }
  });
});
