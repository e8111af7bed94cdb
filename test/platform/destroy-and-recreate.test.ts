// What makes `pulumi destroy` stop before data goes, finish when meant to, and a second `up` work. Asserted on the
// rendered state; each check runs over every resource of its kind, so a new one of that kind is covered too.
import { beforeAll, describe, expect, it } from "vitest";
import { toDeployment } from "../../tools/plan/state-export";
import { runStack, type ProgramRun } from "../support/harness";

let prod: ProgramRun;
let prodBuild: ProgramRun;
let dev: ProgramRun;

beforeAll(async () => {
  prod = await runStack("prod");
  prodBuild = await runStack("prod", { "image.build": "true", "backup.replicationRegion": "eu-central-1" });
  dev = await runStack("dev");
});

describe("names AWS keeps after a delete", () => {
  it("every Secrets Manager secret is named by a prefix (a deleted one keeps its name for its recovery window)", () => {
    const secrets = prodBuild.ofType("aws:secretsmanager/secret:Secret").map((s) => prodBuild.inputs(s));
    // The server's and the app role's; the admin secret is RDS's own (manageMasterUserPassword), named by RDS.
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    for (const s of secrets) {
      expect(s.name, String(s.namePrefix)).toBeUndefined();
      expect(String(s.namePrefix)).toMatch(/^agents-prod\/[a-z-]+-$/);
      expect(s.recoveryWindowInDays).toBe(30);
    }
  });

  it("the RDS final snapshot is named after a random id made with the instance, valid for RDS", () => {
    const instance = prod.one("aws:rds/instance:Instance");
    const id = String(prod.inputs(instance).finalSnapshotIdentifier);
    const random = prod.one("random:index/randomId:RandomId", "agents-database-final-snapshot");
    expect(id).toBe(`agents-prod-final-${String((random.outputs as { hex: string }).hex)}`);
    expect(instance.propertyDependencies.finalSnapshotIdentifier).toContain(random.urn);
    // RDS: 1-255 letters, digits or hyphens, a letter first, no two hyphens in a row, no hyphen last.
    expect(id).toMatch(/^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,254}$/);
    expect(id.endsWith("-")).toBe(false);
  });
});

describe("destroy that finishes when meant to", () => {
  it("every ECR repository can be deleted while it holds images (they are rebuilt from this repository)", () => {
    const repos = prodBuild.ofType("aws:ecr/repository:Repository").map((r) => prodBuild.inputs(r));
    expect(repos.map((r) => r.name).sort()).toEqual(["agents-prod-backup", "agents-prod-server"]);
    for (const r of repos) expect(r.forceDelete).toBe(true);
  });
});


describe("protect on prod data", () => {
  /** Resources holding data, or the keys that decrypt it: the RDS instance, the backup buckets, and their keys. */
  function dataResources(run: ProgramRun) {
    const keyArns = new Set<string>();
    const instance = run.ofType("aws:rds/instance:Instance");
    for (const i of instance) keyArns.add(String(run.inputs(i).kmsKeyId));
    for (const enc of run.ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")) {
      const rule = (run.inputs(enc).rules as { applyServerSideEncryptionByDefault?: { kmsMasterKeyId?: string } }[])[0];
      if (rule?.applyServerSideEncryptionByDefault?.kmsMasterKeyId) keyArns.add(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId);
    }
    const keys = run.ofType("aws:kms/key:Key").filter((k) => keyArns.has(String((k.outputs as { arn: string }).arn)));
    // The backup storage's buckets (backups, their access logs, the replica and its access logs); the ALB's access-log bucket holds no
    // data the platform restores from, and is kept out of protect so a deliberate teardown needs no extra step.
    const backupBuckets = run.ofType("aws:s3/bucket:Bucket").filter((b) => b.name.startsWith("agents-backup-storage"));
    return [...instance, ...backupBuckets, ...keys];
  }

  it("the RDS instance, every backup bucket and the keys that encrypt them are protected in prod", () => {
    const data = dataResources(prodBuild);
    expect(data.filter((r) => r.type === "aws:rds/instance:Instance")).toHaveLength(1);
    // Backups and their access logs, in the stack's region and in the replica's.
    expect(data.filter((r) => r.type === "aws:s3/bucket:Bucket")).toHaveLength(4);
    expect(data.filter((r) => r.type === "aws:kms/key:Key")).toHaveLength(3);
    expect(data.filter((r) => !r.protect).map((r) => r.name)).toEqual([]);
  });

  it("the state export carries protect, as `pulumi destroy` reads it", () => {
    const state = toDeployment(prod.captured, "test");
    const instance = state.deployment.resources.find((r) => r.type === "aws:rds/instance:Instance");
    expect(instance?.protect).toBe(true);
    const cluster = state.deployment.resources.find((r) => r.type === "aws:eks/cluster:Cluster");
    expect(cluster?.protect).toBeUndefined();
  });

  it("nothing is protected in dev, so a laptop stack tears down in one command", () => {
    expect(dev.resources.filter((r) => r.protect || r.retainOnDelete)).toEqual([]);
  });

  it("the RDS key outlives a teardown in prod (it encrypts the final snapshot), and only that key", () => {
    const keyArn = String(prod.inputs(prod.one("aws:rds/instance:Instance")).kmsKeyId);
    const retained = prod.resources.filter((r) => r.retainOnDelete);
    expect(retained.map((r) => r.type)).toEqual(["aws:kms/key:Key"]);
    expect((retained[0]?.outputs as { arn: string }).arn).toBe(keyArn);
    expect(toDeployment(prod.captured, "test").deployment.resources.filter((r) => r.retainOnDelete)).toHaveLength(1);
  });
});

describe("RDS major version upgrades (database.allowMajorVersionUpgrade)", () => {
  it("are refused by default, so a mistyped engineVersion cannot upgrade in place", () => {
    const instance = prod.inputs(prod.one("aws:rds/instance:Instance"));
    expect(instance.allowMajorVersionUpgrade).toBe(false);
    expect(instance.applyImmediately).toBe(false);
  });

  it("with the setting, run at once with a parameter group of the new family", async () => {
    const run = await runStack("prod", { "database.engineVersion": "16", "database.allowMajorVersionUpgrade": "true" });
    const instance = run.inputs(run.one("aws:rds/instance:Instance"));
    expect(instance).toMatchObject({ engineVersion: "16", allowMajorVersionUpgrade: true, applyImmediately: true });
    const params = run.inputs(run.one("aws:rds/parameterGroup:ParameterGroup"));
    expect(params.family).toBe("postgres16");
    // Auto-named, so the new family's group is created before the old one is deleted.
    expect(params.name).toBeUndefined();
  });
});

describe("the RDS master password in state", () => {
  it("is not in it at all: RDS manages it (manageMasterUserPassword), no password or passwordWo input", () => {
    const instance = prod.one("aws:rds/instance:Instance");
    expect(instance.inputs.manageMasterUserPassword).toBe(true);
    expect(instance.inputs.passwordWo).toBeUndefined();
    expect(instance.inputs.passwordWoVersion).toBeUndefined();
    expect(instance.inputs.password).toBeUndefined();
    expect(prod.ofType("random:index/randomPassword:RandomPassword").map((p) => p.name)).not.toContain("agents-database-admin-password");
  });
});
