// The in-cluster Postgres requires TLS, tested on a real PostgreSQL: the server settings and pg_hba.conf the dev plan
// renders are applied to the server the suite starts, then the Letta server's own connection settings (asyncpg with
// ssl="require", what letta-ai/letta@0.16.8:letta/server/db.py:51-53 adds when pooling is on) connect, and a
// connection without TLS is refused. asyncpg is Debian's python3-asyncpg (.ci/run installs it), run by /usr/bin/python3.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStack, type ProgramRun } from "../support/harness";
import { named, type Workload } from "../support/k8s";
import { startPostgres, type PostgresServer } from "../support/postgres";
import { T } from "../support/workload";

let dev: ProgramRun;
let pg: PostgresServer;
let postgresArgs: string[];
let hba: string;

/** The `-c name=value` pairs of the rendered postgres container. */
function settingsOf(args: string[]): Map<string, string> {
  const settings = new Map<string, string>();
  args.forEach((arg, i) => {
    if (arg !== "-c") return;
    const [name, ...value] = (args[i + 1] ?? "").split("=");
    settings.set(name ?? "", value.join("="));
  });
  return settings;
}

beforeAll(async () => {
  dev = await runStack("dev");
  const statefulSet = named<Workload>(dev, T.statefulSet, "agents-postgres");
  postgresArgs = (statefulSet.spec.template.spec.containers[0]?.args ?? []);
  hba = String(named<{ data: Record<string, string> }>(dev, "kubernetes:core/v1:ConfigMap", "agents-postgres-hba").data["pg_hba.conf"]);
  const settings = settingsOf(postgresArgs);
  pg = await startPostgres({
    configure: (root) => {
      // A self-signed ECDSA P-256 certificate, as the stack's tls.SelfSignedCert issues (require does not verify it).
      const made = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
        "-subj", "/CN=agents-postgres.agent-platform.svc.cluster.local", "-keyout", path.join(root, "tls.key"), "-out", path.join(root, "tls.crt")], { encoding: "utf8" });
      if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
      writeFileSync(path.join(root, "pg_hba.conf"), hba);
      // The rendered TLS settings, with the mounted files' directories mapped into the temp dir.
      const local = (file: string | undefined): string => path.join(root, path.basename(file ?? ""));
      return [
        `ssl = ${settings.get("ssl") ?? "off"}`,
        `ssl_cert_file = '${local(settings.get("ssl_cert_file"))}'`,
        `ssl_key_file = '${local(settings.get("ssl_key_file"))}'`,
        `ssl_min_protocol_version = '${settings.get("ssl_min_protocol_version") ?? ""}'`,
        `hba_file = '${local(settings.get("hba_file"))}'`,
      ];
    },
  });
  // The harness's own query() connects without TLS, which this server now refuses: set up over TLS.
  const asSuperuser = { ...pg.env({ user: pg.superuser, password: pg.password, database: "postgres" }), PGSSLMODE: "require" };
  for (const sql of ["CREATE ROLE letta LOGIN PASSWORD 'app-password'", "CREATE DATABASE letta OWNER letta"]) {
    const result = pg.psql(["-X", "-v", "ON_ERROR_STOP=1", "-c", sql], asSuperuser);
    if (result.status !== 0) throw new Error(result.stderr);
  }
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

/** Connects with asyncpg as the server would; prints whether the session is encrypted, or the error. */
function asyncpg(ssl: "require" | "disable"): { status: number | null; out: string } {
  const script = [
    "import asyncio, sys, asyncpg",
    "async def main():",
    "    ssl = sys.argv[2]",
    "    conn = await asyncpg.connect(sys.argv[1], ssl=(False if ssl == 'disable' else ssl), timeout=10)",
    "    print(await conn.fetchval('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'))",
    "    await conn.close()",
    "asyncio.run(main())",
  ].join("\n");
  const uri = `postgresql://letta:app-password@${pg.host}:${pg.port}/letta`;
  const result = spawnSync("/usr/bin/python3", ["-c", script, uri, ssl], { encoding: "utf8", timeout: 30_000, env: { PATH: "/usr/bin:/bin" } });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe("the in-cluster Postgres requires TLS (real PostgreSQL, rendered settings)", () => {
  it("renders TLS on, TLS 1.2 at least, certificate and key from the Secret, and its own pg_hba.conf", () => {
    const settings = settingsOf(postgresArgs);
    expect(settings.get("ssl")).toBe("on");
    expect(settings.get("ssl_min_protocol_version")).toBe("TLSv1.2");
    expect(settings.get("ssl_cert_file")).toBe("/etc/postgresql/tls/tls.crt");
    expect(settings.get("ssl_key_file")).toBe("/etc/postgresql/tls/tls.key");
    expect(settings.get("hba_file")).toBe("/etc/postgresql/hba/pg_hba.conf");
    // Every TCP rule is hostssl with SCRAM, or hostnossl reject.
    const rules = hba.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#")).map((l) => l.split(/\s+/));
    for (const rule of rules.filter((r) => r[0] !== "local")) {
      expect([["hostssl", "scram-sha-256"], ["hostnossl", "reject"]]).toContainEqual([rule[0], rule.at(-1)]);
    }
  });

  it("the server's settings (asyncpg, ssl=require) connect, and the session is encrypted", () => {
    const result = asyncpg("require");
    expect(result.out.trim()).toBe("True");
    expect(result.status).toBe(0);
  });

  it("a connection without TLS is refused", () => {
    const result = asyncpg("disable");
    expect(result.status).not.toBe(0);
    expect(result.out).toMatch(/pg_hba\.conf rejects connection .*no encryption/);
    const psql = pg.psql(["-X", "-A", "-t", "-c", "SELECT 1"], { ...pg.env({ user: "letta", password: "app-password", database: "letta" }), PGSSLMODE: "disable" });
    expect(psql.status).not.toBe(0);
    expect(psql.stderr).toMatch(/no encryption/);
  });

  it("the Jobs' libpq setting (sslmode=require) connects over TLS", () => {
    const psql = pg.psql(["-X", "-A", "-t", "-c", "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"],
      { ...pg.env({ user: "letta", password: "app-password", database: "letta" }), PGSSLMODE: "require" });
    expect(psql.stderr).toBe("");
    expect(psql.stdout.trim()).toBe("t");
  });
});
