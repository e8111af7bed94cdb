// The database Jobs' own ServiceAccounts, and database.port (docs/decisions/0112-rds-port.md) as every consumer
// renders it: the RDS instance, its security group, the credentials, the Jobs' libpq settings and the NetworkPolicies.
import { beforeAll, describe, expect, it } from "vitest";
import { runStack, type ProgramRun } from "../support/harness";
import { envOf, type Container } from "../support/k8s";
import { podTemplates, T, type NetworkPolicy } from "../support/workload";

type Json = Record<string, unknown>;
let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
  [dev, prod] = [await runStack("dev"), await runStack("prod")];
}, 120_000);

const templates = (run: ProgramRun, prefix: string) => podTemplates(run).filter((p) => p.name.startsWith(prefix));
const serviceAccount = (run: ProgramRun, name: string) =>
  run.ofType(T.serviceAccount).map((r) => run.inputs(r) as { metadata: { name: string; labels: Json }; automountServiceAccountToken?: boolean }).find((s) => s.metadata.name === name);

describe.each(["dev", "prod"] as const)("%s: database Jobs' ServiceAccounts", (stack) => {
  const run = () => (stack === "dev" ? dev : prod);

  it("bootstrap and migrations each run as their own ServiceAccount, which mounts no token", () => {
    // On RDS (prod) the bootstrap's ServiceAccount also carries the IRSA role that reads the RDS-managed admin secret
    // (components/database/admin-secret-access.ts; test/database/admin-secret-bootstrap.test.ts).
    const cases = [["agents-db-bootstrap-", "agents-db-bootstrap"], ["agents-db-migrate-", "agents-db-migrations"]] as const;
    for (const [jobPrefix, accountName] of cases) {
      const [pod, ...more] = templates(run(), jobPrefix);
      expect(more).toHaveLength(0);
      expect(pod?.spec.serviceAccountName).toBe(accountName);
      expect(pod?.spec.automountServiceAccountToken).toBe(false);
      const account = serviceAccount(run(), accountName);
      expect(account?.automountServiceAccountToken).toBe(false);
      expect(account?.metadata.labels).toMatchObject({ "app.kubernetes.io/instance": "agents", "app.kubernetes.io/component": "database-jobs" });
    }
    // No pod of the stack runs as the namespace's default ServiceAccount.
    for (const p of podTemplates(run())) expect(p.spec.serviceAccountName ?? "default", `${p.kind} ${p.name}`).not.toBe("default");
  });
});

/** The ports of every egress rule of a NetworkPolicy that leads to the database. */
function databaseEgressPorts(run: ProgramRun, policyName: string, databasePeer: (peer: Json) => boolean): unknown[] {
  const policy = run.ofType(T.networkPolicy).map((r) => run.inputs(r) as unknown as NetworkPolicy).find((n) => n.metadata.name === policyName);
  if (!policy) throw new Error(`no NetworkPolicy ${policyName}`);
  return (policy.spec.egress ?? []).filter((rule) => (rule.to ?? []).some((peer) => databasePeer(peer as Json))).flatMap((rule) => (rule.ports ?? []).map((p) => p.port));
}

const toVpc = (peer: Json) => (peer.ipBlock as Json | undefined)?.cidr === "10.0.0.0/16" && (peer.ipBlock as Json).except === undefined;
const toPostgresPods = (peer: Json) => ((peer.podSelector as Json | undefined)?.matchLabels as Json | undefined)?.["app.kubernetes.io/name"] === "postgres";

function expectPortEverywhere(run: ProgramRun, port: number): void {
  const instance = run.inputs(run.one("aws:rds/instance:Instance"));
  expect(instance.port).toBe(port);
  const sg = run.ofType("aws:ec2/securityGroup:SecurityGroup").find((s) => String(run.inputs(s).description).startsWith("PostgreSQL"));
  expect(String(run.inputs(sg ?? run.resources[0]!).description)).toContain(`${port} from the cluster only`);
  const rules = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => run.inputs(r).securityGroupId === sg?.id);
  expect(rules.map((r) => [run.inputs(r).fromPort, run.inputs(r).toPort])).toEqual([[port, port]]);
  // The master credentials are the secret RDS manages (username and password only; decision 0115): no copy of ours
  // names a port.
  expect(run.ofType("aws:secretsmanager/secretVersion:SecretVersion").map((v) => String(run.inputs(v).secretString)).filter((t) => t.includes('"engine"'))).toEqual([]);
  // The app's URI, the Jobs' and backups' libpq settings.
  const app = run.ofType(T.secret).map((s) => run.inputs(s) as { metadata: { name: string }; stringData?: Json }).find((s) => s.metadata.name === "agents-database-app");
  expect(String(app?.stringData?.LETTA_PG_URI)).toMatch(new RegExp(`:${port}/letta$`));
  for (const prefix of ["agents-db-bootstrap-", "agents-backup", "agents-restore"]) {
    const pods = templates(run, prefix);
    expect(pods.length, prefix).toBeGreaterThan(0);
    for (const p of pods) expect(envOf(p.spec.containers[0] as Container).get("PGPORT")?.value, p.name).toBe(String(port));
  }
  // Egress to the database is open on that port only, from the Jobs and the backups; the server also reaches the
  // cache (ElastiCache, in the VPC too) on 6379, and never the default port.
  for (const policy of ["agents-database-jobs", "agents-backup"]) expect(databaseEgressPorts(run, policy, toVpc), policy).toEqual([port]);
  expect(databaseEgressPorts(run, "agents-server", toVpc).sort()).toEqual([port, 6379].sort());
}

describe("database.port", () => {
  it("prod: RDS listens on 5433 by default, and every consumer uses it", () => {
    expectPortEverywhere(prod, 5433);
  });

  it("prod: a configured port reaches every consumer", async () => {
    expectPortEverywhere(await runStack("prod", { "database.port": "6543" }), 6543);
  });

  it("refuses a port RDS does not accept, naming the key and the range", async () => {
    await expect(runStack("prod", { "database.port": "80" })).rejects.toThrow(/agent-platform:database\.port[\s\S]*1150 to 65535/);
  });

  it("dev: the in-cluster StatefulSet keeps 5432, and its clients' policies and libpq settings say so", () => {
    for (const policy of ["agents-server", "agents-database-jobs"]) expect(databaseEgressPorts(dev, policy, toPostgresPods), policy).toEqual([5432]);
    expect(databaseEgressPorts(dev, "agents-postgres-exporter", toPostgresPods)).toEqual([5432]);
    const [bootstrap] = templates(dev, "agents-db-bootstrap-");
    expect(envOf(bootstrap?.spec.containers[0] as Container).get("PGPORT")?.value).toBe("5432");
  });
});
