// What AWS itself refuses or silently ignores, checked on every resource of the rendered stacks (prod, dev, and
// prod with the options that add resources) by the plan's own validation gate (tools/validate, the same code `npm run
// plan` runs): provider input constraints (EC2's description charset among them: the first `up` failed on an
// apostrophe), unknown Kubernetes fields, IAM documents against AWS's authorization data (condition keys an action
// does not support, ARN-scoped actions without resource-level permissions), access simulated, ARNs in real forms.
// tools/validate's own tests (test/validate) give each check a failing and a passing case; here every stack variant
// must pass them all. Beside it, the trust policies of the services this project trusts must pin the source.
import { beforeAll, describe, expect, it } from "vitest";
import { toDeployment } from "../../tools/plan/state-export";
import { resourcesOfExport } from "../../tools/policy/state";
import { validatePlan } from "../../tools/validate";
import { runStack, type ProgramRun } from "../support/harness";
import { list, policyDocument } from "../support/graph";

let runs: { label: string; run: ProgramRun }[];

beforeAll(async () => {
  runs = [
    { label: "prod", run: await runStack("prod") },
    { label: "prod, image build and backup replication", run: await runStack("prod", { "image.build": "true", "backup.replicationRegion": "eu-central-1" }) },
    { label: "dev", run: await runStack("dev") },
  ];
});

describe("the plan's validation gate on every stack variant", () => {
  it("finds nothing a preview, AWS or IAM would refuse or ignore, advisories included", async () => {
    for (const { label, run } of runs) {
      const resources = resourcesOfExport(JSON.parse(JSON.stringify(toDeployment(run.captured, "0.0.0"))) as unknown, label);
      const result = await validatePlan(resources);
      expect(result.findings, label).toEqual([]);
      expect(result.exitCode, label).toBe(0);
      expect(resources.length, label).toBeGreaterThan(50);
    }
  }, 180_000);
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
