// The backup infrastructure as the prod plan renders it: buckets, the jobs' IRSA role, the CronJobs.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BACKUP_UID } from "../../components/backup/backup-jobs";
import type { CapturedResource } from "../../tools/plan/capture";
import { runStack, type ProgramRun } from "../support/harness";
import { named } from "../support/k8s";
import { expectRestricted } from "../support/workload";

type Json = Record<string, unknown>;
interface Statement { Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, unknown>>; Principal?: unknown }
let prod: ProgramRun;

beforeAll(async () => {
  prod = await runStack("prod");
});

/** The side resource of a type attached to the bucket whose inputs.bucketPrefix starts with `prefix`. */
function sideOf(type: string, prefix: string): Json {
  const bucket = prod.ofType("aws:s3/bucket:Bucket").find((b) => String(prod.inputs(b).bucketPrefix).startsWith(prefix)) as CapturedResource;
  const found = prod.ofType(type).filter((r) => prod.inputs(r).bucket === bucket.id);
  expect(found, `${type} of ${prefix}`).toHaveLength(1);
  return prod.inputs(found[0] as CapturedResource);
}

const BACKUPS = "agents-prod-backups-";
const LOGS = "agents-prod-backup-logs-";

describe("backup storage", () => {
  it.each([BACKUPS, LOGS])("%s: versioned, all public access blocked, ACLs off, never force-destroyed", (prefix) => {
    const bucket = prod.ofType("aws:s3/bucket:Bucket").map((b) => prod.inputs(b)).find((b) => String(b.bucketPrefix).startsWith(prefix));
    expect(bucket?.forceDestroy).toBe(false);
    expect(sideOf("aws:s3/bucketVersioning:BucketVersioning", prefix).versioningConfiguration).toEqual({ status: "Enabled" });
    expect(sideOf("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", prefix)).toMatchObject({
      blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    expect(sideOf("aws:s3/bucketOwnershipControls:BucketOwnershipControls", prefix).rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
  });

  it("encrypts backups with a rotating customer-managed key, logs with SSE-S3", () => {
    const key = prod.ofType("aws:kms/key:Key").find((k) => String(prod.inputs(k).description).startsWith("Encrypts the logical backups")) as CapturedResource;
    expect(prod.inputs(key).enableKeyRotation).toBe(true);
    expect(sideOf("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", BACKUPS).rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: (key.outputs as Json).arn }, bucketKeyEnabled: true },
    ]);
    expect(sideOf("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", LOGS).rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
  });

  it("denies plain HTTP, old TLS and uploads asking for another encryption", () => {
    const policy = JSON.parse(String(sideOf("aws:s3/bucketPolicy:BucketPolicy", BACKUPS).policy)) as { Statement: Statement[] };
    const bySid = new Map(policy.Statement.map((s) => [s.Sid, s]));
    expect(bySid.get("DenyInsecureTransport")).toMatchObject({ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    expect(bySid.get("DenyOutdatedTls")?.Condition).toEqual({ NumericLessThan: { "s3:TlsVersion": "1.2" } });
    expect(bySid.get("DenyOtherEncryption")).toMatchObject({ Effect: "Deny", Action: "s3:PutObject", Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } } });
    expect(policy.Statement.filter((s) => s.Effect === "Allow")).toEqual([]);
  });

  it("keeps backups 30 days, noncurrent versions 7, aborts incomplete uploads after 1 day", () => {
    const [rule] = sideOf("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", BACKUPS).rules as Json[];
    expect(rule).toMatchObject({ status: "Enabled", expiration: { days: 30 }, noncurrentVersionExpiration: { noncurrentDays: 7 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } });
  });

  it("sends its access logs to the log bucket, which admits only S3's log delivery for this account", () => {
    const logging = sideOf("aws:s3/bucketLogging:BucketLogging", BACKUPS);
    const logBucket = prod.ofType("aws:s3/bucket:Bucket").find((b) => String(prod.inputs(b).bucketPrefix).startsWith(LOGS)) as CapturedResource;
    expect(logging).toMatchObject({ targetBucket: (logBucket.outputs as Json).bucket, targetPrefix: "backups/" });
    const policy = JSON.parse(String(sideOf("aws:s3/bucketPolicy:BucketPolicy", LOGS).policy)) as { Statement: Statement[] };
    const allows = policy.Statement.filter((s) => s.Effect === "Allow");
    expect(allows).toEqual([expect.objectContaining({ Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } })]);
  });

  it("locks every backup version in compliance mode for the retention days, by default in prod", () => {
    const bucket = prod.ofType("aws:s3/bucket:Bucket").map((b) => prod.inputs(b)).find((b) => String(b.bucketPrefix).startsWith(BACKUPS));
    expect(bucket?.objectLockEnabled).toBe(true);
    // The lock ends with the lifecycle's expiration (30 days), so the lifecycle can still expire what it locked.
    expect(sideOf("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", BACKUPS)).toMatchObject({
      objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: 30 } },
    });
    // S3 server access logging refuses a target bucket with Object Lock: the log bucket has none.
    const logs = prod.ofType("aws:s3/bucket:Bucket").map((b) => prod.inputs(b)).find((b) => String(b.bucketPrefix).startsWith(LOGS));
    expect(logs?.objectLockEnabled).toBe(false);
    // The backup bucket and its replica (Pulumi.prod.yaml sets backup.replicationRegion), nothing else.
    expect(prod.ofType("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")).toHaveLength(2);
  });

  it("takes governance mode and other days only when asked, and no lock at 0 days", async () => {
    const governance = await runStack("prod", { "backup.objectLockMode": "governance", "backup.objectLockDays": "14" });
    const locks = governance.ofType("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");
    expect(locks).toHaveLength(2); // the backup bucket and its replica
    for (const lock of locks) expect(governance.inputs(lock).rule).toEqual({ defaultRetention: { mode: "GOVERNANCE", days: 14 } });
    const off = await runStack("prod", { "backup.objectLockDays": "0" });
    expect(off.ofType("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")).toEqual([]);
    const bucket = off.ofType("aws:s3/bucket:Bucket").map((b) => off.inputs(b)).find((b) => String(b.bucketPrefix).startsWith(BACKUPS));
    expect(bucket?.objectLockEnabled).toBe(false);
  });

  it("refuses a lock that outlives the retention, and an unknown mode", async () => {
    await expect(runStack("prod", { "backup.objectLockDays": "31" })).rejects.toThrow(/backup.objectLockDays = 31: must not exceed backup.retentionDays \(30\)/);
    await expect(runStack("prod", { "backup.objectLockMode": "legal-hold" })).rejects.toThrow(/backup.objectLockMode = "legal-hold"/);
  });

  it.each([BACKUPS, LOGS])("%s: sends its events to EventBridge", (prefix) => {
    expect(sideOf("aws:s3/bucketNotification:BucketNotification", prefix)).toMatchObject({ eventbridge: true });
  });
});

describe("cross-region replication", () => {
  it("is off by default (a prod stack file without backup.replicationRegion)", async () => {
    // Pulumi.prod.yaml sets the key; the same file without it shows the default.
    const dir = mkdtempSync(join(tmpdir(), "stack-"));
    const file = join(dir, "Pulumi.prod.yaml");
    writeFileSync(file, readFileSync("Pulumi.prod.yaml", "utf8").split("\n").filter((l) => !l.includes("backup.replicationRegion")).join("\n"));
    const run = await runStack(file);
    expect(run.ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")).toEqual([]);
    expect(prod.ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")).toHaveLength(1);
  });

  it("replicates every backup, delete markers included, to a bucket in the other region under a key of its own there", async () => {
    const run = await runStack("prod", { "backup.replicationRegion": "eu-central-1" });
    const replicaBucket = run.ofType("aws:s3/bucket:Bucket").find((b) => String(run.inputs(b).bucketPrefix).startsWith("agents-prod-backups-replica-")) as CapturedResource;
    expect(run.inputs(replicaBucket).region).toBe("eu-central-1");
    const replicaKey = run.ofType("aws:kms/key:Key").find((k) => String(run.inputs(k).description).startsWith("Encrypts the replicated backups")) as CapturedResource;
    expect(run.inputs(replicaKey)).toMatchObject({ region: "eu-central-1", enableKeyRotation: true });
    const config = run.inputs(run.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig"));
    const source = run.ofType("aws:s3/bucket:Bucket").find((b) => String(run.inputs(b).bucketPrefix) === BACKUPS) as CapturedResource;
    expect(config.bucket).toBe((source.outputs as Json).bucket);
    expect(config.rules).toEqual([expect.objectContaining({
      status: "Enabled", deleteMarkerReplication: { status: "Enabled" }, sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
      destination: { bucket: (replicaBucket.outputs as Json).arn, storageClass: "STANDARD", encryptionConfiguration: { replicaKmsKeyId: (replicaKey.outputs as Json).arn } },
    })]);
    // S3 may assume the replication role only for this account's source bucket (confused-deputy guard).
    const role = run.ofType("aws:iam/role:Role").find((r) => r.name.endsWith("-replication")) as CapturedResource;
    const trust = JSON.parse(String(run.inputs(role).assumeRolePolicy)) as { Statement: { Principal: Json; Condition: Json }[] };
    expect(trust.Statement).toEqual([expect.objectContaining({
      Principal: { Service: "s3.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": (source.outputs as Json).arn } },
    })]);
    // The replica is locked like the source, and S3 may read each version's lock to copy it.
    const replicaLock = run.ofType("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").find((r) => run.inputs(r).bucket === replicaBucket.id) as CapturedResource;
    expect(run.inputs(replicaLock).rule).toEqual({ defaultRetention: { mode: "COMPLIANCE", days: 30 } });
    expect(run.inputs(replicaBucket).objectLockEnabled).toBe(true);
    const replication = run.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name.endsWith("-replication")) as CapturedResource;
    const readVersions = (JSON.parse(String(run.inputs(replication).policy)) as { Statement: Statement[] }).Statement.find((s) => s.Sid === "ReadSourceVersions");
    expect(readVersions?.Action).toEqual(["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"]);
    // Every side resource of the replica lives in the replica's region too.
    const sideTypes = ["aws:s3/bucketNotification:BucketNotification", "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketPolicy:BucketPolicy"];
    for (const type of sideTypes) {
      const side = run.ofType(type).find((r) => run.inputs(r).bucket === replicaBucket.id) as CapturedResource;
      expect(run.inputs(side).region, type).toBe("eu-central-1");
    }
  });

  it("refuses to replicate into the stack's own region", async () => {
    await expect(runStack("prod", { "backup.replicationRegion": "eu-west-1" })).rejects.toThrow(/backup.replicationRegion = "eu-west-1": must differ from aws:region/);
  });
});

describe("the backup jobs' IRSA role", () => {
  const role = (): { trust: { Statement: Statement[] }; policy: { Statement: Statement[] } } => {
    const roles = prod.ofType("aws:iam/role:Role").filter((r) => r.name === "agents-backup-irsa");
    expect(roles).toHaveLength(1);
    const r = roles[0] as CapturedResource;
    const inline = prod.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "agents-backup-irsa") as CapturedResource;
    return { trust: JSON.parse(String(prod.inputs(r).assumeRolePolicy)) as { Statement: Statement[] }, policy: JSON.parse(String(prod.inputs(inline).policy)) as { Statement: Statement[] } };
  };

  it("is trusted only by the jobs' ServiceAccount, for STS", () => {
    const [statement] = role().trust.Statement;
    const conditions = statement?.Condition?.StringEquals ?? {};
    expect(Object.entries(conditions).find(([k]) => k.endsWith(":sub"))?.[1]).toBe("system:serviceaccount:agent-platform:agents-backup");
    expect(Object.entries(conditions).find(([k]) => k.endsWith(":aud"))?.[1]).toBe("sts.amazonaws.com");
    expect(statement?.Principal).toEqual({ Federated: (prod.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider").outputs as Json).arn });
  });

  it("may touch only this bucket's postgres/ prefix and use only this key", () => {
    const bucketArn = String((prod.ofType("aws:s3/bucket:Bucket").find((b) => String(prod.inputs(b).bucketPrefix).startsWith(BACKUPS))?.outputs as Json).arn);
    const keyArn = String((prod.ofType("aws:kms/key:Key").find((k) => String(prod.inputs(k).description).startsWith("Encrypts the logical backups"))?.outputs as Json).arn);
    const resources = role().policy.Statement.flatMap((s) => [s.Resource].flat());
    // And, on RDS, the admin secret RDS manages and its key (test/backup/admin-secret.test.ts has the rest).
    const rds = prod.one("aws:rds/instance:Instance").outputs as { masterUserSecrets: { secretArn: string }[]; kmsKeyId: string };
    const secretArn = rds.masterUserSecrets[0]?.secretArn;
    const rdsKeyArn = String((prod.ofType("aws:kms/key:Key").find((k) => String(prod.inputs(k).description).startsWith("Encrypts RDS storage"))?.outputs as Json).arn);
    expect(new Set(resources)).toEqual(new Set([bucketArn, `${bucketArn}/postgres/*`, keyArn, secretArn, rdsKeyArn]));
    const list = role().policy.Statement.find((s) => s.Resource === bucketArn);
    expect(list?.Condition).toEqual({ StringLike: { "s3:prefix": ["postgres/*", "postgres"] } });
    for (const s of role().policy.Statement) for (const action of [s.Action].flat()) expect(action).not.toMatch(/\*/);
  });

  it("is the role the jobs' ServiceAccount names", () => {
    const sa = named<{ metadata: { annotations: Json } }>(prod, "kubernetes:core/v1:ServiceAccount", "agents-backup");
    const roleArn = (prod.ofType("aws:iam/role:Role").find((r) => r.name === "agents-backup-irsa")?.outputs as Json).arn;
    expect(sa.metadata.annotations["eks.amazonaws.com/role-arn"]).toBe(roleArn);
  });
});

describe("the backup CronJobs", () => {
  interface CronJob { spec: { schedule: string; suspend: boolean; concurrencyPolicy: string; startingDeadlineSeconds: number; successfulJobsHistoryLimit: number; failedJobsHistoryLimit: number; jobTemplate: { spec: { backoffLimit: number; activeDeadlineSeconds: number; template: { spec: { serviceAccountName: string; securityContext: Json; containers: { command: string[]; image: string; env: { name: string; value?: string }[]; securityContext: Json; resources: Json }[] } } } } } }

  it.each([
    ["agents-backup", "0 3 * * *", false, "/scripts/backup.sh"],
    ["agents-restore-drill", "0 5 * * 0", false, "/scripts/restore-drill.sh"],
    ["agents-restore", "0 0 1 1 *", true, "/scripts/restore.sh"],
  ])("%s: %s, suspended %s, runs %s safely", (name, schedule, suspend, script) => {
    const job = named<CronJob>(prod, "kubernetes:batch/v1:CronJob", name);
    expect(job.spec).toMatchObject({ schedule, suspend, concurrencyPolicy: "Forbid", startingDeadlineSeconds: 3600, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 5 });
    const spec = job.spec.jobTemplate.spec;
    expect(spec.backoffLimit).toBe(1);
    expect(spec.activeDeadlineSeconds).toBeGreaterThan(0);
    const pod = spec.template.spec;
    expect(pod.serviceAccountName).toBe("agents-backup");
    const [container] = pod.containers;
    expect(container?.command).toEqual(["bash", script]);
    // The image's own user (image/backup/Dockerfile), 10000 or above as PSA-minded checkers ask; not postgres (999).
    expectRestricted(pod.securityContext, container?.securityContext, 10001);
    expect(container?.resources).toMatchObject({ limits: { memory: "1Gi" } });
    const env = new Map(container?.env.map((e) => [e.name, e.value]));
    expect(env.get("BACKUP_S3_URI")).toMatch(/^s3:\/\/agents-prod-backups-.+\/postgres$/);
    expect(env.get("PGSSLMODE")).toBe("require");
    expect(container?.image).toMatch(/\/agents-prod-backup@sha256:[0-9a-f]{64}$/);
  });

  it("restores as the admin and hands what it restored to the server's role, letta", () => {
    const env = (name: string) => new Map(named<CronJob>(prod, "kubernetes:batch/v1:CronJob", name).spec.jobTemplate.spec.template.spec.containers[0]?.env.map((e) => [e.name, e.value]));
    expect(env("agents-restore").get("RESTORE_OWNER")).toBe("letta");
    expect(env("agents-restore").get("BACKUP_KEY")).toBe("latest");
    // The drill restores into a scratch database it drops: nothing to hand over.
    expect(env("agents-restore-drill").has("RESTORE_OWNER")).toBe(false);
  });

  it("mounts the shipped scripts, byte for byte", async () => {
    const { readFileSync } = await import("node:fs");
    const data = named<{ data: Record<string, string> }>(prod, "kubernetes:core/v1:ConfigMap", "agents-backup-scripts").data;
    const shipped = (await import("node:fs")).readdirSync("components/backup/scripts").sort();
    expect(Object.keys(data).sort()).toEqual(shipped);
    expect(shipped).toEqual(["backup.sh", "common.sh", "fetch-admin-credentials.sh", "hand-over.sql", "restore-drill.sh", "restore.sh"]);
    for (const script of shipped) {
      expect(data[script]).toBe(readFileSync(`components/backup/scripts/${script}`, "utf8"));
    }
  });

  it("builds its image from the server's PostgreSQL major version, or runs a prebuilt one", async () => {
    const builds = prod.ofType("docker:index/image:Image").map((i) => prod.inputs(i)).filter((i) => String(i.imageName).includes("-backup:"));
    expect((builds[0]?.build as Json).args).toEqual({ POSTGRES_IMAGE: "postgres:17.6-bookworm@sha256:f3bd19c606e442c3d7bdfa8002e03fe260a1023351e0ea4598032022b68dd6e3" });
    const v16 = await runStack("prod", { "database.engineVersion": "16", "backup.image": "registry.example.com/pg-backup:16.10-1" });
    expect(v16.ofType("docker:index/image:Image")).toEqual([]);
    expect(named<CronJob>(v16, "kubernetes:batch/v1:CronJob", "agents-backup").spec.jobTemplate.spec.template.spec.containers[0]?.image).toBe("registry.example.com/pg-backup:16.10-1");
  });

  it("exports the bucket; dev has no backups and no AWS", async () => {
    expect(String(prod.output("backupBucket"))).toMatch(/^agents-prod-backups-/);
    const dev = await runStack("dev");
    expect(dev.output("backupBucket")).toBeUndefined();
    expect(dev.ofType("kubernetes:batch/v1:CronJob")).toEqual([]);
  });
});

describe("the backup image", () => {
  it("runs as the uid and gid the jobs' securityContext names, both 10000 or above, created in the image", async () => {
    const { readFileSync } = await import("node:fs");
    const dockerfile = readFileSync("image/backup/Dockerfile", "utf8");
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)\s*$/gm)].map((m) => m[1]);
    // The last USER is the one the container runs as; root before it only installs packages.
    expect(users.at(-1)).toBe(`${BACKUP_UID}:${BACKUP_UID}`);
    expect(BACKUP_UID).toBeGreaterThanOrEqual(10000);
    expect(dockerfile).toMatch(new RegExp(`groupadd --gid ${BACKUP_UID} backup`));
    expect(dockerfile).toMatch(new RegExp(`useradd --no-log-init --uid ${BACKUP_UID} --gid ${BACKUP_UID} `));
  });
});
