// The admin password on RDS: the secret RDS manages, read by the Jobs at run time (docs/decisions/0115).
// - The scripts for real: a real PostgreSQL 15 (SCRAM, so a wrong password fails), s3rver, Debian's AWS CLI v2 talking
//   to a stand-in Secrets Manager endpoint (test/support/secrets-manager.ts; the CLI signs and sends the real
//   GetSecretValue call, the stand-in answers it). The admin password holds ':' and '\', which a .pgpass line must
//   escape. A rotation (new password in PostgreSQL and in the secret) is picked up by the next run.
// - The rendered CronJobs: the secret's ARN in the env, the password file on an in-memory emptyDir, no Secret in env.
// - The roles' policies as the plan renders them, evaluated with @cloud-copilot/iam-simulate (the plan gate's engine):
//   each role reads exactly this secret and decrypts with its key only through Secrets Manager.
// What is not proven here: IRSA itself (the EKS webhook's token, STS), and KMS/Secrets Manager's real authorization;
// see docs/verification.md.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultKeyPolicy, evaluate } from "../../tools/validate/iam/simulate";
import { runStack, type ProgramRun } from "../support/harness";
import { named } from "../support/k8s";
import { findPostgresBinDir, startPostgres, type PostgresServer } from "../support/postgres";
import { S3RVER_AWS_ENV, startS3, type S3Server } from "../support/s3";
import { startSecretsManager, type FakeSecretsManager } from "../support/secrets-manager";
import { runChild, type ChildResult } from "../support/child";

const SCRIPTS_DIR = path.resolve(__dirname, "../../components/backup/scripts");
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0f0e0d0c-0b0a-4909-8807-060504030201-AbCdEf";
const ADMIN = "platform_admin";
const FIRST = String.raw`Adm:in\Pass"w0rd`;
const ROTATED = String.raw`R0t:ated\\Pass'w0rd`;
type Json = Record<string, unknown>;

/** libpq's environment without PGPASSWORD: the scripts must find the password themselves. */
const withoutPassword = (env: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(env).filter(([name]) => name !== "PGPASSWORD"));

const runScript = (script: string, env: Record<string, string>): Promise<ChildResult> => runChild("bash", [path.join(SCRIPTS_DIR, script)], env, 120_000);

describe("the scripts read the admin password from Secrets Manager", () => {
  let pg: PostgresServer | undefined;
  let s3: S3Server | undefined;
  let sm: FakeSecretsManager | undefined;
  let root = "";
  let startFailure: unknown;
  const server = (): PostgresServer => { if (startFailure !== undefined || !pg) throw startFailure instanceof Error ? startFailure : new Error("PostgreSQL did not start"); return pg; };
  const secrets = (): FakeSecretsManager => { if (!sm) throw new Error("no Secrets Manager stand-in"); return sm; };
  const dir = (name: string): string => path.join(root, name);
  const secretJson = (password: string): string => JSON.stringify({ username: ADMIN, password, engine: "postgres", host: "127.0.0.1", port: server().port, dbname: "source" });

  /** The Job's environment: the admin's connection without any password, the secret's ARN and the password file dir. */
  const env = (extra: Record<string, string> = {}): Record<string, string> => {
    const connection = withoutPassword(server().env({ user: ADMIN, password: "", database: "source" }));
    return {
      PATH: `/usr/bin:/bin:${findPostgresBinDir() ?? "/usr/bin"}`, HOME: dir("home"), TMPDIR: dir("tmp"), LANG: "C.UTF-8", LC_ALL: "C.UTF-8",
      PGCONNECT_TIMEOUT: "10", ...connection, ...S3RVER_AWS_ENV,
      S3_ENDPOINT_URL: s3?.endpoint ?? "", BACKUP_S3_URI: `s3://${s3?.bucket ?? ""}/source`,
      ADMIN_CREDENTIALS_ID: SECRET_ARN, ADMIN_PASSFILE_DIR: dir("pgpass"), SECRETS_ENDPOINT_URL: secrets().endpoint,
      ...extra,
    };
  };
  const latest = async (): Promise<string> => (await s3?.getObject("source/latest.json"))?.toString("utf8") ?? "(none)";

  beforeAll(async () => {
    try {
      pg = await startPostgres();
      s3 = await startS3({ bucket: "agent-backups" });
      sm = await startSecretsManager();
      root = mkdtempSync(path.join(tmpdir(), "admin-secret-"));
      for (const d of ["tmp", "home", "pgpass"]) mkdirSync(dir(d));
      pg.query("CREATE ROLE app LOGIN PASSWORD 'AppPassw0rd'");
      // As on RDS: the master user is no superuser; CREATEDB for the drill; a member of the owning role.
      pg.query(`CREATE ROLE ${ADMIN} LOGIN CREATEDB NOSUPERUSER PASSWORD $p$${FIRST}$p$ IN ROLE app`);
      pg.query("CREATE DATABASE source OWNER app");
      pg.query("CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes SELECT g, md5(g::text) FROM generate_series(1, 500) g", { user: "app", password: "AppPassw0rd", database: "source" });
      sm.put(SECRET_ARN, secretJson(FIRST));
    } catch (error) {
      startFailure = error;
    }
  }, 120_000);

  afterAll(async () => {
    await sm?.stop();
    await s3?.stop();
    await pg?.stop();
    if (root !== "") rmSync(root, { recursive: true, force: true });
  });

  it("backup.sh: one signed GetSecretValue of that ARN, a backup, and no password file left behind", async () => {
    const before = secrets().calls.length;
    const run = await runScript("backup.sh", env());
    expect(run.status, run.stderr).toBe(0);
    expect((JSON.parse(await latest()) as Json).manifest).toMatch(/^source\/dumps\/.*\.manifest\.json$/);
    expect(secrets().calls.slice(before)).toEqual([{ target: "secretsmanager.GetSecretValue", secretId: SECRET_ARN, signedService: "secretsmanager" }]);
    expect(readdirSync(dir("pgpass"))).toEqual([]);
    expect(readdirSync(dir("tmp"))).toEqual([]);
  });

  it("restore-drill.sh: restores the latest backup into a scratch database; restore.sh reuses the drill's file", async () => {
    const before = secrets().calls.length;
    const run = await runScript("restore-drill.sh", env());
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/row counts match the manifest/);
    expect(secrets().calls.length - before).toBe(1);
    expect(readdirSync(dir("pgpass"))).toEqual([]);
  });

  it("a rotation is picked up by the next run; a secret that no longer matches the database fails, making no backup", async () => {
    server().query(`ALTER ROLE ${ADMIN} PASSWORD $p$${ROTATED}$p$`);
    const stale = await latest();
    const failed = await runScript("backup.sh", env());
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/password authentication failed for user "platform_admin"/);
    expect(await latest()).toBe(stale);
    secrets().put(SECRET_ARN, secretJson(ROTATED));
    const rotated = await runScript("backup.sh", env());
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(await latest()).not.toBe(stale);
  });

  it("another secret's ARN (not readable) or a secret without a password fails before any connection", async () => {
    const denied = await runScript("backup.sh", env({ ADMIN_CREDENTIALS_ID: `${SECRET_ARN}-other` }));
    expect(denied.status).not.toBe(0);
    expect(denied.stderr).toMatch(/backup\.sh: FAILED: could not read the admin password from Secrets Manager secret .*-other/);
    secrets().put(`${SECRET_ARN}-nopassword`, JSON.stringify({ username: ADMIN }));
    const empty = await runScript("restore.sh", env({ ADMIN_CREDENTIALS_ID: `${SECRET_ARN}-nopassword`, BACKUP_KEY: "latest" }));
    expect(empty.status).not.toBe(0);
    expect(empty.stderr).toMatch(/the secret is not JSON with a "password" field/);
    expect(readdirSync(dir("pgpass"))).toEqual([]);
  });

  it("fetch-admin-credentials.sh (the bootstrap's init container) leaves a 0600 password file psql logs in with", async () => {
    const run = await runScript("fetch-admin-credentials.sh", env());
    expect(run.status, run.stderr).toBe(0);
    const file = path.join(dir("pgpass"), "pgpass");
    expect(readdirSync(dir("pgpass"))).toEqual(["pgpass"]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const connection = withoutPassword(server().env({ user: ADMIN, password: "", database: "source" }));
    const login = server().psql(["-X", "-A", "-t", "-w", "-c", "SELECT current_user"], { ...connection, PGPASSFILE: file });
    expect(login.stderr).toBe("");
    expect(login.stdout.trim()).toBe(ADMIN);
    rmSync(file);
    const missing = await runScript("fetch-admin-credentials.sh", env({ ADMIN_CREDENTIALS_ID: "" }));
    expect(missing.stderr).toMatch(/ADMIN_CREDENTIALS_ID is not set/);
  });
});

describe("the rendered Jobs and their roles (prod)", () => {
  let prod: ProgramRun;
  beforeAll(async () => {
    prod = await runStack("prod");
  });
  const rdsSecretArn = (): string => String((prod.one("aws:rds/instance:Instance").outputs as { masterUserSecrets: { secretArn: string }[] }).masterUserSecrets[0]?.secretArn);
  const rdsKeyArn = (): string => String(prod.ofType("aws:kms/key:Key").find((k) => String(prod.inputs(k).description).startsWith("Encrypts RDS storage"))?.outputs?.arn);

  interface Pod { containers: { env: { name: string; value?: string; valueFrom?: unknown }[]; volumeMounts: { name: string; mountPath: string }[] }[]; volumes: { name: string; emptyDir?: Json }[] }
  it.each(["agents-backup", "agents-restore-drill", "agents-restore"])("%s: the secret's ARN and an in-memory password file, no Secret in its env", (name) => {
    const pod = named<{ spec: { jobTemplate: { spec: { template: { spec: Pod } } } } }>(prod, "kubernetes:batch/v1:CronJob", name).spec.jobTemplate.spec.template.spec;
    const [container] = pod.containers;
    const env = new Map(container?.env.map((e) => [e.name, e]));
    expect(env.get("ADMIN_CREDENTIALS_ID")?.value).toBe(rdsSecretArn());
    expect(env.get("ADMIN_PASSFILE_DIR")?.value).toBe("/run/pgpass");
    expect(env.has("PGPASSWORD")).toBe(false);
    expect(container?.env.filter((e) => e.valueFrom)).toEqual([]);
    expect(container?.volumeMounts).toContainEqual({ name: "pgpass", mountPath: "/run/pgpass" });
    expect(pod.volumes.find((v) => v.name === "pgpass")?.emptyDir).toEqual({ medium: "Memory", sizeLimit: "1Mi" });
  });

  const policyOf = (roleName: string): unknown => {
    const policy = prod.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === roleName);
    return JSON.parse(String(prod.inputs(policy ?? prod.one("none")).policy)) as unknown;
  };
  const ask = (role: string, action: string, resource: string, context: Record<string, string> = {}, resourcePolicy?: unknown): Promise<string> =>
    evaluate({ principal: `arn:aws:iam::123456789012:role/${role}`, action, resource, resourceAccount: "123456789012", context, identityPolicies: [policyOf(role)], ...(resourcePolicy ? { resourcePolicy } : {}) });
  const viaSecretsManager = { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" };

  it.each(["agents-backup-irsa", "agents-database-admin-secret-irsa"])("%s reads exactly the RDS-managed secret and decrypts it only through Secrets Manager", async (role) => {
    const key = defaultKeyPolicy("123456789012");
    const serverSecret = String(prod.ofType("aws:secretsmanager/secret:Secret").find((s) => String(prod.inputs(s).namePrefix).endsWith("/server-"))?.outputs?.arn);
    expect(await ask(role, "secretsmanager:GetSecretValue", rdsSecretArn())).toBe("Allowed");
    expect(await ask(role, "secretsmanager:GetSecretValue", serverSecret)).toBe("ImplicitlyDenied");
    expect(await ask(role, "secretsmanager:GetSecretValue", rdsSecretArn().replace(/-[A-Za-z0-9]{6}$/, "-XyZabc"))).toBe("ImplicitlyDenied");
    expect(await ask(role, "secretsmanager:PutSecretValue", rdsSecretArn())).toBe("ImplicitlyDenied");
    expect(await ask(role, "secretsmanager:RotateSecret", rdsSecretArn())).toBe("ImplicitlyDenied");
    expect(await ask(role, "kms:Decrypt", rdsKeyArn(), viaSecretsManager, key)).toBe("Allowed");
    expect(await ask(role, "kms:Decrypt", rdsKeyArn(), {}, key)).toBe("ImplicitlyDenied");
    expect(await ask(role, "kms:Decrypt", rdsKeyArn(), { "kms:ViaService": "rds.eu-west-1.amazonaws.com" }, key)).toBe("ImplicitlyDenied");
  });

  it("the bootstrap's role has nothing but that secret: not the backup bucket", async () => {
    const bucket = String(prod.ofType("aws:s3/bucket:Bucket").find((b) => String(prod.inputs(b).bucketPrefix).startsWith("agents-prod-backups"))?.outputs?.arn);
    expect(await ask("agents-database-admin-secret-irsa", "s3:GetObject", `${bucket}/postgres/latest.json`, { "aws:SecureTransport": "true" })).toBe("ImplicitlyDenied");
    const statements = (policyOf("agents-database-admin-secret-irsa") as { Statement: unknown[] }).Statement;
    expect(statements).toHaveLength(2);
  });
});
