// postgres_exporter for the in-cluster database: the dev plan's objects (hardened pod, DATA_SOURCE_NAME from a Secret,
// the role Job, the NetworkPolicy), and components/database/sql/monitoring-role.sql run the way the Job runs it on a
// real PostgreSQL 15: a least-privilege role that can read statistics and nothing else.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NS, runStack, type ProgramRun } from "../support/harness";
import { envOf, named, type Workload } from "../support/k8s";
import { startPostgres, type CommandResult, type Connection, type PostgresServer } from "../support/postgres";
import { T, networkPolicy, podTemplates, selects, expectRestricted } from "../support/workload";

const EXPORTER = "agents-postgres-exporter";
const SQL_FILE = path.resolve(__dirname, "../../components/database/sql/monitoring-role.sql");

describe("postgres_exporter in the dev plan", () => {
  let dev: ProgramRun;
  beforeAll(async () => {
    dev = await runStack("dev");
  });
  const deployment = (): Workload => named<Workload>(dev, T.deployment, EXPORTER);
  const roleJob = (): Workload => {
    const jobs = dev.ofType(T.job).map((j) => dev.inputs(j) as unknown as Workload).filter((j) => j.metadata.name.startsWith("agents-db-monitoring-role-"));
    expect(jobs).toHaveLength(1);
    return jobs[0] as Workload;
  };

  it("runs the pinned image non-root, read-only, with requests and limits and no API token", () => {
    const pod = deployment().spec.template.spec;
    const container = pod.containers[0];
    expect(pod.containers).toHaveLength(1);
    expect(container?.image).toBe("quay.io/prometheuscommunity/postgres-exporter:v0.17.1@sha256:38606faa38c54787525fb0ff2fd6b41b4cfb75d455c1df294927c5f611699b17");
    expectRestricted(pod.securityContext, container?.securityContext, 65534);
    expect(container?.resources?.limits).toMatchObject({ cpu: "250m", memory: "128Mi" });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it("reads DATA_SOURCE_NAME from its Secret, never a literal", () => {
    const env = envOf(deployment().spec.template.spec.containers[0] ?? { name: "", image: "" });
    expect(env.get("DATA_SOURCE_NAME")).toEqual({ name: "DATA_SOURCE_NAME", valueFrom: { secretKeyRef: { name: EXPORTER, key: "DATA_SOURCE_NAME" } } });
    const secret = named<{ stringData: Record<string, string> }>(dev, T.secret, EXPORTER);
    expect(secret.stringData.DATA_SOURCE_NAME).toMatch(/^postgresql:\/\/postgres_exporter:[A-Za-z0-9]{40}@agents-postgres\.agent-platform\.svc\.cluster\.local:5432\/letta\?sslmode=require$/);
  });

  it("is annotated for Prometheus on 9187 and admitted to the database", () => {
    const template = deployment().spec.template;
    expect((template.metadata as { annotations?: Record<string, string> }).annotations).toEqual({ "prometheus.io/scrape": "true", "prometheus.io/port": "9187", "prometheus.io/path": "/metrics" });
    expect(template.metadata.labels["agent-platform/database-client"]).toBe("true");
  });

  it("the role Job runs monitoring-role.sql as the admin, the password from the exporter's Secret", () => {
    const job = roleJob();
    const container = job.spec.template.spec.containers[0];
    expect(container?.command).toEqual(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-f", "/sql/monitoring-role.sql"]);
    const env = envOf(container ?? { name: "", image: "" });
    expect(env.get("PGUSER")?.value).toBe("platform_admin");
    expect(env.get("PGPASSWORD")?.valueFrom).toEqual({ secretKeyRef: { name: "agents-postgres-admin", key: "PGPASSWORD" } });
    expect(env.get("MONITORING_PASSWORD")?.valueFrom).toEqual({ secretKeyRef: { name: EXPORTER, key: "MONITORING_PASSWORD" } });
    expect(env.get("PGOPTIONS")?.value).toBe("-c monitoring.role=postgres_exporter -c monitoring.password=$(MONITORING_PASSWORD)");
    const names = (container?.env ?? []).map((e) => e.name);
    expect(names.indexOf("MONITORING_PASSWORD")).toBeLessThan(names.indexOf("PGOPTIONS"));
    const volume = job.spec.template.spec.volumes?.find((v) => v.configMap !== undefined);
    const sql = named<{ data: Record<string, string> }>(dev, "kubernetes:core/v1:ConfigMap", volume?.configMap?.name ?? "");
    expect(Object.keys(sql.data)).toEqual(["monitoring-role.sql"]);
  });

  it("NetworkPolicy: scraped only from Prometheus's namespace; out only to DNS and the Postgres pods", () => {
    const policy = networkPolicy(dev, EXPORTER);
    const selected = podTemplates(dev).filter((t) => t.namespace === NS && selects(policy.spec.podSelector, t.labels)).map((t) => `${t.kind}/${t.name}`);
    expect(selected).toEqual([`Deployment/${EXPORTER}`]);
    expect(policy.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ port: 9187, protocol: "TCP" }] }]);
    expect(policy.spec.egress?.[1]).toEqual({ to: [{ podSelector: { matchLabels: { "app.kubernetes.io/instance": "agents", "app.kubernetes.io/name": "postgres" } } }], ports: [{ port: 5432, protocol: "TCP" }] });
    expect(policy.spec.egress).toHaveLength(2);
  });
});

describe("monitoring-role.sql on a real PostgreSQL 15 server", () => {
  let pg: PostgresServer | undefined;
  let startFailure: unknown;
  const server = (): PostgresServer => {
    if (startFailure !== undefined) throw startFailure instanceof Error ? startFailure : new Error(`PostgreSQL did not start: ${JSON.stringify(startFailure)}`);
    if (pg === undefined) throw new Error("PostgreSQL did not start");
    return pg;
  };
  const superuser = (): Connection => ({ user: server().superuser, password: server().password, database: "letta" });
  const exporter = (password: string): Connection => ({ user: "postgres_exporter", password, database: "letta" });
  /** The Job's command line and environment. */
  const runJob = (options: string): CommandResult => server().psql(["-X", "-v", "ON_ERROR_STOP=1", "-f", SQL_FILE], { ...server().env(superuser()), PGOPTIONS: options });
  const options = (password: string): string => `-c monitoring.role=postgres_exporter -c monitoring.password=${password}`;

  beforeAll(async () => {
    try {
      pg = await startPostgres();
      pg.query("CREATE DATABASE letta");
      pg.query("CREATE TABLE public.agents (id int, secret text)", { database: "letta" });
      pg.query("INSERT INTO public.agents VALUES (1, 'private')", { database: "letta" });
    } catch (error) {
      startFailure = error;
    }
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it("creates the role twice in a row without error", () => {
    for (let i = 0; i < 2; i++) {
      const result = runJob(options("FirstPassw0rdAlnum"));
      expect(result.stderr).not.toMatch(/ERROR|FATAL/);
      expect(result.status, result.stderr).toBe(0);
    }
  });

  it("a login role without superuser, createdb, createrole, replication or bypassrls; limit 3; member of pg_monitor only", () => {
    expect(server().query("SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolconnlimit FROM pg_roles WHERE rolname = 'postgres_exporter'"))
      .toBe("t|f|f|f|f|f|3");
    expect(server().query("SELECT string_agg(r.rolname, ',') FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid WHERE m.member = 'postgres_exporter'::regrole")).toBe("pg_monitor");
  });

  it("reads the statistics postgres_exporter needs, including other sessions' states", () => {
    const session = exporter("FirstPassw0rdAlnum");
    expect(Number(server().query("SELECT count(*) FROM pg_stat_activity WHERE state IS NOT NULL", session))).toBeGreaterThan(0);
    expect(server().query("SELECT setting FROM pg_settings WHERE name = 'max_connections'", session)).toMatch(/^\d+$/);
    expect(server().query("SELECT pg_is_in_recovery()", session)).toBe("f");
  });

  it("reads no table data and writes nothing", () => {
    const session = exporter("FirstPassw0rdAlnum");
    expect(() => server().query("SELECT secret FROM public.agents", session)).toThrow(/permission denied for table agents/);
    expect(() => server().query("CREATE TEMP TABLE t (id int)", session)).toThrow(/read-only transaction/);
  });

  it("a re-run with a new password rotates it", () => {
    const result = runJob(options("R0tatedPassw0rdAlnum"));
    expect(result.status, result.stderr).toBe(0);
    expect(server().query("SELECT current_user", exporter("R0tatedPassw0rdAlnum"))).toBe("postgres_exporter");
    expect(() => server().query("SELECT 1", exporter("FirstPassw0rdAlnum"))).toThrow(/password authentication failed/);
  });

  it("does not print the password when setting it fails (the error is re-raised without the statement)", () => {
    // passwordcheck (contrib, preloaded for this session) rejects passwords under 8 characters.
    const password = "Xq7Zr2";
    const result = runJob(`${options(password)} -c session_preload_libraries=passwordcheck`);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/monitoring-role: could not set the password of role postgres_exporter: password is too short/);
    expect(result.stderr).not.toContain(password);
    // The previous password still works: the failed run changed nothing.
    expect(server().query("SELECT current_user", exporter("R0tatedPassw0rdAlnum"))).toBe("postgres_exporter");
  });

  it.each([
    ["no password", "-c monitoring.role=postgres_exporter", /monitoring.password is missing or empty/],
    ["a pg_ role", "-c monitoring.role=pg_monitor -c monitoring.password=x", /is not a plain lower-case identifier outside pg_\*/],
    ["an injection attempt", "-c monitoring.role=x;drop -c monitoring.password=x", /is not a plain lower-case identifier/],
  ])("refuses %s and changes nothing", (_why, opts, message) => {
    const before = server().query("SELECT count(*) FROM pg_roles");
    const result = runJob(opts);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(server().query("SELECT count(*) FROM pg_roles")).toBe(before);
  });
});
