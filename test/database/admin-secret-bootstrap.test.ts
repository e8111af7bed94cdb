// The database bootstrap Job on RDS (docs/decisions/0115) and the rotation paths of the app role's and the server's
// passwords (database.appPasswordVersion, server.passwordVersion).
// - Rendered (prod, mock runtime): the Job's own ServiceAccount and IRSA role, an init container of the backup image
//   that reads the RDS-managed secret into an in-memory emptyDir, psql reading it through PGPASSFILE, no Secret in any
//   env of the Job.
// - Run for real: the rendered init container's script and the rendered main command (sh → psql), against a real
//   PostgreSQL 15 whose admin is a non-superuser with CREATEROLE as on RDS, and the AWS CLI talking to a stand-in
//   Secrets Manager (test/support/secrets-manager.ts). Debian's PostgreSQL has no pgvector: extensions.sql is replaced
//   by an empty file here (test/database/bootstrap-sql.test.ts runs it on PGlite).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../components/config";
import type { CapturedResource } from "../../tools/plan/capture";
import { runStack, type ProgramRun } from "../support/harness";
import { envOf, named, type Container, type Workload } from "../support/k8s";
import { findPostgresBinDir, startPostgres, type PostgresServer } from "../support/postgres";
import { S3RVER_AWS_ENV } from "../support/s3";
import { startSecretsManager, type FakeSecretsManager } from "../support/secrets-manager";
import { expectRestricted } from "../support/workload";
import { runChild, type ChildResult } from "../support/child";

type Json = Record<string, unknown>;
const REPO = path.resolve(__dirname, "../..");
const ADMIN_PASSWORD = String.raw`Rds:Managed\Passw0rd"!`;

let prod: ProgramRun;
let dev: ProgramRun;
beforeAll(async () => {
  [prod, dev] = [await runStack("prod"), await runStack("dev")];
});

const bootstrapOf = (run: ProgramRun): CapturedResource =>
  run.ofType("kubernetes:batch/v1:Job").find((j) => String((run.inputs(j).metadata as Json).name).startsWith("agents-db-bootstrap-")) as CapturedResource;
const podOf = (run: ProgramRun) => (run.inputs(bootstrapOf(run)) as unknown as Workload).spec.template.spec as Workload["spec"]["template"]["spec"] & {
  serviceAccountName?: string; volumes: { name: string; emptyDir?: Json; configMap?: { name: string }; secret?: Json }[];
};
const rdsSecretArn = (): string => String((prod.one("aws:rds/instance:Instance").outputs as { masterUserSecrets: { secretArn: string }[] }).masterUserSecrets[0]?.secretArn);

describe("the bootstrap Job on RDS (prod, rendered)", () => {
  it("runs as its own ServiceAccount, whose IRSA role only that ServiceAccount assumes", () => {
    const pod = podOf(prod);
    expect(pod.serviceAccountName).toBe("agents-db-bootstrap");
    const sa = named<{ metadata: { annotations: Json }; automountServiceAccountToken: boolean }>(prod, "kubernetes:core/v1:ServiceAccount", "agents-db-bootstrap");
    const role = prod.ofType("aws:iam/role:Role").find((r) => r.name === "agents-database-admin-secret-irsa");
    expect(sa.metadata.annotations["eks.amazonaws.com/role-arn"]).toBe(role?.outputs?.arn);
    expect(sa.automountServiceAccountToken).toBe(false);
    const trust = JSON.stringify(JSON.parse(String(prod.inputs(role as CapturedResource).assumeRolePolicy)));
    expect(trust).toContain('"system:serviceaccount:agent-platform:agents-db-bootstrap"');
    expect(trust).toContain('"sts.amazonaws.com"');
  });

  it("an init container of the backup image reads the RDS-managed secret into an in-memory emptyDir; psql reads it there", () => {
    const pod = podOf(prod);
    const [init] = pod.initContainers ?? [];
    const backupImage = named<{ spec: { jobTemplate: { spec: { template: { spec: { containers: Container[] } } } } } }>(prod, "kubernetes:batch/v1:CronJob", "agents-backup")
      .spec.jobTemplate.spec.template.spec.containers[0]?.image;
    expect(init).toMatchObject({ name: "admin-password", image: backupImage, command: ["bash", "/scripts/fetch-admin-credentials.sh"] });
    const initEnv = envOf(init as Container);
    expect(initEnv.get("ADMIN_CREDENTIALS_ID")?.value).toBe(rdsSecretArn());
    expect(initEnv.get("ADMIN_PASSFILE_DIR")?.value).toBe("/run/pgpass");
    expect(initEnv.get("AWS_REGION")?.value).toBe("eu-west-1");
    expectRestricted(pod.securityContext, init?.securityContext, 10001);
    expect(pod.volumes.find((v) => v.name === "pgpass")?.emptyDir).toEqual({ medium: "Memory", sizeLimit: "1Mi" });
    const main = pod.containers[0] as Container;
    expect(main.volumeMounts).toContainEqual({ name: "pgpass", mountPath: "/run/pgpass", readOnly: true });
    expect(envOf(main).get("PGPASSFILE")?.value).toBe("/run/pgpass/pgpass");
    for (const container of [init as Container, main]) expect([...envOf(container).values()].filter((e) => e.valueFrom), container.name).toEqual([]);
    // The scripts it runs are the shipped ones, byte for byte (test/backup/admin-secret.test.ts runs them).
    const scripts = pod.volumes.find((v) => v.name === "admin-password-scripts")?.configMap?.name;
    const data = named<{ data: Record<string, string>; immutable: boolean }>(prod, "kubernetes:core/v1:ConfigMap", String(scripts));
    expect(data.immutable).toBe(true);
    for (const file of ["common.sh", "fetch-admin-credentials.sh"]) expect(data.data[file]).toBe(spawnSync("cat", [path.join(REPO, "components/backup/scripts", file)], { encoding: "utf8" }).stdout);
  });

  it("database.mode=rds turns backups on by default, in dev too, and refuses backup.enabled=false, naming the key", () => {
    const parse = (flat: Record<string, string>) => parseStackConfig(Object.fromEntries(Object.entries(flat).map(([k, v]) => [`agent-platform:${k}`, v])), "agent-platform", () => false);
    // An existing cluster with RDS needs its network and OIDC provider named.
    const existing = {
      environment: "dev", "database.mode": "rds", "cluster.vpcId": "vpc-0123456789abcdef0", "cluster.privateSubnetIds": '["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]',
      "cluster.nodeSecurityGroupId": "sg-0123456789abcdef0", "cluster.oidcProviderArn": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
      "cluster.oidcIssuerUrl": "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
    };
    expect(parse(existing).backup.enabled).toBe(true);
    expect(parse({ environment: "dev" }).backup.enabled).toBe(false);
    expect(() => parse({ ...existing, "backup.enabled": "false" }))
      .toThrow(/agent-platform:backup\.enabled = false: must be true with database\.mode=rds/);
  });

  it("may reach STS and Secrets Manager over HTTPS (its own NetworkPolicy), where the migrations Job may not", () => {
    const labelsOf = (job: CapturedResource): Json => ((prod.inputs(job) as unknown as { spec: { template: { metadata: { labels: Json } } } }).spec.template.metadata.labels);
    const migrations = prod.ofType("kubernetes:batch/v1:Job").find((j) => String((prod.inputs(j).metadata as Json).name).startsWith("agents-db-migrate-")) as CapturedResource;
    expect(labelsOf(bootstrapOf(prod))["agent-platform/aws-api-client"]).toBe("true");
    expect(labelsOf(migrations)["agent-platform/aws-api-client"]).toBeUndefined();
    const policy = named<{ spec: { podSelector: { matchLabels: Json }; policyTypes: string[]; egress: { to?: { ipBlock?: { cidr: string; except?: string[] } }[]; ports: { port: number }[] }[] } }>(prod, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "agents-aws-api");
    expect(policy.spec.podSelector.matchLabels).toEqual({ "app.kubernetes.io/instance": "agents", "app.kubernetes.io/component": "database-jobs", "agent-platform/aws-api-client": "true" });
    expect(policy.spec.policyTypes).toEqual(["Egress"]);
    const https = policy.spec.egress.find((e) => e.ports.some((p) => p.port === 443));
    expect(https?.to?.[0]?.ipBlock?.cidr).toBe("0.0.0.0/0");
    expect(https?.to?.[0]?.ipBlock?.except).toHaveLength(1);
    expect(dev.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => (dev.inputs(p).metadata as Json).name)).not.toContain("agents-aws-api");
  });

  it("dev (in-cluster database) keeps its Kubernetes Secret: no init container, a ServiceAccount without an IRSA role", () => {
    const pod = podOf(dev);
    expect(pod.initContainers).toBeUndefined();
    expect(pod.serviceAccountName).toBe("agents-db-bootstrap");
    const sa = named<{ metadata: { annotations?: Json } }>(dev, "kubernetes:core/v1:ServiceAccount", "agents-db-bootstrap");
    expect(sa.metadata.annotations).toBeUndefined();
    expect(envOf(pod.containers[0] as Container).get("PGPASSWORD")?.valueFrom?.secretKeyRef?.name).toBe("agents-postgres-admin");
  });
});

/** Asynchronously: the Secrets Manager stand-in answers from this process while the child runs. */
const run = (command: string, args: string[], env: Record<string, string>): Promise<ChildResult> => runChild(command, args, env, 60_000);

describe("the rendered bootstrap, run against a real PostgreSQL", () => {
  let pg: PostgresServer | undefined;
  let sm: FakeSecretsManager | undefined;
  let root = "";
  let startFailure: unknown;
  const server = (): PostgresServer => { if (startFailure !== undefined || !pg) throw startFailure instanceof Error ? startFailure : new Error("PostgreSQL did not start"); return pg; };

  beforeAll(async () => {
    try {
      pg = await startPostgres();
      sm = await startSecretsManager();
      root = mkdtempSync(path.join(tmpdir(), "bootstrap-rds-"));
      for (const d of ["pgpass", "sql", "app", "home"]) mkdirSync(path.join(root, d));
      copyFileSync(path.join(REPO, "components/database/sql/bootstrap.sql"), path.join(root, "sql/bootstrap.sql"));
      writeFileSync(path.join(root, "sql/extensions.sql"), "SELECT 1;\n");
      pg.query(`CREATE ROLE platform_admin LOGIN CREATEROLE NOSUPERUSER NOCREATEDB PASSWORD $p$${ADMIN_PASSWORD}$p$`);
      pg.query("CREATE DATABASE letta OWNER platform_admin");
    } catch (error) {
      startFailure = error;
    }
  }, 120_000);

  afterAll(async () => {
    await sm?.stop();
    await pg?.stop();
    if (root !== "") rmSync(root, { recursive: true, force: true });
  });

  it("the init container's script, then sh → psql with the password file: the app role exists with its password", async () => {
    const pod = podOf(prod);
    const init = (pod.initContainers ?? [])[0] as Container;
    const main = pod.containers[0] as Container;
    const arn = String(envOf(init).get("ADMIN_CREDENTIALS_ID")?.value);
    sm?.put(arn, JSON.stringify({ username: "platform_admin", password: ADMIN_PASSWORD }));
    const base = { PATH: `/usr/bin:/bin:${findPostgresBinDir() ?? "/usr/bin"}`, LANG: "C.UTF-8", HOME: path.join(root, "home") };
    const rendered = (c: Container): Record<string, string> => Object.fromEntries([...envOf(c).values()].filter((e) => e.value !== undefined).map((e) => [e.name, String(e.value)]));

    const fetch = await run("bash", [path.join(REPO, "components/backup/scripts/fetch-admin-credentials.sh")],
      { ...base, ...rendered(init), ...S3RVER_AWS_ENV, AWS_REGION: "eu-west-1", ADMIN_PASSFILE_DIR: path.join(root, "pgpass"), SECRETS_ENDPOINT_URL: sm?.endpoint ?? "" });
    expect(fetch.status, fetch.stderr).toBe(0);
    expect(sm?.calls.map((c) => c.secretId)).toEqual([arn]);

    const appSecret = named<{ stringData: Record<string, string> }>(prod, "kubernetes:core/v1:Secret", "agents-database-app");
    const appPassword = String(appSecret.stringData.APP_PASSWORD);
    writeFileSync(path.join(root, "app/APP_PASSWORD"), appPassword);
    const command = String(main.command?.[2]).replaceAll("/run/app-password", path.join(root, "app")).replaceAll("'/bootstrap/", `'${path.join(root, "sql")}/`);
    const connection = { PGHOST: server().host, PGPORT: String(server().port), PGSSLMODE: "disable" };
    const boot = await run("sh", ["-c", command], { ...base, ...rendered(main), ...connection, PGPASSFILE: path.join(root, "pgpass/pgpass") });
    expect(boot.stderr).not.toMatch(/ERROR|FATAL/);
    expect(boot.status, boot.stderr).toBe(0);
    const login = server().psql(["-X", "-A", "-t", "-c", "SELECT current_user, current_schema()"], server().env({ user: "letta", password: appPassword, database: "letta" }));
    expect(login.stdout.trim(), login.stderr).toBe("letta|letta");
  });
});

describe("rotating the app role's and the server's passwords (a version bump)", () => {
  const keepers = (run: ProgramRun, name: string): unknown => run.inputs(run.one("random:index/randomPassword:RandomPassword", name)).keepers;
  const annotation = (run: ProgramRun): unknown =>
    (named<{ spec: { template: { metadata: { annotations: Json } } } }>(run, "kubernetes:apps/v1:Deployment", "agents-server")).spec.template.metadata.annotations["agent-platform/password-generations"];
  const jobName = (run: ProgramRun): string => String((run.inputs(bootstrapOf(run)).metadata as Json).name);

  it("version 1 (the default) sets no keepers, so existing stacks keep their passwords", () => {
    expect(keepers(prod, "agents-database-jobs-app-password")).toBeUndefined();
    expect(keepers(prod, "agents-secrets-server-password")).toBeUndefined();
    expect(annotation(prod)).toBe("server-1.app-1");
  });

  it("database.appPasswordVersion=2: a new password (keepers), the bootstrap Job runs again, the server pods restart", async () => {
    const bumped = await runStack("prod", { "database.appPasswordVersion": "2" });
    expect(keepers(bumped, "agents-database-jobs-app-password")).toEqual({ version: "2" });
    expect(keepers(bumped, "agents-secrets-server-password")).toBeUndefined();
    expect(jobName(bumped)).not.toBe(jobName(prod));
    expect(annotation(bumped)).toBe("server-1.app-2");
  });

  it("server.passwordVersion=3: a new server password, the server pods restart, the bootstrap Job is left alone", async () => {
    const bumped = await runStack("prod", { "server.passwordVersion": "3" });
    expect(keepers(bumped, "agents-secrets-server-password")).toEqual({ version: "3" });
    expect(keepers(bumped, "agents-database-jobs-app-password")).toBeUndefined();
    expect(jobName(bumped)).toBe(jobName(prod));
    expect(annotation(bumped)).toBe("server-3.app-1");
  });

  it("refuses a version that is not a positive integer, naming the key", async () => {
    await expect(runStack("prod", { "database.appPasswordVersion": "0" })).rejects.toThrow(/database\.appPasswordVersion/);
  });
});
