// IAM checked with AWS's data and its evaluation logic. Failing cases are main's own text before the fixes
// (flow-log role scoped DescribeLogGroups, multipart listing with s3:prefix, flow-log trust without a source).
import { describe, expect, it } from "vitest";
import { validatePlan } from "../../tools/validate";
import { checkArnFormats } from "../../tools/validate/arn-formats";
import { checkAccess } from "../../tools/validate/iam/access";
import { policyDocuments } from "../../tools/validate/iam/documents";
import { checkPolicyDocuments } from "../../tools/validate/iam/static-checks";
import { ACCOUNT, resource } from "./support";

const LOG_GROUP = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/vpc/agents-prod/flow-logs`;
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const rolePolicy = (policy: string) => resource("aws:iam/rolePolicy:RolePolicy", "p", { role: "r", policy });
const trust = (policy: string) => resource("aws:iam/role:Role", "r", { assumeRolePolicy: policy }, { arn: `arn:aws:iam::${ACCOUNT}:role/r`, name: "r" });
const staticFindings = async (...resources: ReturnType<typeof resource>[]) => checkPolicyDocuments(policyDocuments(resources));

describe("policy documents against the Service Authorization Reference", () => {
  it("logs:DescribeLogGroups scoped to a log group (main's flow-log policy) grants nothing; on * it passes", async () => {
    const scoped = await staticFindings(rolePolicy(doc({ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"], Resource: [LOG_GROUP, `${LOG_GROUP}:*`] })));
    expect(scoped.map((f) => f.value)).toEqual(["logs:DescribeLogGroups"]);
    expect(scoped[0]?.rule).toContain("no resource-level permissions");
    const fixed = await staticFindings(rolePolicy(doc(
      { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [LOG_GROUP, `${LOG_GROUP}:*`] },
      { Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
    )));
    expect(fixed).toEqual([]);
  });

  it("s3:prefix on s3:ListBucketMultipartUploads (main's backup policy) never applies; on s3:ListBucket it does", async () => {
    const bucket = "arn:aws:s3:::agents-prod-backups";
    const dead = await staticFindings(rolePolicy(doc({ Effect: "Allow", Action: ["s3:ListBucket", "s3:ListBucketMultipartUploads"], Resource: bucket, Condition: { StringLike: { "s3:prefix": ["postgres/*", "postgres"] } } })));
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ property: "policy.Statement[0].Condition.StringLike.s3:prefix" });
    expect(dead[0]?.rule).toContain("s3:ListBucketMultipartUploads does not support the condition key s3:prefix");
    expect(await staticFindings(rolePolicy(doc({ Effect: "Allow", Action: "s3:ListBucket", Resource: bucket, Condition: { StringLike: { "s3:prefix": ["postgres/*"] } } })))).toEqual([]);
  });

  it("a Deny whose condition key the action lacks never denies", async () => {
    const findings = await staticFindings(resource("aws:s3/bucketPolicy:BucketPolicy", "b", { policy: doc({ Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } } }) }));
    expect(findings.map((f) => f.rule)).toEqual([expect.stringContaining("this Deny never denies it")]);
  });

  it("a misspelt action, and an ARN of the wrong resource type, grant nothing", async () => {
    const findings = await staticFindings(rolePolicy(doc({ Effect: "Allow", Action: ["s3:GetObjects", "kms:Decrypt"], Resource: "arn:aws:s3:::b/*" })));
    expect(findings.map((f) => f.value).sort()).toEqual(["kms:Decrypt", "s3:GetObjects"]);
  });

  it("a vpc-flow-logs trust without aws:SourceAccount (main's) is a confused deputy; with it, it passes", async () => {
    const open = await staticFindings(trust(doc({ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" })));
    expect(open.map((f) => f.value)).toEqual(["vpc-flow-logs.amazonaws.com"]);
    expect(open[0]?.advisory).toBe(true);
    expect(open[0]?.source).toContain("flow-logs-iam-role");
    const held = await staticFindings(trust(doc({ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc-flow-log/*` } } })));
    expect(held).toEqual([]);
  });
});

describe("ARN formats", () => {
  it("main's log group placeholder (arn:aws:cloudwatch:REGION:ACCOUNT:NAME) is in no real form; the logs: form passes", async () => {
    const old = await checkArnFormats([resource("aws:cloudwatch/logGroup:LogGroup", "g", {}, { arn: `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:agents-cluster-network-flow-logs` })]);
    expect(old.map((f) => f.property)).toEqual(["(outputs).arn"]);
    expect(await checkArnFormats([resource("aws:cloudwatch/logGroup:LogGroup", "g", {}, { arn: LOG_GROUP })])).toEqual([]);
  });

  it("an account principal (arn:aws:iam::ACCOUNT:root, as ELB log delivery's bucket policy names it) passes; a misspelt one fails", async () => {
    const bucketPolicy = (principal: string) => resource("aws:s3/bucketPolicy:BucketPolicy", "b", { bucket: "logs", policy: doc({ Effect: "Allow", Principal: { AWS: principal }, Action: "s3:PutObject", Resource: "arn:aws:s3:::logs/*" }) });
    expect(await checkArnFormats([bucketPolicy("arn:aws:iam::156460612806:root")])).toEqual([]);
    expect((await checkArnFormats([bucketPolicy("arn:aws:iam::156460612806:rooot")])).map((f) => f.value)).toEqual(["arn:aws:iam::156460612806:rooot"]);
  });

  it("reads ARNs inside policy documents too", async () => {
    const findings = await checkArnFormats([rolePolicy(doc({ Effect: "Allow", Action: "kms:Decrypt", Resource: `arn:aws:kms:eu-west-1:${ACCOUNT}:keys/x` }))]);
    expect(findings.map((f) => f.value)).toEqual([`arn:aws:kms:eu-west-1:${ACCOUNT}:keys/x`]);
  });
});

describe("access simulated with iam-simulate", () => {
  const issuer = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
  const provider = `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`;
  const irsa = (conditions: Record<string, Record<string, string>>) => trust(doc({ Effect: "Allow", Principal: { Federated: provider }, Action: "sts:AssumeRoleWithWebIdentity", Condition: conditions }));

  it("an IRSA role held to its service account passes; one open to every service account fails", async () => {
    expect(await checkAccess([irsa({ StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:kube-system:aws-node", [`${issuer}:aud`]: "sts.amazonaws.com" } })])).toEqual([]);
    const open = await checkAccess([irsa({ StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:kube-system:aws-node" }, StringLike: { [`${issuer}:sub`]: "*" } })]);
    expect(open.map((f) => f.rule)).toEqual([expect.stringContaining("a token for another audience cannot assume it")]);
  });

  const bucket = "agents-prod-backups-x";
  const key = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0b6f4a7e-1f2a-4c3d-8e9f-0a1b2c3d4e5f`;
  const backup = (write: string) => [
    resource("aws:iam/role:Role", "backup", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) }, { arn: `arn:aws:iam::${ACCOUNT}:role/backup`, name: "backup" }),
    resource("aws:iam/rolePolicy:RolePolicy", "backup", { role: "backup", policy: doc(
      { Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}`, Condition: { StringLike: { "s3:prefix": ["postgres/*"] } } },
      { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [`arn:aws:s3:::${bucket}/postgres/*`, write] },
      { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: key },
    ) }),
    resource("aws:s3/bucketPolicy:BucketPolicy", "policy", { policy: doc(
      { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
      { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
      { Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } } },
    ) }),
    resource("aws:kms/key:Key", "key", {}, { arn: key }),
  ];

  it("the backup role may use only its prefix; a policy that also writes the whole bucket fails", async () => {
    expect(await checkAccess(backup(`arn:aws:s3:::${bucket}/postgres/*`))).toEqual([]);
    const wide = await checkAccess(backup(`arn:aws:s3:::${bucket}/*`));
    expect(wide.map((f) => f.rule)).toEqual([expect.stringContaining("cannot put outside postgres/")]);
  });
});

describe("the gate's exit codes", () => {
  it("4 for a rejected input, 5 for a dead permission, 0 for advisories only", async () => {
    const badInput = resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "rule", { description: "the cluster's nodes", ipProtocol: "tcp", securityGroupId: "sg-0123456789abcdef0" });
    const dead = rolePolicy(doc({ Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: LOG_GROUP }));
    const advisory = trust(doc({ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }));
    expect((await validatePlan([badInput, dead])).exitCode).toBe(4);
    expect((await validatePlan([dead])).exitCode).toBe(5);
    const onlyAdvisory = await validatePlan([advisory]);
    expect(onlyAdvisory.exitCode).toBe(0);
    expect(onlyAdvisory.report).toContain("[advisory iam] r (aws:iam/role:Role)");
  });
});
