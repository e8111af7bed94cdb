// The gate over the real plans: every ARN and id the offline plan invents is in its real format, and the validators
// find nothing on either plan.
import { beforeAll, describe, expect, it } from "vitest";
import { validatePlan } from "../../tools/validate";
import { arnsIn, checkArnFormats } from "../../tools/validate/arn-formats";
import type { PlanResource } from "../../tools/validate/finding";
import { plannedStack } from "./support";


describe.each(["dev", "prod"])("the %s plan", (stack) => {
  let resources: PlanResource[];
  let ids: Map<string, string>;
  beforeAll(async () => {
    ({ resources, ids } = await plannedStack(stack));
  });

  it("carries ARNs only in forms AWS defines", async () => {
    expect(await checkArnFormats(resources)).toEqual([]);
  });

  it("invents ids in their real formats", () => {
    const formats: Record<string, RegExp> = {
      "aws:ec2/vpc:Vpc": /^vpc-[0-9a-f]{17}$/, "aws:ec2/subnet:Subnet": /^subnet-[0-9a-f]{17}$/, "aws:ec2/securityGroup:SecurityGroup": /^sg-[0-9a-f]{17}$/,
      "aws:kms/key:Key": /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/, "aws:iam/role:Role": /^[\w+=,.@-]{1,64}$/,
    };
    let matched = 0;
    for (const r of resources) {
      const format = formats[r.type];
      if (format) {
        expect(ids.get(r.urn), r.name).toMatch(format);
        matched++;
      }
      if (r.type === "aws:s3/bucket:Bucket") expect(r.outputs?.["bucket"]).toMatch(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);
    }
    if (stack === "prod") {
      expect(resources.flatMap((r) => arnsIn(r.outputs, "")).length).toBeGreaterThan(50);
      expect(matched).toBeGreaterThan(10); // VPC, subnets, security groups, keys, roles
    }
  });

  it("passes the validation gate: no finding, advisories included", async () => {
    const result = await validatePlan(resources);
    const found = result.findings.map((f) => `${f.kind} ${f.resource} ${f.property}`);
    expect(found.sort(), result.report).toEqual([]);
    expect(result.exitCode).toBe(0);
  });
});
