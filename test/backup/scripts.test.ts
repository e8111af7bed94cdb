// The backup scripts (components/backup/scripts/*.sh, the files the CronJobs mount) run for real: a real PostgreSQL 15
// (test/support/postgres.ts), a real S3-compatible server (s3rver, test/support/s3.ts), Debian's AWS CLI v2, zstd,
// pg_dump/pg_restore, shellcheck. Both servers listen on 127.0.0.1 only and are stopped in afterAll.
//
// - Roles as on RDS: `app` owns the data; `backup_admin` (no superuser; CREATEDB; member of app) runs backup.sh and
//   restore-drill.sh; `restorer` (no superuser, not a member of app) restores into a database it owns: the dump
//   must restore without the original owner (--no-owner).
// - Database `source`: several schemas, ~100k rows, unicode of every kind, bytea with all 256 byte values, jsonb,
//   arrays, NULLs, advanced sequences and an identity, views and a materialized view, indexes (one of an extension's
//   operator class), foreign keys, a function, a large object, two trusted extensions (citext, pg_trgm: stand-ins for
//   pgvector, which Debian's PostgreSQL lacks). Restored, it must be the same: per-table row counts and content
//   checksums, sequence states, view/index/constraint/function definitions, extensions, large objects.
// - Database `big`: ~24 MB of incompressible bytea, so its dump is a multipart upload of several parts: for the
//   faults that must strike mid-stream (S3 gone mid-upload, PostgreSQL stopped mid-dump).
// - After every fault: a non-zero exit with a clear message, no new manifest, no new object, latest.json unchanged,
//   and restore.sh latest still restores the previous good backup. A corrupted dump is refused before anything is
//   restored.
//
// The scripts run with PATH starting /usr/bin (Debian's AWS CLI v2 there, not a pyenv v1 shim) and a clean
// environment. s3rver runs in this process: scripts are spawned asynchronously so it can answer them.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPostgresBinDir, startPostgres } from "../support/postgres";
import type { Connection, PostgresServer } from "../support/postgres";
import { freeLocalPort } from "../support/net";
import { S3RVER_AWS_ENV, startS3 } from "../support/s3";
import type { S3Server } from "../support/s3";

const SCRIPTS_DIR = path.resolve(__dirname, "../../components/backup/scripts");
const SCRIPTS = ["backup.sh", "restore.sh", "restore-drill.sh"] as const;
type Script = (typeof SCRIPTS)[number];
const AWS = "/usr/bin/aws";
const CI_PACKAGES = "postgresql-15 postgresql-client-15 awscli zstd shellcheck";
const INSTALL = `.ci/run must install them: apt-get install -y --no-install-recommends ${CI_PACKAGES}`;

const APP: Omit<Connection, "database"> = { user: "app", password: "AppPassw0rd" };
const ADMIN: Omit<Connection, "database"> = { user: "backup_admin", password: "AdminPassw0rd" };
const RESTORER: Omit<Connection, "database"> = { user: "restorer", password: "RestorerPassw0rd" };

interface ScriptRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** What must be installed besides PostgreSQL (startPostgres reports that one); empty when all is there. */
function missingTools(): string[] {
  const problems: string[] = [];
  const aws = spawnSync(AWS, ["--version"], { encoding: "utf8" });
  const awsVersion = `${aws.stdout ?? ""}${aws.stderr ?? ""}`.trim();
  if (aws.error !== undefined || !awsVersion.startsWith("aws-cli/2")) {
    problems.push(`the AWS CLI v2 at ${AWS} (found: ${aws.error?.message ?? awsVersion})`);
  }
  for (const tool of ["zstd", "shellcheck"]) {
    const found = spawnSync(tool, ["--version"], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
    if (found.error !== undefined || found.status !== 0) problems.push(`${tool} (not on /usr/bin:/bin)`);
  }
  return problems;
}

/** Runs a shipped script with exactly `env`; resolves when it exits (never rejects). */
function runScript(script: Script, env: Record<string, string>, onSpawn?: (pid: number) => void, timeoutMs = 150_000): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = spawn("bash", [path.join(SCRIPTS_DIR, script)], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => {
      stderr += `\n[test] ${script} did not finish within ${timeoutMs} ms: killed`;
      child.kill("SIGKILL");
    }, timeoutMs);
    if (child.pid !== undefined) onSpawn?.(child.pid);
    child.on("error", (error) => { stderr += `\n[test] ${error.message}`; });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The pid of the first descendant of `root` whose command name is `name` (from /proc), or undefined. */
function findDescendant(root: number, name: string): number | undefined {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const open = stat.indexOf("(");
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      names.set(Number(entry), stat.slice(open + 1, close));
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // the process exited while we looked
    }
  }
  for (const [pid, comm] of names) {
    if (comm !== name) continue;
    for (let ancestor = parents.get(pid); ancestor !== undefined && ancestor > 1; ancestor = parents.get(ancestor)) {
      if (ancestor === root) return pid;
    }
  }
  return undefined;
}

const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

// Realistic data, built with generate_series: ~103k rows in five schemas' tables.
const SEED_SQL = String.raw`
CREATE EXTENSION citext;
CREATE EXTENSION pg_trgm;
CREATE SCHEMA letta;
CREATE SCHEMA "Audit Log";
CREATE TABLE letta.organizations (id text PRIMARY KEY, name citext NOT NULL UNIQUE, created_at timestamptz NOT NULL);
CREATE TABLE letta.agents (
  id uuid PRIMARY KEY, organization_id text NOT NULL REFERENCES letta.organizations (id), name text NOT NULL,
  system text, config jsonb, tags text[], created_at timestamptz);
CREATE TABLE letta.messages (
  id bigserial PRIMARY KEY, agent_id uuid NOT NULL REFERENCES letta.agents (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')), content text, tool_calls jsonb,
  embedding real[], created_at timestamptz NOT NULL);
CREATE INDEX messages_agent_created ON letta.messages (agent_id, created_at);
CREATE INDEX messages_content_trgm ON letta.messages USING gin (content gin_trgm_ops);
CREATE TABLE letta.files (id integer PRIMARY KEY, name text, data bytea);
CREATE TABLE "Audit Log"."Events" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "Kind" text NOT NULL, payload jsonb, at timestamptz, note text);
CREATE TABLE public.settings (key text PRIMARY KEY, value jsonb);
CREATE TABLE public.empty_table (id int PRIMARY KEY, note text);
CREATE SEQUENCE public.ticket_seq START 1000 INCREMENT 7;
CREATE FUNCTION letta.message_count(agent uuid) RETURNS bigint LANGUAGE sql STABLE
  AS $$ SELECT count(*) FROM letta.messages WHERE agent_id = agent $$;

INSERT INTO letta.organizations
SELECT 'org-' || g, 'Org ' || g || ' ' || (ARRAY['Acme', 'مرحبا', '你好', 'Ünïcödé'])[g % 4 + 1],
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 day'
  FROM generate_series(1, 10) g;
INSERT INTO letta.agents
SELECT md5('agent' || g)::uuid, 'org-' || (g % 10 + 1), 'agent ' || g,
       CASE WHEN g % 7 = 0 THEN NULL ELSE 'You are agent ' || g || ' 🤖' END,
       jsonb_build_object('model', 'gpt-4o', 'temperature', (g % 10) / 10.0,
                          'nested', jsonb_build_object('list', jsonb_build_array(g, NULL, 'x', true), 'empty', '{}'::jsonb)),
       ARRAY['tag' || g % 5, NULL, 'שלום'],
       CASE WHEN g % 11 = 0 THEN NULL ELSE timestamptz '2024-02-01 00:00:00+00' + g * interval '1 minute' END
  FROM generate_series(1, 1000) g;
INSERT INTO letta.messages (agent_id, role, content, tool_calls, embedding, created_at)
SELECT md5('agent' || (g % 1000 + 1))::uuid, (ARRAY['user', 'assistant', 'system', 'tool'])[g % 4 + 1],
       CASE WHEN g % 9 = 0 THEN NULL ELSE (ARRAY[
         'Plain ASCII with ''single'' and "double" quotes, a backslash \ and a pipe |',
         'Emoji 🤖🧠✨, a family 👨‍👩‍👧‍👦 (ZWJ), a flag 🇫🇷, skin tone 👍🏽',
         'RTL: مرحبا بالعالم — שלום עולם',
         'CJK: 你好世界 こんにちは 안녕하세요 𠜎𠜱',
         'Combining: e' || U&'\0301' || ' a' || U&'\0308' || ' Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
         E'Control characters: line1\nline2\ttab\r\nend \\N not null',
         'Invisible: a' || U&'\200B' || 'b' || U&'\FEFF' || 'c' || U&'\00A0' || 'd',
         'Math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢: ∀x∈ℝ, x² ≥ 0'])[g % 8 + 1] || ' #' || g END,
       CASE WHEN g % 3 = 0 THEN jsonb_build_array(jsonb_build_object('name', 'search', 'args',
         jsonb_build_object('q', 'query ' || g, 'emoji', '🔍', 'quote', 'a"b\c', 'n', NULL))) END,
       CASE WHEN g % 5 = 0 THEN NULL ELSE ARRAY[(g % 100) / 100.0, -(g % 7) * 1.5, 1e-7 * g, NULL]::real[] END,
       timestamptz '2024-03-01 00:00:00+00' + g * interval '1 second'
  FROM generate_series(1, 80000) g;
SELECT setval('letta.messages_id_seq', 1000000);
INSERT INTO letta.files SELECT 0, 'all 256 byte values', decode(string_agg(lpad(to_hex(b), 2, '0'), '' ORDER BY b), 'hex')
  FROM generate_series(0, 255) b;
INSERT INTO letta.files SELECT g, 'file ' || g, decode(md5(g::text) || md5((g * 31)::text), 'hex') FROM generate_series(1, 2000) g;
INSERT INTO letta.files VALUES (-1, 'empty', ''::bytea), (-2, NULL, NULL), (-3, 'NUL and 0xff', '\x00ff00ff'::bytea);
INSERT INTO "Audit Log"."Events" ("Kind", payload, at, note)
SELECT (ARRAY['login', 'agent.created', 'message.sent'])[g % 3 + 1],
       jsonb_build_object('seq', g, 'ok', g % 2 = 0, 'ratio', g / 7.0, 'text', 'évènement ' || g, 'arr', jsonb_build_array(1, 'two', NULL)),
       timestamptz '2024-04-01 00:00:00+00' + g * interval '1 second',
       CASE WHEN g % 4 = 0 THEN NULL ELSE 'note ' || g END
  FROM generate_series(1, 20000) g;
SELECT setval(pg_get_serial_sequence('"Audit Log"."Events"', 'id'), 50000);
INSERT INTO public.settings VALUES
  ('quote''s', '{"a": "\"escaped\"", "n": null, "unicode": "日本語 🎌"}'),
  (E'tab\there', '[1, 2.5, "x", false]'),
  ('empty object', '{}'),
  ('null json', 'null'),
  ('sql null', NULL);
SELECT setval('public.ticket_seq', 424242, false);
CREATE VIEW letta.agent_message_counts AS
  SELECT a.id, a.name, count(m.id) AS messages FROM letta.agents a LEFT JOIN letta.messages m ON m.agent_id = a.id GROUP BY a.id, a.name;
CREATE VIEW "Audit Log"."Recent Logins" AS SELECT id, at FROM "Audit Log"."Events" WHERE "Kind" = 'login' AND at > '2024-04-01';
CREATE MATERIALIZED VIEW letta.role_counts AS SELECT role, count(*) AS n FROM letta.messages GROUP BY role;
SELECT lo_from_bytea(0, convert_to('a large object ✓ ' || repeat('x', 5000), 'UTF8'));
`;

// ~24 MB of incompressible bytes in two tables (pg_dump writes them as 48 MB of hex; zstd packs that back to
// ~24 MB): a multipart upload of several 8 MiB parts, and a COPY that lasts long enough to be caught mid-way.
const BIG_SQL = `
CREATE TABLE public.big_a (id int PRIMARY KEY, data bytea NOT NULL);
CREATE TABLE public.big_b (id int PRIMARY KEY, data bytea NOT NULL);
INSERT INTO public.big_a SELECT g, decode(string_agg(md5(g || ':' || i), '' ORDER BY i), 'hex')
  FROM generate_series(1, 12000) g, generate_series(1, 64) i GROUP BY g;
INSERT INTO public.big_b SELECT g, decode(string_agg(md5(g || ';' || i), '' ORDER BY i), 'hex')
  FROM generate_series(1, 12000) g, generate_series(1, 64) i GROUP BY g;
`;

interface Fingerprint {
  tables: Record<string, string>;
  sequences: Record<string, string>;
  definitions: Record<string, string>;
  extensions: string[];
  largeObjects: string;
}

describe("backup.sh, restore.sh and restore-drill.sh, for real: PostgreSQL 15, s3rver, the AWS CLI v2", () => {
  let pg: PostgresServer | undefined;
  let s3: S3Server | undefined;
  let tmpRoot = "";
  let startFailure: unknown;
  let databases = 0;
  const fingerprints = new Map<string, Fingerprint>();

  const server = (): PostgresServer => {
    if (startFailure !== undefined) throw startFailure instanceof Error ? startFailure : new Error(`setup failed: ${JSON.stringify(startFailure)}`);
    if (pg === undefined) throw new Error("PostgreSQL did not start");
    return pg;
  };
  const store = (): S3Server => {
    server();
    if (s3 === undefined) throw new Error("s3rver did not start");
    return s3;
  };
  const superuser = (database: string): Connection => ({ user: server().superuser, password: server().password, database });
  /** The scripts' TMPDIR: must be empty after every run (no dump data or work dirs left behind). */
  const scriptTmp = (): string => path.join(tmpRoot, "tmp");

  /** A clean environment for a script: PATH starting /usr/bin, the database as `connection`, s3rver as the store. */
  const scriptEnv = (connection: Connection, prefix: string, extra: Record<string, string> = {}): Record<string, string> => ({
    PATH: `/usr/bin:/bin:${findPostgresBinDir() ?? "/usr/bin"}`,
    HOME: path.join(tmpRoot, "home"),
    TMPDIR: scriptTmp(),
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    PGCONNECT_TIMEOUT: "10",
    ...server().env(connection),
    ...S3RVER_AWS_ENV,
    S3_ENDPOINT_URL: store().endpoint,
    BACKUP_S3_URI: `s3://${store().bucket}/${prefix}`,
    ...extra,
  });

  /** A new, empty database owned by `owner`. */
  const emptyDatabase = (owner: string): string => {
    const name = `restored_${++databases}`;
    server().query(`CREATE DATABASE ${name} OWNER ${owner}`);
    return name;
  };

  /** Everything a restore must bring back, read as the superuser. */
  const fingerprint = (database: string): Fingerprint => {
    const q = (sql: string): string => server().query(sql, superuser(database));
    const userSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'";
    const tables = JSON.parse(q(`SELECT coalesce(json_agg(json_build_object('name', format('%I.%I', n.nspname, c.relname),
        'order', (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord) FROM pg_index i
                    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                   WHERE i.indrelid = c.oid AND i.indisprimary))), '[]')
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND ${userSchemas}`)) as { name: string; order: string | null }[];
    const tableStates: Record<string, string> = {};
    for (const table of tables) {
      const order = table.order ?? "t::text";
      tableStates[table.name] = q(`SELECT count(*) || ' rows, md5 ' || md5(coalesce(string_agg(t::text, '|' ORDER BY ${order}), ''))
        FROM ONLY ${table.name} t`);
    }
    const sequences = JSON.parse(q(`SELECT coalesce(json_agg(format('%I.%I', n.nspname, c.relname)), '[]')
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND ${userSchemas}`)) as string[];
    const sequenceStates: Record<string, string> = {};
    for (const sequence of sequences) {
      sequenceStates[sequence] = q(`SELECT format('last_value %s, is_called %s, start %s, increment %s', s.last_value, s.is_called,
          p.start_value, p.increment_by) FROM ${sequence} s, pg_sequences p WHERE format('%I.%I', p.schemaname, p.sequencename) = '${sequence.replace(/'/g, "''")}'`);
    }
    const definitions = JSON.parse(q(`SELECT coalesce(json_object_agg(k, v), '{}') FROM (
        SELECT 'view ' || format('%I.%I', schemaname, viewname) AS k, definition AS v FROM pg_views n
         WHERE ${userSchemas.replace(/n\.nspname/g, "n.schemaname")}
        UNION ALL SELECT 'matview ' || format('%I.%I', schemaname, matviewname), definition || ' populated ' || ispopulated FROM pg_matviews n
        UNION ALL SELECT 'index ' || format('%I.%I', schemaname, indexname), indexdef FROM pg_indexes n
         WHERE ${userSchemas.replace(/n\.nspname/g, "n.schemaname")}
        UNION ALL SELECT 'constraint ' || format('%I.%I.%I', n.nspname, c.relname, con.conname), pg_get_constraintdef(con.oid)
          FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${userSchemas}
        UNION ALL SELECT 'function ' || p.oid::regprocedure::text, pg_get_functiondef(p.oid)
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE ${userSchemas} AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
        UNION ALL SELECT 'column ' || format('%I.%I.%I', n.nspname, c.relname, a.attname),
               format('%s, not null %s, identity %L, default %s', format_type(a.atttypid, a.atttypmod), a.attnotnull,
                      a.attidentity, coalesce(pg_get_expr(d.adbin, d.adrelid), '-'))
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND ${userSchemas}) d`)) as Record<string, string>;
    return {
      tables: tableStates,
      sequences: sequenceStates,
      definitions,
      extensions: q("SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension").split(","),
      largeObjects: q("SELECT coalesce(string_agg(oid || ':' || md5(lo_get(oid)), ',' ORDER BY oid), '') FROM pg_largeobject_metadata"),
    };
  };

  /** Row counts by "schema.table" (identifiers quoted as format('%I.%I') does), as the manifest keys them. */
  const rowCounts = (database: string): Record<string, number> =>
    JSON.parse(server().query(`SELECT coalesce(json_object_agg(format('%I.%I', n.nspname, c.relname),
        (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM ONLY %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::bigint), '{}')
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'`, superuser(database))) as Record<string, number>;

  const objectsIn = (database: string): string =>
    server().query(`SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'`, superuser(database)) +
    "/" + server().query("SELECT count(*) FROM pg_namespace WHERE nspname NOT IN ('public', 'information_schema') AND nspname !~ '^pg_'", superuser(database));

  const readJson = async (key: string): Promise<Record<string, unknown>> => {
    const body = await store().getObject(key);
    if (body === undefined) throw new Error(`no object ${key}`);
    return JSON.parse(body.toString("utf8")) as Record<string, unknown>;
  };

  /** The state a failed run must leave alone: every key under the prefix and latest.json's bytes. */
  const snapshotOf = async (prefix: string): Promise<{ keys: string[]; latest: string }> => ({
    keys: (await store().listKeys(`${prefix}/`)).filter((key) => !key.startsWith(`${prefix}/drill/`)),
    latest: (await store().getObject(`${prefix}/latest.json`))?.toString("utf8") ?? "(none)",
  });

  const expectSuccess = (run: ScriptRun, script: string): void => {
    expect(run.status, `${script} failed:\n${run.stderr}`).toBe(0);
    expect(readdirSync(scriptTmp()), `${script} left files in TMPDIR`).toEqual([]);
  };

  /** A failed backup: non-zero, the message, and nothing new in the bucket. */
  const expectFailedBackup = async (run: ScriptRun, prefix: string, before: { keys: string[]; latest: string }, message: RegExp): Promise<void> => {
    expect(run.status, run.stderr).not.toBe(0);
    expect(run.status).not.toBeNull();
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain("backup.sh: FAILED: no backup was made; latest.json was not changed");
    expect(run.stderr).not.toMatch(/backup\.sh: done:/);
    expect(await snapshotOf(prefix), "no new dump, manifest or latest.json").toEqual(before);
    expect(readdirSync(scriptTmp()), "backup.sh left files in TMPDIR").toEqual([]);
  };

  /** restore.sh latest into a new empty database, as `restorer`: it must be exactly `source`'s fingerprint. */
  const expectLatestRestores = async (prefix: string, source: string, extra: Record<string, string> = {}): Promise<string> => {
    const target = emptyDatabase(RESTORER.user);
    const run = await runScript("restore.sh", scriptEnv({ ...RESTORER, database: target }, prefix, { BACKUP_KEY: "latest", ...extra }));
    expectSuccess(run, "restore.sh");
    expect(run.stderr).toMatch(/restore\.sh: done: .* row counts match the manifest/);
    expect(fingerprint(target)).toEqual(fingerprints.get(source));
    return target;
  };

  beforeAll(async () => {
    try {
      const missing = missingTools();
      if (missing.length > 0) throw new Error(`missing: ${missing.join("; ")}. ${INSTALL}`);
      try {
        pg = await startPostgres();
      } catch (error) {
        throw new Error(`${error instanceof Error ? error.message : JSON.stringify(error)}\n${INSTALL}`, { cause: error });
      }
      s3 = await startS3({ bucket: "agent-backups" });
      tmpRoot = mkdtempSync(path.join(tmpdir(), "backup-scripts-"));
      for (const dir of ["tmp", "home"]) mkdirSync(path.join(tmpRoot, dir));

      pg.query(`CREATE ROLE ${APP.user} LOGIN PASSWORD '${APP.password}'`);
      pg.query(`CREATE ROLE ${ADMIN.user} LOGIN CREATEDB NOSUPERUSER PASSWORD '${ADMIN.password}' IN ROLE ${APP.user}`);
      pg.query(`CREATE ROLE ${RESTORER.user} LOGIN NOSUPERUSER NOCREATEDB PASSWORD '${RESTORER.password}'`);
      pg.query(`CREATE DATABASE source OWNER ${APP.user}`);
      pg.query(`CREATE DATABASE big OWNER ${APP.user}`);
      pg.query(SEED_SQL, { ...APP, database: "source" });
      pg.query("REFRESH MATERIALIZED VIEW letta.role_counts", { ...APP, database: "source" });
      pg.query(BIG_SQL, { ...APP, database: "big" });
      fingerprints.set("source", fingerprint("source"));
      fingerprints.set("big", fingerprint("big"));
    } catch (error) {
      startFailure = error;
    }
  }, 120_000);

  afterAll(async () => {
    await s3?.stop();
    await pg?.stop();
    if (tmpRoot !== "") rmSync(tmpRoot, { recursive: true, force: true });
  });

  it(`has PostgreSQL 15, the AWS CLI v2 at ${AWS}, zstd and shellcheck (.ci/run installs ${CI_PACKAGES})`, () => {
    expect(server().majorVersion).toBe(15);
    expect(server().query("SHOW listen_addresses")).toBe("127.0.0.1");
    expect(store().endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(missingTools()).toEqual([]);
  });

  it("seeds a realistic source database: >= 100k rows over several schemas, 256 byte values, unicode, NULLs", () => {
    const counts = rowCounts("source");
    expect(Object.keys(counts).sort()).toEqual([
      '"Audit Log"."Events"', "letta.agents", "letta.files", "letta.messages", "letta.organizations", "public.empty_table", "public.settings",
    ]);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(100_000);
    const q = (sql: string): string => server().query(sql, superuser("source"));
    expect(q("SELECT length(data), (SELECT count(DISTINCT get_byte(data, i)) FROM generate_series(0, 255) i) FROM letta.files WHERE id = 0")).toBe("256|256");
    expect(q("SELECT count(*) FROM letta.messages WHERE content LIKE '%👨‍👩‍👧‍👦%' OR content LIKE '%مرحبا%' OR content LIKE '%𠜎%'")).not.toBe("0");
    expect(q("SELECT count(*) FILTER (WHERE content IS NULL) > 0, count(*) FILTER (WHERE embedding IS NULL) > 0 FROM letta.messages")).toBe("t|t");
    expect(q("SELECT last_value, is_called FROM public.ticket_seq")).toBe("424242|f");
  });

  it("shellcheck -x passes on all three scripts and the common.sh they source", () => {
    const result = spawnSync("shellcheck", ["-x", ...SCRIPTS, "common.sh"], { cwd: SCRIPTS_DIR, encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
    expect(result.error).toBeUndefined();
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    for (const script of SCRIPTS) {
      const text = readFileSync(path.join(SCRIPTS_DIR, script), "utf8");
      expect(text.startsWith("#!/usr/bin/env bash\n"), script).toBe(true);
      expect(text, script).toMatch(/^set -euo pipefail$/m);
    }
  });

  it("documents, in each script's header, every environment variable the script reads", () => {
    for (const script of SCRIPTS) {
      const text = readFileSync(path.join(SCRIPTS_DIR, script), "utf8");
      const lines = text.split("\n");
      const headerEnd = lines.findIndex((line) => line.startsWith("set -euo pipefail"));
      const header = lines.slice(0, headerEnd).join("\n");
      const body = lines.slice(headerEnd).filter((line) => !line.trimStart().startsWith("#")).join("\n");
      // Upper-case names the script assigns itself (constants, bash's own arrays) are not read from the environment.
      // Names common.sh (which every script sources) assigns count as assigned too.
      const common = readFileSync(path.join(SCRIPTS_DIR, "common.sh"), "utf8");
      const assigned = new Set([...`${body}\n${common}`.matchAll(/(?:readonly |local |^|\s)([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
      const builtins = new Set(["BASH_REMATCH", "BASH_SOURCE", "PIPESTATUS", "PSQL", "PSQL_PID", "IFS"]);
      const read = new Set([...body.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] ?? ""));
      const undocumented = [...read].filter((name) => !assigned.has(name) && !builtins.has(name) && !new RegExp(`\\b${name}\\b`).test(header));
      expect(undocumented, `${script} reads variables its header does not document`).toEqual([]);
      for (const name of ["PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE", "BACKUP_S3_URI", "S3_ENDPOINT_URL", "TMPDIR"]) {
        expect(header, `${script} header`).toContain(name);
      }
    }
  });

  describe("a backup restores exactly, by a role that owns nothing of the original", () => {
    let manifest: Record<string, unknown> = {};
    let target = "";

    it("backup.sh streams a dump, then writes its manifest, then moves latest.json", async () => {
      const requests: string[] = [];
      const unsubscribe = store().onRequest((request) => requests.push(`${request.method} ${request.url}`));
      const run = await runScript("backup.sh", scriptEnv({ ...ADMIN, database: "source" }, "source"));
      unsubscribe();
      expectSuccess(run, "backup.sh");
      expect(run.stderr).toMatch(/backup\.sh: done: s3:\/\/agent-backups\/source\/dumps\/\d{8}T\d{6}Z-[0-9a-f]{6}\.pgdump\.zst/);

      const latest = await readJson("source/latest.json");
      expect(latest.manifest).toMatch(/^source\/dumps\/\d{8}T\d{6}Z-[0-9a-f]{6}\.manifest\.json$/);
      manifest = await readJson(String(latest.manifest));
      const dumpKey = String(manifest.key);
      expect(latest.key).toBe(dumpKey);
      expect(await store().listKeys("source/")).toEqual([dumpKey, String(latest.manifest), "source/latest.json"].sort());
      const dump = await store().getObject(dumpKey);
      expect(dump).toBeDefined();
      expect(manifest).toMatchObject({
        manifest_version: 1, bucket: "agent-backups", manifest_key: latest.manifest, format: "custom", compression: "zstd",
        size: dump?.length, sha256: sha256(dump ?? Buffer.alloc(0)), database: "source", encoding: "UTF8",
        server_version_num: expect.any(Number) as unknown, pg_dump_version: expect.stringMatching(/^pg_dump \(PostgreSQL\) 15\./) as unknown,
      });
      expect(String(manifest.started_at) <= String(manifest.snapshot_at) && String(manifest.snapshot_at) <= String(manifest.finished_at)).toBe(true);
      // The row counts are those of every user table in the dumped snapshot.
      expect(manifest.tables).toEqual(rowCounts("source"));
      // The object is zstd (magic 28 b5 2f fd) around pg_dump's custom format ("PGDMP").
      expect(dump?.subarray(0, 4).toString("hex")).toBe("28b52ffd");
      const inner = spawnSync("zstd", ["-d", "-c"], { input: dump, maxBuffer: 1 << 30, env: { PATH: "/usr/bin:/bin" } });
      expect(inner.stdout.subarray(0, 5).toString("latin1")).toBe("PGDMP");
      // The order of writes: the dump's upload completed before the manifest was put, latest.json last.
      const put = (suffix: string): number => requests.findIndex((r) => r.startsWith("PUT ") && r.split("?")[0]?.endsWith(suffix));
      const completed = requests.findIndex((r) => r.startsWith("POST ") && r.includes(".pgdump.zst?uploadId="));
      const dumpWritten = completed >= 0 ? completed : put(".pgdump.zst");
      expect(dumpWritten).toBeGreaterThanOrEqual(0);
      expect(put(".manifest.json")).toBeGreaterThan(dumpWritten);
      expect(put("/latest.json")).toBeGreaterThan(put(".manifest.json"));
    }, 120_000);

    it("restore.sh latest restores into an empty database owned by another role: rows, checksums, sequences, definitions", async () => {
      target = await expectLatestRestores("source", "source");
      // --no-owner: everything belongs to the restoring role, which was never granted anything of the original.
      expect(server().query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('letta', 'Audit Log', 'public')`, superuser(target)))
        .toBe(RESTORER.user);
      expect(server().query("SELECT pg_has_role('restorer', 'app', 'MEMBER')")).toBe("f");
      // The extensions' objects work: a trigram search through the restored GIN index, a citext comparison.
      const session = { ...RESTORER, database: target };
      const rtl = "SELECT count(*) FROM letta.messages WHERE content LIKE '%مرحبا%'";
      expect(server().query(rtl, session)).toBe(server().query(rtl, superuser("source")));
      expect(server().query("SELECT name FROM letta.organizations WHERE name = 'ORG 1 مرحبا'", session)).toBe("Org 1 مرحبا");
      expect(server().query("SELECT nextval('public.ticket_seq'), nextval('letta.messages_id_seq')", session)).toBe("424242|1000001");
    }, 120_000);

    it("restore.sh refuses a database that is not empty and changes nothing in it", async () => {
      const before = fingerprint(target);
      const run = await runScript("restore.sh", scriptEnv({ ...RESTORER, database: target }, "source", { BACKUP_KEY: "latest" }));
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/restore\.sh: FAILED: the target database restored_\d+ is not empty \(.*table letta\.messages.*\); restore into an empty database, or set RESTORE_CLEAN=true/);
      expect(fingerprint(target)).toEqual(before);
      expect(readdirSync(scriptTmp())).toEqual([]);
    }, 60_000);

    it("restore.sh restores an exact dump key too, with parallel jobs (RESTORE_JOBS=2)", async () => {
      const other = emptyDatabase(RESTORER.user);
      const run = await runScript("restore.sh", scriptEnv({ ...RESTORER, database: other }, "source", {
        BACKUP_KEY: `s3://agent-backups/${String(manifest.key)}`, RESTORE_JOBS: "2",
      }));
      expectSuccess(run, "restore.sh");
      expect(run.stderr).toContain("with 2 parallel jobs");
      expect(fingerprint(other)).toEqual(fingerprints.get("source"));
    }, 120_000);

    /** Owners of every object a restore creates (extension members excepted), as one sorted list. */
    const ownersOf = (database: string): string => server().query(`
      WITH ns AS (SELECT oid, nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname !~ '^pg_'),
           ext AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e')
      SELECT string_agg(DISTINCT owner, ',' ORDER BY owner) FROM (
        SELECT pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND (c.oid, 'pg_class'::regclass) NOT IN (SELECT objid, classid FROM ext)
        UNION ALL SELECT pg_get_userbyid(p.proowner) FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
         WHERE (p.oid, 'pg_proc'::regclass) NOT IN (SELECT objid, classid FROM ext)
        UNION ALL SELECT pg_get_userbyid(t.typowner) FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
         WHERE t.typtype IN ('d', 'e', 'r') AND (t.oid, 'pg_type'::regclass) NOT IN (SELECT objid, classid FROM ext)
        UNION ALL SELECT pg_get_userbyid(n.nspowner) FROM pg_namespace n JOIN ns ON ns.oid = n.oid WHERE n.nspname <> 'public'
        UNION ALL SELECT pg_get_userbyid(lomowner) FROM pg_largeobject_metadata) o`, superuser(database));

    /** What the server does with its tables: read, write through a sequence, call the function, read the large object. */
    const expectAppCanUse = (database: string): void => {
      const app = { ...APP, database };
      expect(server().query("SELECT count(*) > 0 FROM letta.messages", app)).toBe("t");
      expect(server().query("SELECT nextval('public.ticket_seq') > 0", app)).toBe("t");
      expect(server().query("REFRESH MATERIALIZED VIEW letta.role_counts; SELECT 1", app)).toBe("1");
      expect(server().query("SELECT bool_and(length(lo_get(oid)) > 0) FROM pg_largeobject_metadata", app)).toBe("t");
    };

    it.each([
      ["a non-superuser member of the role (RDS master user)", () => ({ ...ADMIN })],
      ["the bootstrap superuser (in-cluster PostgreSQL)", () => ({ user: server().superuser, password: server().password })],
    ])("RESTORE_OWNER hands every restored object to the app role, restoring as %s", async (_who, who) => {
      const connection = who();
      const target = emptyDatabase(connection.user);
      const run = await runScript("restore.sh", scriptEnv({ ...connection, database: target }, "source", { BACKUP_KEY: "latest", RESTORE_OWNER: APP.user }));
      expectSuccess(run, "restore.sh");
      expect(run.stderr).toMatch(new RegExp(`restore\\.sh: \\d+ objects now belong to ${APP.user}`));
      expect(ownersOf(target)).toBe(APP.user);
      expect(fingerprint(target)).toEqual(fingerprints.get("source"));
      expectAppCanUse(target);
    }, 120_000);

    it.each([
      ["a role the restoring user cannot act as", APP.user, /neither a superuser nor a member of RESTORE_OWNER 'app'.*nothing was restored/],
      ["a role that does not exist", "no_such_role", /RESTORE_OWNER names the role 'no_such_role', which does not exist.*nothing was restored/],
    ])("RESTORE_OWNER naming %s is refused before anything is restored", async (_what, owner, message) => {
      const target = emptyDatabase(RESTORER.user);
      const before = fingerprint(target);
      const run = await runScript("restore.sh", scriptEnv({ ...RESTORER, database: target }, "source", { BACKUP_KEY: "latest", RESTORE_OWNER: owner }));
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(fingerprint(target)).toEqual(before);
      expect(readdirSync(scriptTmp())).toEqual([]);
    }, 60_000);
  });

  describe("faults: nothing that looks like a backup is left, and latest.json still restores the last good one", () => {
    it("S3 unreachable (S3_ENDPOINT_URL on a closed port): backup.sh fails, nothing changes", async () => {
      const before = await snapshotOf("source");
      expect(before.latest).not.toBe("(none)");
      const closed = await freeLocalPort();
      const run = await runScript("backup.sh", scriptEnv({ ...ADMIN, database: "source" }, "source", { S3_ENDPOINT_URL: `http://127.0.0.1:${closed}` }));
      await expectFailedBackup(run, "source", before, /Could not connect to the endpoint URL[\s\S]*backup\.sh: FAILED: uploading the dump to s3:\/\/agent-backups\/source\/dumps\/\S+ failed/);
      await expectLatestRestores("source", "source");
    }, 120_000);

    it("a large dump goes up as a multipart upload of several parts", async () => {
      const parts = new Set<string>();
      const unsubscribe = store().onRequest((request) => {
        const part = /[?&]partNumber=(\d+)/.exec(request.url);
        if (request.method === "PUT" && part !== null) parts.add(part[1] ?? "");
      });
      const run = await runScript("backup.sh", scriptEnv({ ...ADMIN, database: "big" }, "big"));
      unsubscribe();
      expectSuccess(run, "backup.sh");
      expect(parts.size, "parts uploaded").toBeGreaterThanOrEqual(3);
      const manifest = await readJson(String((await readJson("big/latest.json")).manifest));
      expect(Number(manifest.size)).toBeGreaterThan(2 * 8 * 1024 * 1024);
      expect(manifest.tables).toEqual({ "public.big_a": 12000, "public.big_b": 12000 });
    }, 120_000);

    it("S3 stops in the middle of the multipart upload: backup.sh fails, no object is completed", async () => {
      const before = await snapshotOf("big");
      let halted = false;
      const unsubscribe = store().onRequest((request) => {
        // The first part of this run's dump is on its way: the server goes down, connections cut.
        if (!halted && request.method === "PUT" && /\/big\/dumps\/.*\.pgdump\.zst\?.*partNumber=/.test(request.url)) {
          halted = true;
          void store().halt();
        }
      });
      let run: ScriptRun;
      try {
        run = await runScript("backup.sh", scriptEnv({ ...ADMIN, database: "big" }, "big"));
      } finally {
        unsubscribe();
        await store().resume();
      }
      expect(halted, "the server was stopped mid-upload").toBe(true);
      await expectFailedBackup(run, "big", before, /backup\.sh: FAILED: uploading the dump to s3:\/\/agent-backups\/big\/dumps\/\S+ failed \(aws exited [1-9]/);
      await expectLatestRestores("big", "big");
    }, 150_000);

    it("PostgreSQL stops in the middle of the dump: backup.sh fails, the upload is never completed", async () => {
      const before = await snapshotOf("big");
      let scriptPid = 0;
      let stopped = false;
      const runPromise = runScript("backup.sh", scriptEnv({ ...ADMIN, database: "big" }, "big"), (pid) => { scriptPid = pid; });
      let zstdPid: number | undefined;
      try {
        // Freeze the compressor as soon as it exists: pg_dump then blocks writing once the pipe is full, inside the
        // COPY of big_a (far larger than a pipe), so a fast dump cannot finish before it is caught (it once did).
        const zstdDeadline = Date.now() + 30_000;
        while (zstdPid === undefined && Date.now() < zstdDeadline) {
          if (scriptPid !== 0) zstdPid = findDescendant(scriptPid, "zstd");
          if (zstdPid === undefined) await sleep(2);
        }
        if (zstdPid === undefined) throw new Error("zstd never started");
        process.kill(zstdPid, "SIGSTOP");
        // Wait until pg_dump is copying big_a's rows (big_b still to come), then freeze it, stop the server at once,
        // and let it go on: its connection is gone mid-COPY.
        let dumpPid: number | undefined;
        const deadline = Date.now() + 60_000;
        while (dumpPid === undefined && Date.now() < deadline) {
          const copying = server().query(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump' AND state = 'active' AND query LIKE 'COPY public.big_a %'");
          if (copying === "1") dumpPid = findDescendant(scriptPid, "pg_dump");
          if (dumpPid === undefined) await sleep(10);
        }
        if (dumpPid === undefined) throw new Error("pg_dump was never seen copying big_a");
        process.kill(dumpPid, "SIGSTOP");
        server().stopImmediately();
        stopped = true;
        process.kill(dumpPid, "SIGCONT");
      } finally {
        if (zstdPid !== undefined) process.kill(zstdPid, "SIGCONT");
        const run = await runPromise;
        if (stopped) server().start();
        await expectFailedBackup(run, "big", before,
          /pg_dump: error: [\s\S]*backup\.sh: FAILED: the dump pipeline failed \(exit statuses: pg_dump 1, zstd 0, tee 0\); the upload was cancelled before completing/);
      }
      await expectLatestRestores("big", "big");
    }, 150_000);

    for (const [label, corrupt] of [
      ["same size, one byte flipped", (dump: Buffer): Buffer => {
        const copy = Buffer.from(dump);
        const middle = copy.length >> 1;
        copy[middle] = (copy[middle] ?? 0) ^ 0xff;
        return copy;
      }],
      ["another size, truncated", (dump: Buffer): Buffer => dump.subarray(0, dump.length - 1000)],
    ] as const) {
      it(`a corrupted dump object (${label}): restore.sh refuses it, mentioning the checksum, and restores nothing`, async () => {
        const manifest = await readJson(String((await readJson("source/latest.json")).manifest));
        const key = String(manifest.key);
        const good = await store().getObject(key);
        if (good === undefined) throw new Error(`no object ${key}`);
        const bad = corrupt(good);
        expect(sha256(bad)).not.toBe(manifest.sha256);
        await store().putObject(key, bad);
        try {
          const target = emptyDatabase(RESTORER.user);
          const run = await runScript("restore.sh", scriptEnv({ ...RESTORER, database: target }, "source", { BACKUP_KEY: "latest" }));
          expect(run.status).toBe(1);
          expect(run.stderr).toMatch(/restore\.sh: FAILED: REFUSING TO RESTORE s3:\/\/agent-backups\/source\/dumps\/\S+\.pgdump\.zst: .*checksum does not match the manifest/);
          expect(run.stderr).not.toMatch(/restoring into/);
          expect(objectsIn(target), "relations/schemas in the target").toBe("0/0");
          expect(readdirSync(scriptTmp())).toEqual([]);
        } finally {
          await store().putObject(key, good);
        }
      }, 60_000);
    }
  });

  describe("restore-drill.sh", () => {
    const drillDatabases = (): string => server().query("SELECT count(*) FROM pg_database WHERE datname LIKE 'restore_drill_%'");

    it("passes on a good backup: status ok in drill/latest.json, no difference, the scratch database dropped", async () => {
      const run = await runScript("restore-drill.sh", scriptEnv({ ...ADMIN, database: "source" }, "source"));
      expectSuccess(run, "restore-drill.sh");
      const latest = await readJson("source/latest.json");
      const result = await readJson("source/drill/latest.json");
      expect(result).toMatchObject({ status: "ok", manifest_key: latest.manifest, dump_key: latest.key, differences: [], error: null });
      expect(String(result.started_at) < String(result.finished_at)).toBe(true);
      expect((await store().listKeys("source/drill/")).length).toBe(2);
      expect(drillDatabases()).toBe("0");
    }, 120_000);

    it("fails when the manifest's row counts were tampered with: non-zero, status failed, the difference named", async () => {
      const manifestKey = String((await readJson("source/latest.json")).manifest);
      const original = await store().getObject(manifestKey);
      if (original === undefined) throw new Error(`no manifest ${manifestKey}`);
      const tampered = JSON.parse(original.toString("utf8")) as { tables: Record<string, number> };
      const messages = tampered.tables["letta.messages"] ?? 0;
      tampered.tables["letta.messages"] = messages + 1;
      await store().putObject(manifestKey, JSON.stringify(tampered));
      try {
        const run = await runScript("restore-drill.sh", scriptEnv({ ...ADMIN, database: "source" }, "source"));
        expect(run.status, run.stderr).toBe(1);
        expect(run.stderr).toContain(`the restored row counts differ from the manifest ${manifestKey}: letta.messages: manifest ${messages + 1}, restored ${messages}`);
        const result = await readJson("source/drill/latest.json");
        expect(result).toMatchObject({
          status: "failed", manifest_key: manifestKey,
          differences: [{ table: "letta.messages", manifest: messages + 1, restored: messages }],
          error: expect.stringMatching(/^restore\.sh exited 1: .*row counts differ/) as unknown,
        });
        expect(drillDatabases()).toBe("0");
        expect(readdirSync(scriptTmp())).toEqual([]);
      } finally {
        await store().putObject(manifestKey, original);
      }
    }, 120_000);
  });
});
