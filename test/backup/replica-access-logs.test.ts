// Prod replicates its backups (Pulumi.prod.yaml: backup.replicationRegion eu-central-1); S3 server access logs must
// go to a bucket of the same region, so the replica logs to a log bucket of its own there.
import { beforeAll, describe, expect, it } from "vitest";
import type { CapturedResource } from "../../tools/plan/capture";
import { runStack, type ProgramRun } from "../support/harness";

type Json = Record<string, unknown>;
let prod: ProgramRun;
beforeAll(async () => {
  prod = await runStack("prod");
});

const bucket = (prefix: string) => prod.ofType("aws:s3/bucket:Bucket").find((b) => String(prod.inputs(b).bucketPrefix).startsWith(prefix)) as CapturedResource;

describe("the prod backup replica", () => {
  it("is replicated to eu-central-1 by an enabled rule", () => {
    const config = prod.inputs(prod.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig"));
    expect((config.rules as Json[]).map((r) => r.status)).toEqual(["Enabled"]);
    expect(prod.inputs(bucket("agents-prod-backups-replica-")).region).toBe("eu-central-1");
  });

  it("logs its access to an SSE-S3 log bucket in its own region, without Object Lock", () => {
    const replica = bucket("agents-prod-backups-replica-");
    const logs = bucket("agents-prod-backup-replica-logs-");
    expect(prod.inputs(logs)).toMatchObject({ region: "eu-central-1", objectLockEnabled: false });
    const logging = prod.ofType("aws:s3/bucketLogging:BucketLogging").map((r) => prod.inputs(r)).filter((l) => l.bucket === replica.id);
    expect(logging).toEqual([expect.objectContaining({ targetBucket: (logs.outputs as Json).bucket, targetPrefix: "backups/", region: "eu-central-1" })]);
    const sse = prod.ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").map((r) => prod.inputs(r)).find((c) => c.bucket === logs.id);
    expect(JSON.stringify(sse)).toContain("AES256");
  });
});
