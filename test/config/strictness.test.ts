// Config handled as the Pulumi CLI handles it, then stricter where we know better: one bad and one good case per
// rule, read from real stack files (as the offline plan reads them) or from the values Pulumi hands the program.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, type ConfigIssue } from "../../components/config";
import { AWS_REGIONS, readStackConfig } from "../../components/config/load";
import { planStack } from "../../tools/plan/plan-stack";
import { readStackFile } from "../../tools/plan/stack-file";

const NS = "agent-platform";
const CERT = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/00000000-0000-4000-8000-000000000000`;
const dir = mkdtempSync(path.join(tmpdir(), "agent-platform-strict-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stack file with these lines under config: (YAML text exactly as written). */
function stackFile(name: string, lines: string[]): string {
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  writeFileSync(file, `config:\n${lines.map((l) => `  ${l}`).join("\n")}\n`);
  return file;
}
const problemsOf = (name: string, lines: string[]): ConfigIssue[] => readStackFile(stackFile(name, lines), NS).problems;

const dev = { [`${NS}:environment`]: "dev" };
const prod = { [`${NS}:environment`]: "prod", [`${NS}:ingress.host`]: "agents.example.com", "aws:region": "eu-west-1", [`${NS}:ingress.certificateArn`]: CERT("eu-west-1"), [`${NS}:cluster.adminPrincipalArns`]: '["arn:aws:iam::123456789012:role/deploy"]', [`${NS}:image.dockerHubCredentialArn`]: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf" };
const existingWithRds = { ...dev, [`${NS}:database.mode`]: "rds", [`${NS}:cache.mode`]: "in-cluster", "aws:region": "eu-west-1", [`${NS}:cluster.vpcId`]: "vpc-0123456789abcdef0", [`${NS}:cluster.nodeSecurityGroupId`]: "sg-0123456789abcdef0",
  // RDS turns backups on (its bootstrap Job reads the admin secret with IRSA): the cluster's OIDC provider is needed.
  [`${NS}:cluster.oidcProviderArn`]: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
  [`${NS}:cluster.oidcIssuerUrl`]: "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF" };

function issuesOf(values: Record<string, string>): ConfigIssue[] {
  try {
    readStackConfig(values, NS, () => false, { requireAwsRegion: true });
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
}

describe("the stack file, read as the CLI reads it", () => {
  it("rejects a key without a namespace, with a did-you-mean (the CLI refuses the file)", () => {
    const [problem, ...rest] = problemsOf("nons", ["environment: dev"]);
    expect(rest).toEqual([]);
    expect(problem?.key).toBe("environment");
    expect(problem?.message).toContain("has no namespace");
    expect(problem?.message).toContain(`did you mean ${NS}:environment?`);
    expect(problemsOf("ns", [`${NS}:environment: dev`])).toEqual([]);
  });

  it('rejects secure: "" and keeps a real ciphertext as a secret', () => {
    const [problem] = problemsOf("emptysecure", [`${NS}:llm.openaiApiKey:`, '  secure: ""']);
    expect(problem).toMatchObject({ key: `${NS}:llm.openaiApiKey`, value: 'secure: ""' });
    expect(problem?.message).toContain("pulumi config set --secret llm.openaiApiKey");
    const good = readStackFile(stackFile("securegood", [`${NS}:llm.openaiApiKey:`, "  secure: v1:abc"]), NS);
    expect(good.problems).toEqual([]);
    expect(good.secretKeys).toEqual([`${NS}:llm.openaiApiKey`]);
  });

  it("rejects a list key written as a string (type: array in Pulumi.yaml), takes a YAML list", () => {
    const [problem] = problemsOf("liststring", [`${NS}:cluster.publicAccessCidrs: '["203.0.113.0/24"]'`]);
    expect(problem?.key).toBe(`${NS}:cluster.publicAccessCidrs`);
    expect(problem?.value).toBe('"[\\"203.0.113.0/24\\"]"');
    expect(problem?.message).toContain("must be a YAML list");
    const good = readStackFile(stackFile("listgood", [`${NS}:cluster.publicAccessCidrs:`, "  - 203.0.113.0/24"]), NS);
    expect(good.problems).toEqual([]);
    expect(good.config[`${NS}:cluster.publicAccessCidrs`]).toBe('["203.0.113.0/24"]');
  });

  it("quotes the user's text when YAML turned it into another number, and says to quote it", () => {
    const [problem] = problemsOf("unquoted", [`${NS}:cluster.kubernetesVersion: 1.30`]);
    expect(problem?.value).toBe("1.30");
    expect(problem?.message).toContain('the program would get "1.3", not "1.30"');
    expect(problem?.message).toContain(`quote it: ${NS}:cluster.kubernetesVersion: "1.30"`);
    expect(problemsOf("quoted", [`${NS}:cluster.kubernetesVersion: "1.30"`])).toEqual([]);
    expect(problemsOf("plainnumber", [`${NS}:cluster.kubernetesVersion: 1.34`])).toEqual([]);
  });

  it("never mangles a large number: the program gets the digits as written, and the message shows them", () => {
    const file = readStackFile(stackFile("huge", [`${NS}:cluster.nodeMaxSize: 12345678901234567890`]), NS);
    expect(file.config[`${NS}:cluster.nodeMaxSize`]).toBe("12345678901234567890");
    const issue = issuesOf({ ...dev, ...file.config }).find((i) => i.key === `${NS}:cluster.nodeMaxSize`);
    expect(issue).toEqual({ key: `${NS}:cluster.nodeMaxSize`, value: '"12345678901234567890"', message: "expected a whole number from 1 to 100" });
    expect(issuesOf({ ...dev, [`${NS}:cluster.nodeMaxSize`]: "6" })).toEqual([]);
  });
});

describe("the program's checks of the values Pulumi hands it", () => {
  it("rejects near-miss namespaces with a did-you-mean, and leaves other namespaces alone", () => {
    const issues = issuesOf({ ...dev, "agent-platfrom:database.mode": "rds", "Agent_Platform:namespace": "x", "awss:region": "eu-west-1" });
    expect(issues.map((i) => [i.key, i.message.split("; ")[1]])).toEqual([
      ["agent-platfrom:database.mode", `did you mean ${NS}:database.mode?`],
      ["Agent_Platform:namespace", `did you mean ${NS}:namespace?`],
      ["awss:region", "did you mean aws:region?"],
    ]);
    expect(issuesOf({ ...dev, "tls:algorithm": "RSA", "kubernetes:context": "kind" })).toEqual([]);
  });

  it("takes aws:region only from the provider's region list", () => {
    expect(AWS_REGIONS).toContain("eu-west-1");
    expect(AWS_REGIONS.length).toBeGreaterThan(30);
    const [mars] = issuesOf({ ...prod, "aws:region": "mars-north-1", [`${NS}:ingress.certificateArn`]: CERT("eu-west-1") });
    expect(mars).toMatchObject({ key: "aws:region", value: '"mars-north-1"' });
    const [typo] = issuesOf({ ...prod, "aws:region": "eu-wset-1" });
    expect(typo?.message).toContain("did you mean eu-west-1?");
    expect(issuesOf(prod)).toEqual([]);
  });

  it("requires aws:region when the stack uses AWS, in the same run as the other problems", () => {
    const { "aws:region": _region, ...withoutRegion } = prod;
    void _region;
    const issues = issuesOf({ ...withoutRegion, [`${NS}:server.minReplicas`]: "5", [`${NS}:server.maxReplicas`]: "3" });
    expect(issues.map((i) => i.key).sort()).toEqual([`${NS}:server.minReplicas`, "aws:region"]);
  });

  it("requires the ALB certificate to be in the stack's region", () => {
    const [issue, ...rest] = issuesOf({ ...prod, [`${NS}:ingress.certificateArn`]: CERT("us-east-1") });
    expect(rest).toEqual([]);
    expect(issue?.key).toBe(`${NS}:ingress.certificateArn`);
    expect(issue?.message).toContain("is a certificate of us-east-1, but the stack runs in aws:region eu-west-1");
    expect(issuesOf(prod)).toEqual([]);
  });

  it("requires two subnets where RDS needs a subnet group", () => {
    const one = issuesOf({ ...existingWithRds, [`${NS}:cluster.privateSubnetIds`]: '["subnet-0123456789abcdef0"]' });
    expect(one.map((i) => i.key)).toEqual([`${NS}:cluster.privateSubnetIds`]);
    expect(one[0]?.message).toContain("at least two subnets");
    expect(issuesOf({ ...existingWithRds, [`${NS}:cluster.privateSubnetIds`]: '["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]' })).toEqual([]);
  });

  it("blames the bounds when min > max, and the desired size only when it is outside them", () => {
    const bounds = issuesOf({ ...prod, [`${NS}:cluster.nodeMinSize`]: "5", [`${NS}:cluster.nodeMaxSize`]: "3", [`${NS}:cluster.nodeDesiredSize`]: "4" });
    expect(bounds).toEqual([{ key: `${NS}:cluster.nodeMinSize`, value: "5", message: "must not exceed cluster.nodeMaxSize (3)" }]);
    const desired = issuesOf({ ...prod, [`${NS}:cluster.nodeMinSize`]: "3", [`${NS}:cluster.nodeDesiredSize`]: "2" });
    expect(desired).toEqual([{ key: `${NS}:cluster.nodeDesiredSize`, value: "2", message: "must be at least cluster.nodeMinSize (3)" }]);
    expect(issuesOf({ ...prod, [`${NS}:cluster.nodeMinSize`]: "2", [`${NS}:cluster.nodeDesiredSize`]: "3", [`${NS}:cluster.nodeMaxSize`]: "6" })).toEqual([]);
  });

  it("still checks the relations between the other keys when one key fails its own check", () => {
    const issues = issuesOf({ ...dev, [`${NS}:backup.schedule`]: "0 3 * *", [`${NS}:server.minReplicas`]: "5", [`${NS}:server.maxReplicas`]: "3" });
    expect(issues.map((i) => i.key).sort()).toEqual([`${NS}:backup.schedule`, `${NS}:server.minReplicas`]);
    // A relation that involves the failed key is not judged on a value the user did not write.
    const onlyOwn = issuesOf({ ...dev, [`${NS}:server.minReplicas`]: "two", [`${NS}:server.maxReplicas`]: "1" });
    expect(onlyOwn.map((i) => i.key)).toEqual([`${NS}:server.minReplicas`]);
  });

  it("warns, naming the key, about a setting with no effect in the chosen mode; a default never warns", () => {
    const { warnings } = readStackConfig({ ...dev, [`${NS}:database.instanceClass`]: "db.r6g.large", [`${NS}:backup.retentionDays`]: "9" }, NS, () => false);
    expect(warnings).toEqual([
      `${NS}:database.instanceClass has no effect with database.mode=statefulset (RDS only); remove it, or change the mode it belongs to`,
      `${NS}:backup.retentionDays has no effect with backup.enabled=false; remove it, or change the mode it belongs to`,
    ]);
    expect(readStackConfig(dev, NS, () => false).warnings).toEqual([]);
    expect(readStackConfig({ ...prod, [`${NS}:database.instanceClass`]: "db.r6g.large" }, NS, () => false).warnings).toEqual([]);
  });
});

describe("the offline plan", () => {
  it("reports the file's problems and the program's in one run, aws:region included", async () => {
    const file = stackFile("everything", [
      "environment: prod", `${NS}:environment: prod`, `${NS}:ingress.host: agents.example.com`, `${NS}:ingress.certificateArn: ${CERT("eu-west-1")}`,
      `${NS}:cluster.adminPrincipalArns: ["arn:aws:iam::123456789012:role/deploy"]`,
      `${NS}:cluster.kubernetesVersion: 1.30`, `${NS}:database.mode: mysql`, `${NS}:server.minReplicas: 5`, `${NS}:server.maxReplicas: 3`, "aws:region: mars-north-1",
    ]);
    const error = await planStack({ stack: file }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.key).sort()).toEqual([
      `${NS}:cluster.kubernetesVersion`, `${NS}:database.mode`, `${NS}:server.minReplicas`, "aws:region", "environment",
    ].sort());
  });
});
