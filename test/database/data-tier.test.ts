import { beforeAll, describe, expect, it } from "vitest";
import type { CapturedResource } from "../../tools/plan/capture";
import { isSecretValue } from "../../tools/plan/wire";
import { runStack, type ProgramRun } from "../support/harness";
import { envOf, named, type Workload } from "../support/k8s";
import { expectRestricted } from "../support/workload";

type Json = Record<string, unknown>;
let dev: ProgramRun;
let prod: ProgramRun;

beforeAll(async () => {
  [dev, prod] = [await runStack("dev"), await runStack("prod")];
});

const jobs = (run: ProgramRun): { bootstrap: CapturedResource; migrations: CapturedResource } => {
  const all = run.ofType("kubernetes:batch/v1:Job");
  const pick = (prefix: string) => all.find((j) => String((run.inputs(j).metadata as Json).name).startsWith(prefix)) as CapturedResource;
  return { bootstrap: pick("agents-db-bootstrap-"), migrations: pick("agents-db-migrate-") };
};

describe("RDS (database.mode=rds, prod)", () => {
  it("encrypts storage and Performance Insights with its own rotating key, Multi-AZ, protected, backed up 14 days", () => {
    const db = prod.inputs(prod.one("aws:rds/instance:Instance"));
    const key = prod.ofType("aws:kms/key:Key").find((k) => String(prod.inputs(k).description).startsWith("Encrypts RDS storage"));
    expect(key && prod.inputs(key).enableKeyRotation).toBe(true);
    const keyArn = (key?.outputs)?.arn;
    expect(db).toMatchObject({
      engine: "postgres", engineVersion: "17", storageEncrypted: true, kmsKeyId: keyArn, performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: keyArn, multiAz: true, backupRetentionPeriod: 14, deletionProtection: true, skipFinalSnapshot: false,
      finalSnapshotIdentifier: expect.stringMatching(/^agents-prod-final-[0-9a-f]{8}$/) as unknown, copyTagsToSnapshot: true, autoMinorVersionUpgrade: true, publiclyAccessible: false,
      iamDatabaseAuthenticationEnabled: true, monitoringInterval: 60, identifier: "agents-prod",
    });
    expect(db.enabledCloudwatchLogsExports).toEqual(["postgresql", "upgrade"]);
  });

  it("forces TLS and logs slow statements and connections through its parameter group", () => {
    const group = prod.inputs(prod.one("aws:rds/parameterGroup:ParameterGroup"));
    expect(group.family).toBe("postgres17");
    const params = new Map((group.parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]));
    expect(params.get("rds.force_ssl")).toBe("1");
    expect(params.get("log_min_duration_statement")).toBe("1000");
    expect(params.get("log_connections")).toBe("1");
    const groupName = (prod.one("aws:rds/parameterGroup:ParameterGroup").outputs as Json).name;
    expect(groupName).toEqual(expect.stringMatching(/^agents-database-params-/));
    expect(prod.inputs(prod.one("aws:rds/instance:Instance")).parameterGroupName).toBe(groupName);
  });

  it("admits its port (database.port, default 5433) only from the cluster's security group, in private subnets", () => {
    const sgs = prod.ofType("aws:ec2/securityGroup:SecurityGroup").filter((s) => String(prod.inputs(s).description).startsWith("PostgreSQL"));
    expect(sgs).toHaveLength(1);
    const sg = sgs[0] as CapturedResource;
    expect(prod.inputs(sg).ingress).toBeUndefined();
    const rules = prod.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => prod.inputs(r).securityGroupId === sg.id);
    expect(rules).toHaveLength(1);
    const clusterSg = ((prod.one("aws:eks/cluster:Cluster").outputs as Json).vpcConfig as Json).clusterSecurityGroupId;
    expect(prod.inputs(rules[0] as CapturedResource)).toMatchObject({ fromPort: 5433, toPort: 5433, ipProtocol: "tcp", referencedSecurityGroupId: clusterSg });
    expect(prod.inputs(rules[0] as CapturedResource).cidrIpv4).toBeUndefined();
    const privateIds = prod.ofType("aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-")).map((s) => s.id);
    expect(prod.inputs(prod.one("aws:rds/subnetGroup:SubnetGroup")).subnetIds).toEqual(privateIds);
  });

  it("lets RDS manage the master password (never in Pulumi's state nor in Kubernetes); other stored values are secret", () => {
    const rds = prod.one("aws:rds/instance:Instance").inputs;
    expect(rds.password).toBeUndefined();
    expect(rds.passwordWo).toBeUndefined();
    expect(rds.manageMasterUserPassword).toBe(true);
    const rdsKey = prod.ofType("aws:kms/key:Key").find((k) => String(prod.inputs(k).description).startsWith("Encrypts RDS storage"));
    expect(rds.masterUserSecretKmsKeyId).toBe(rdsKey?.outputs?.arn);
    expect(prod.ofType("kubernetes:core/v1:Secret").map((s) => (prod.inputs(s).metadata as Json).name)).not.toContain("agents-database-admin");
    const stored = prod.ofType("aws:secretsmanager/secretVersion:SecretVersion");
    for (const version of stored) expect(isSecretValue(version.inputs.secretString)).toBe(true);
  });

  it("follows the config: engine 16, retention, no Multi-AZ", async () => {
    const run = await runStack("prod", { "database.engineVersion": "16", "database.backupRetentionDays": "21", "database.multiAz": "false" });
    expect(run.inputs(run.one("aws:rds/parameterGroup:ParameterGroup")).family).toBe("postgres16");
    expect(run.inputs(run.one("aws:rds/instance:Instance"))).toMatchObject({ engineVersion: "16", backupRetentionPeriod: 21, multiAz: false });
  });
});

describe("StatefulSet (database.mode=statefulset, dev)", () => {
  it("runs pinned pgvector, non-root, read-only, with pg_isready start-up and readiness, a TCP liveness, and a volume", () => {
    const sts = named<Workload>(dev, "kubernetes:apps/v1:StatefulSet", "agents-postgres");
    const container = sts.spec.template.spec.containers[0];
    expect(container?.image).toBe("pgvector/pgvector:0.8.1-pg17@sha256:3e8b3adfd27b5707128f60956f62a793c3c9326ea8cfaf0eab7adccb5d700b21");
    expectRestricted(sts.spec.template.spec.securityContext, container?.securityContext, 999);
    for (const probe of [container?.startupProbe, container?.readinessProbe]) {
      expect((probe as { exec: { command: string[] } }).exec.command[0]).toBe("pg_isready");
    }
    // Distinct from readiness: a Postgres replaying WAL is not ready, but must not be restarted.
    expect(container?.livenessProbe).toMatchObject({ tcpSocket: { port: "postgres" } });
    expect(container?.resources?.limits).toMatchObject({ cpu: "1", memory: "1Gi" });
    expect(container?.args).toContain("max_connections=200");
    const claims = sts.spec.volumeClaimTemplates as { spec: { resources: { requests: { storage: string } } } }[];
    expect(claims[0]?.spec.resources.requests.storage).toBe("20Gi");
  });

  it("is reachable through a headless Service only by labelled clients; no PodDisruptionBudget (one pod: it would block every drain)", () => {
    expect(named<{ spec: Json }>(dev, "kubernetes:core/v1:Service", "agents-postgres").spec.clusterIP).toBe("None");
    const policy = named<{ spec: { ingress: Json[]; egress: Json[]; policyTypes: string[] } }>(dev, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "agents-postgres");
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { "agent-platform/database-client": "true" } } }], ports: [{ port: 5432, protocol: "TCP" }] }]);
    expect(policy.spec.egress).toEqual([]);
    const sts = named<Workload>(dev, "kubernetes:apps/v1:StatefulSet", "agents-postgres");
    const budgets = dev.ofType("kubernetes:policy/v1:PodDisruptionBudget").map((p) => (dev.inputs(p) as { spec: { selector: { matchLabels: Json } } }).spec.selector.matchLabels);
    expect(budgets.filter((labels) => Object.entries(labels).every(([k, v]) => sts.spec.template.metadata.labels[k] === v))).toEqual([]);
  });
});

describe("the server's database settings", () => {
  it.each(["dev", "prod"])("%s: LETTA_PG_URI comes from a Secret, names the app role, and has no sslmode", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const server = named<Workload>(run, "kubernetes:apps/v1:Deployment", "agents-server").spec.template.spec.containers[0];
    const env = envOf(server ?? { name: "", image: "" });
    expect(env.get("LETTA_PG_URI")?.valueFrom?.secretKeyRef).toEqual({ name: "agents-database-app", key: "LETTA_PG_URI" });
    expect(env.get("LETTA_PG_URI")?.value).toBeUndefined();
    const secret = run.ofType("kubernetes:core/v1:Secret").find((s) => (run.inputs(s).metadata as Json).name === "agents-database-app") as CapturedResource;
    const stringData = secret.inputs.stringData as Json;
    expect(isSecretValue(stringData) || isSecretValue(stringData.LETTA_PG_URI)).toBe(true);
    const uri = String((run.inputs(secret).stringData as Json).LETTA_PG_URI);
    const host = stack === "dev" ? "agents-postgres.agent-platform.svc.cluster.local" : "agents-database-instance.eu-west-1.rds.placeholder.invalid";
    // RDS listens on database.port (default 5433); the in-cluster StatefulSet on 5432.
    expect(uri).toMatch(new RegExp(`^postgresql://letta:[A-Za-z0-9]{40}@${host.replace(/\./g, "\\.")}:${stack === "dev" ? 5432 : 5433}/letta$`));
    expect(uri).not.toMatch(/[?&](sslmode|ssl)=/);
    expect(env.get("LETTA_PG_POOL_SIZE")?.value).toBe("10");
    expect(env.get("LETTA_PG_MAX_OVERFLOW")?.value).toBe("5");
    expect(env.get("LETTA_DISABLE_SQLALCHEMY_POOLING")?.value).toBe("false");
  });

  it.each(["dev", "prod"])("%s: bootstrap, then migrations, then the Deployment", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const { bootstrap, migrations } = jobs(run);
    expect(migrations.dependencies).toContain(bootstrap.urn);
    const deployment = run.ofType("kubernetes:apps/v1:Deployment").find((d) => (run.inputs(d).metadata as Json).name === "agents-server") as CapturedResource;
    expect(deployment.dependencies).toContain(migrations.urn);
    const order = run.resources.map((r) => r.urn);
    expect(order.indexOf(bootstrap.urn)).toBeLessThan(order.indexOf(migrations.urn));
    expect(order.indexOf(migrations.urn)).toBeLessThan(order.indexOf(deployment.urn));
  });

  it("pulumi waits for each Job longer than the Job may run (the default wait is 10 minutes)", () => {
    const { bootstrap, migrations } = jobs(prod);
    const minutes = (t: string | undefined): number => Number(/^(\d+)m$/.exec(t ?? "")?.[1] ?? Number.NaN);
    for (const job of [bootstrap, migrations]) {
      const deadline = (prod.inputs(job) as { spec: { activeDeadlineSeconds: number } }).spec.activeDeadlineSeconds;
      expect(minutes(job.customTimeouts?.create) * 60, job.name).toBeGreaterThan(deadline);
      expect(minutes(job.customTimeouts?.update) * 60, job.name).toBeGreaterThan(deadline);
    }
  });

  it("the bootstrap Job runs the shipped SQL as the admin with TLS (RDS and in-cluster), the migrations Job runs alembic", () => {
    const { bootstrap, migrations } = jobs(prod);
    const boot = (prod.inputs(bootstrap) as unknown as Workload).spec.template.spec;
    const env = envOf(boot.containers[0] ?? { name: "", image: "" });
    // sh reads the app password from the mounted Secret file and hands it to psql in PGOPTIONS
    // (test/database/admin-secret-bootstrap.test.ts runs this command against a real PostgreSQL).
    expect(boot.containers[0]?.command?.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(boot.containers[0]?.command?.[2]).toMatch(/exec psql -X -v ON_ERROR_STOP=1 -f '\/bootstrap\/bootstrap\.sql' -f '\/bootstrap\/extensions\.sql'$/);
    expect(env.get("PGSSLMODE")?.value).toBe("require");
    expect(env.get("PGUSER")?.value).toBe("platform_admin");
    // RDS: no admin password in the env at all; the init container leaves it in the in-memory password file.
    expect(env.get("PGPASSWORD")).toBeUndefined();
    expect(env.get("PGPASSFILE")?.value).toBe("/run/pgpass/pgpass");
    expect(env.get("PGOPTIONS")?.value).toBe("-c bootstrap.app_role=letta -c bootstrap.schema=letta");
    expect([...env.values()].filter((e) => e.valueFrom)).toEqual([]);
    expect(boot.volumes?.find((v) => v.name === "app-password")).toMatchObject({ secret: { secretName: "agents-database-app", items: [{ key: "APP_PASSWORD", path: "APP_PASSWORD" }] } });
    // In-cluster (dev): the StatefulSet's Kubernetes Secret, as before.
    const devBoot = envOf((dev.inputs(jobs(dev).bootstrap) as unknown as Workload).spec.template.spec.containers[0] ?? { name: "", image: "" });
    expect(devBoot.get("PGPASSWORD")?.valueFrom?.secretKeyRef).toEqual({ name: "agents-postgres-admin", key: "PGPASSWORD" });
    expect(devBoot.get("PGPASSFILE")).toBeUndefined();
    const migrate = (prod.inputs(migrations) as unknown as Workload).spec.template.spec.containers[0];
    expect(migrate).toMatchObject({ image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/agents-prod/docker-hub/letta/letta:0.16.8@sha256:aa66c3eeee13d2dfc40c650d709b550237ee31bfc91942a52fa488a13fa8c102", workingDir: "/app" });
    // alembic upgrade head, through the filter that drops the URI line (test/database/migrations-filter.test.ts runs it).
    expect(migrate?.command?.slice(0, 2)).toEqual(["bash", "-c"]);
    expect(migrate?.command?.[2]).toMatch(/^'alembic' 'upgrade' 'head' 2>&1 \| /);
    expect(envOf(migrate ?? { name: "", image: "" }).get("LETTA_PG_URI")?.valueFrom?.secretKeyRef?.key).toBe("LETTA_PG_URI");
    expect(env.get("PGSSLMODE")?.value).toBe("require");
    expect(envOf((dev.inputs(jobs(dev).bootstrap) as unknown as Workload).spec.template.spec.containers[0] ?? { name: "", image: "" }).get("PGSSLMODE")?.value).toBe("require");
  });

  it("a new server image runs the migrations again (a new Job), the same image does not", async () => {
    const again = await runStack("dev");
    const upgraded = await runStack("dev", { "server.image": "letta/letta:0.16.9" });
    const name = (run: ProgramRun) => String((run.inputs(jobs(run).migrations).metadata as Json).name);
    expect(name(again)).toBe(name(dev));
    expect(name(upgraded)).not.toBe(name(dev));
  });
});
