// What stands in front of the prod ALB, as the plan renders it: the WAF web ACL, the access-log bucket and its
// policy, and the Ingress annotations through which the AWS Load Balancer Controller (v2.13.0, the pinned chart's
// app version) attaches them to the ALB it creates.
import { beforeAll, describe, expect, it } from "vitest";
import { albLogDeliveryStatements, COUNTED_BODY_RULES, MANAGED_RULE_GROUPS } from "../../components/workload/edge-protection";
import type { CapturedResource } from "../../tools/plan/capture";
import { runStack, type ProgramRun } from "../support/harness";
import { named } from "../support/k8s";

type Json = Record<string, unknown>;
interface Statement { Sid?: string; Effect: string; Principal?: unknown; Action: string | string[]; Resource: string | string[]; Condition?: Json }
interface Ingress { metadata: { annotations: Record<string, string> } }

const WEB_ACL = "aws:wafv2/webAcl:WebAcl";
const BUCKET = "aws:s3/bucket:Bucket";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const ALB_LOGS = "agents-prod-alb-logs-";
const LB_ATTRIBUTES = "alb.ingress.kubernetes.io/load-balancer-attributes";
const WAF_ANNOTATION = "alb.ingress.kubernetes.io/wafv2-acl-arn";

let prod: ProgramRun;
beforeAll(async () => {
  prod = await runStack("prod");
});

const albLogBucket = (run: ProgramRun): CapturedResource | undefined => run.ofType(BUCKET).find((b) => String(run.inputs(b).bucketPrefix).startsWith(ALB_LOGS));
const sideOf = (run: ProgramRun, type: string, bucket: CapturedResource): Json => {
  const found = run.ofType(type).filter((r) => run.inputs(r).bucket === bucket.id);
  expect(found, type).toHaveLength(1);
  return run.inputs(found[0] as CapturedResource);
};
const attributes = (run: ProgramRun): string[] => named<Ingress>(run, INGRESS, "agents-server").metadata.annotations[LB_ATTRIBUTES]?.split(",") ?? [];

describe("the WAF web ACL", () => {
  it("is regional, allows by default, and blocks a client IP over 2000 requests in 5 minutes before any managed rule runs", () => {
    const acl = prod.inputs(prod.one(WEB_ACL));
    expect(acl).toMatchObject({ scope: "REGIONAL", defaultAction: { allow: {} }, name: "agents-prod-server" });
    const rules = acl.rules as Json[];
    expect(rules[0]).toEqual({
      name: "rate-limit-per-client-ip", priority: 0, action: { block: {} },
      statement: { rateBasedStatement: { limit: 2000, evaluationWindowSec: 300, aggregateKeyType: "IP" } },
      visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "agents-prod-rate-limit", sampledRequestsEnabled: true },
    });
  });

  it("then runs the AWS managed IP-reputation, core and known-bad-inputs groups, the core set's body rules counted", () => {
    const rules = prod.inputs(prod.one(WEB_ACL)).rules as Json[];
    expect(rules.slice(1).map((r) => [r.priority, (r.statement as { managedRuleGroupStatement: Json }).managedRuleGroupStatement.name, r.overrideAction])).toEqual([
      [1, "AWSManagedRulesAmazonIpReputationList", { none: {} }],
      [2, "AWSManagedRulesCommonRuleSet", { none: {} }],
      [3, "AWSManagedRulesKnownBadInputsRuleSet", { none: {} }],
    ]);
    expect(MANAGED_RULE_GROUPS).toHaveLength(3);
    const core = (rules[2]?.statement as { managedRuleGroupStatement: Json }).managedRuleGroupStatement;
    expect(core.vendorName).toBe("AWS");
    // Prompts and tool code are long and full of HTML, paths and URLs: counted, not blocked; nothing else overridden.
    expect(core.ruleActionOverrides).toEqual(COUNTED_BODY_RULES.map((name) => ({ name, actionToUse: { count: {} } })));
    expect(COUNTED_BODY_RULES.every((r) => r.endsWith("_BODY"))).toBe(true);
    for (const group of [rules[1], rules[3]]) expect((group?.statement as { managedRuleGroupStatement: Json }).managedRuleGroupStatement).not.toHaveProperty("ruleActionOverrides");
    for (const rule of rules) expect(rule.visibilityConfig).toMatchObject({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true });
  });

  it("is the ACL the Ingress asks the controller to associate with the ALB", () => {
    const arn = (prod.one(WEB_ACL).outputs as Json).arn;
    expect(typeof arn).toBe("string");
    expect(named<Ingress>(prod, INGRESS, "agents-server").metadata.annotations[WAF_ANNOTATION]).toBe(arn);
  });

  it("takes the rate limit from ingress.wafRateLimit, and is gone (association removed) with ingress.waf=false", async () => {
    const tighter = await runStack("prod", { "ingress.wafRateLimit": "300" });
    expect(((tighter.inputs(tighter.one(WEB_ACL)).rules as Json[])[0]?.statement as Json).rateBasedStatement).toMatchObject({ limit: 300 });
    const off = await runStack("prod", { "ingress.waf": "false" });
    expect(off.ofType(WEB_ACL)).toEqual([]);
    // An absent annotation would keep an earlier association (annotations.md:1015-1016): "none" removes it.
    expect(named<Ingress>(off, INGRESS, "agents-server").metadata.annotations[WAF_ANNOTATION]).toBe("none");
  });
});

describe("the ALB access-log bucket", () => {
  it("is hardened: SSE-S3 (the only encryption ALB log delivery takes), versioned, private, expiring after 365 days, in the ALB's region", () => {
    const bucket = albLogBucket(prod) as CapturedResource;
    expect(prod.inputs(bucket)).toMatchObject({ forceDestroy: false, objectLockEnabled: false, region: "eu-west-1" });
    expect(sideOf(prod, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket).rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    expect(sideOf(prod, "aws:s3/bucketVersioning:BucketVersioning", bucket).versioningConfiguration).toEqual({ status: "Enabled" });
    expect(sideOf(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket)).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(sideOf(prod, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket).rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    expect((sideOf(prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucket).rules as Json[])[0]).toMatchObject({ status: "Enabled", expiration: { days: 365 } });
    expect(sideOf(prod, "aws:s3/bucketNotification:BucketNotification", bucket)).toMatchObject({ eventbridge: true });
  });

  it("admits only the ELB log delivery, only under this account's alb/ prefix, and denies plain HTTP", () => {
    const bucket = albLogBucket(prod) as CapturedResource;
    const arn = String((bucket.outputs as Json).arn);
    const policy = JSON.parse(String(sideOf(prod, "aws:s3/bucketPolicy:BucketPolicy", bucket).policy)) as { Statement: Statement[] };
    const resource = `${arn}/alb/AWSLogs/123456789012/*`;
    // eu-west-1 opened before August 2022: its ELB account, and the service principal of the newer Regions.
    expect(policy.Statement.filter((s) => s.Effect === "Allow")).toEqual([
      { Sid: "AllowElbAccountLogDelivery", Effect: "Allow", Principal: { AWS: "arn:aws:iam::156460612806:root" }, Action: "s3:PutObject", Resource: resource },
      { Sid: "AllowElbServiceLogDelivery", Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: resource },
    ]);
    expect(policy.Statement.find((s) => s.Sid === "DenyInsecureTransport")?.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
  });

  it("names no ELB account in a Region opened after August 2022 (service principal only)", () => {
    const statements = albLogDeliveryStatements("arn:aws:s3:::b", "123456789012", "eu-south-2");
    expect(statements.map((s) => s.Principal)).toEqual([{ Service: "logdelivery.elasticloadbalancing.amazonaws.com" }]);
  });

  it("is where the Ingress tells the controller to send the ALB's logs, after its own attributes", () => {
    const name = String(((albLogBucket(prod) as CapturedResource).outputs as Json).bucket);
    expect(attributes(prod)).toEqual([
      "idle_timeout.timeout_seconds=3600", "routing.http.drop_invalid_header_fields.enabled=true",
      "deletion_protection.enabled=true", "access_logs.s3.enabled=true", `access_logs.s3.bucket=${name}`, "access_logs.s3.prefix=alb",
    ]);
  });

  it("exists before the Ingress: the ALB checks it may write there when the controller sets the attribute", () => {
    const ingress = prod.ofType(INGRESS)[0] as CapturedResource;
    const policy = prod.ofType("aws:s3/bucketPolicy:BucketPolicy").find((p) => prod.inputs(p).bucket === (albLogBucket(prod) as CapturedResource).id) as CapturedResource;
    expect(ingress.dependencies).toContain(policy.urn);
  });

  it("is off, said explicitly, with ingress.accessLogs=false; deletion protection off with ingress.deletionProtection=false", async () => {
    const run = await runStack("prod", { "ingress.accessLogs": "false", "ingress.deletionProtection": "false" });
    expect(albLogBucket(run)).toBeUndefined();
    // The controller leaves an attribute that is absent as it was (annotations.md:868): off must be written out.
    expect(attributes(run).slice(2)).toEqual(["deletion_protection.enabled=false", "access_logs.s3.enabled=false"]);
  });
});

describe("outside prod and the alb class", () => {
  it("dev has no web ACL, no log bucket, and its nginx Ingress no ALB annotation", async () => {
    const dev = await runStack("dev", { "ingress.enabled": "true", "ingress.host": "agents.dev.example.com", "ingress.clusterIssuer": "letsencrypt" });
    expect(dev.ofType(WEB_ACL)).toEqual([]);
    expect(albLogBucket(dev)).toBeUndefined();
    const annotations = named<Ingress>(dev, INGRESS, "agents-server").metadata.annotations;
    expect(Object.keys(annotations).filter((k) => k.startsWith("alb."))).toEqual([]);
  });

  it("refuses a protection the ingress class cannot apply, and a rate limit below WAF's minimum", async () => {
    await expect(runStack("prod", { "ingress.className": "nginx", "ingress.clusterIssuer": "letsencrypt", "ingress.waf": "true" }))
      .rejects.toThrow(/ingress.waf = true: needs an enabled ingress of class alb \(it is nginx\)/);
    await expect(runStack("prod", { "ingress.wafRateLimit": "5" })).rejects.toThrow(/ingress.wafRateLimit = 5/);
  });
});
