// npm run bench:backup: how fast components/backup/scripts/backup.sh streams a ~1 GB database into S3 compared with a
// bare `pg_dump -Fc > /dev/null` of the same database in the same run (goal: backup throughput >= 0.85 x pg_dump's),
// how long restore.sh takes to bring it back, and how much memory the backup pipeline's processes use. A benchmark:
// it prints figures and asserts nothing.
//
// Real parts, as in test/backup/scripts.test.ts: a throwaway PostgreSQL 15 (test/support/postgres.ts) and s3rver
// (test/support/s3.ts), both on 127.0.0.1 only and stopped at the end, Debian's AWS CLI v2 (PATH starts /usr/bin).
// s3rver runs in this process and shares the machine's CPUs with the pipeline: real S3 takes that work elsewhere.
//
// Memory: GNU time (/usr/bin/time -v) gives the largest single process of a run; /proc is sampled every 50 ms for
// the whole process tree (the sum of the processes' resident sets at the worst moment, and each command's peak).
//
//   BENCH_DB_MB    size of the seeded database in MB (default 1024)
//   BENCH_RUNS     timed runs of each dump (default 2; the best is kept, after one untimed warm-up of pg_dump)
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { findPostgresBinDir, startPostgres } from "../../test/support/postgres";
import type { PostgresServer } from "../../test/support/postgres";
import { S3RVER_AWS_ENV, startS3 } from "../../test/support/s3";
import type { S3Server } from "../../test/support/s3";

const ROOT = path.resolve(__dirname, "../..");
const SCRIPTS = path.join(ROOT, "components/backup/scripts");
const GNU_TIME = "/usr/bin/time";
const MIB = 1024 * 1024;
const targetMb = Number(process.env.BENCH_DB_MB ?? 1024);
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 2));
const scale = targetMb / 890; // 890: what the seed below makes at scale 1, in MiB

interface Measurement {
  seconds: number;
  status: number | null;
  stderr: string;
  /** GNU time's "Maximum resident set size": the largest single process of the run. */
  largestProcessKiB: number | undefined;
  /** Sum of the tree's resident sets at the sampled worst moment. */
  peakTreeKiB: number;
  /** Peak resident set (VmHWM) per command name. */
  peakByCommand: Map<string, number>;
}

/** Every process below `root` (and root), with its command name and resident set, from /proc. */
function processTree(root: number): { pid: number; name: string; rssKiB: number; hwmKiB: number }[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parents.get(p)) if (p === root) return true;
    return false;
  };
  const result: { pid: number; name: string; rssKiB: number; hwmKiB: number }[] = [];
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
      result.push({ pid, name: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? "?", rssKiB: field("VmRSS"), hwmKiB: field("VmHWM") });
    } catch {
      // gone
    }
  }
  return result;
}

/** The run in progress, stopped with the servers when the benchmark is interrupted. */
let running: ChildProcess | undefined;

/** Runs `command` under GNU time (when present), sampling its process tree; stdout goes to /dev/null. */
function measure(command: string, args: string[], env: Record<string, string>): Promise<Measurement> {
  return new Promise((resolve) => {
    const useTime = existsSync(GNU_TIME);
    const devNull = openSync("/dev/null", "w");
    const started = process.hrtime.bigint();
    const child = spawn(useTime ? GNU_TIME : command, useTime ? ["-v", command, ...args] : args, { env, stdio: ["ignore", devNull, "pipe"] });
    closeSync(devNull);
    running = child;
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
    let peakTreeKiB = 0;
    const peakByCommand = new Map<string, number>();
    const sample = (): void => {
      if (child.pid === undefined) return;
      const tree = processTree(child.pid).filter((p) => p.name !== "time");
      peakTreeKiB = Math.max(peakTreeKiB, tree.reduce((sum, p) => sum + p.rssKiB, 0));
      for (const p of tree) peakByCommand.set(p.name, Math.max(peakByCommand.get(p.name) ?? 0, p.hwmKiB));
    };
    const timer = setInterval(sample, 50);
    child.on("close", (status) => {
      running = undefined;
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const largest = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
      resolve({ seconds, status, stderr, largestProcessKiB: largest === undefined ? undefined : Number(largest), peakTreeKiB, peakByCommand });
    });
  });
}

/** The seed, statement by statement (each one within test/support/postgres.ts's 60 s per query). */
function seedStatements(): string[] {
  const n = (base: number): number => Math.max(1, Math.round(base * scale));
  return `
CREATE SCHEMA letta;
CREATE TABLE letta.agents (id uuid PRIMARY KEY, name text NOT NULL, config jsonb, created_at timestamptz);
INSERT INTO letta.agents SELECT md5('agent' || g)::uuid, 'agent ' || g, jsonb_build_object('model', 'gpt-4o', 'n', g), now()
  FROM generate_series(0, 9999) g;
CREATE TABLE letta.messages (id bigserial PRIMARY KEY, agent_id uuid NOT NULL REFERENCES letta.agents (id), role text NOT NULL,
  content text, tool_calls jsonb, created_at timestamptz NOT NULL);
INSERT INTO letta.messages (agent_id, role, content, tool_calls, created_at)
SELECT md5('agent' || (g % 10000))::uuid, (ARRAY['user', 'assistant', 'system', 'tool'])[g % 4 + 1],
       repeat((ARRAY['The quick brown fox jumps over the lazy dog. ', 'Emoji 🤖🧠✨ and RTL مرحبا بالعالم ',
                     'CJK 你好世界 こんにちは 안녕하세요 ', 'Numbers ' || g || ' and more text here. '])[g % 4 + 1], 3 + g % 6) || md5(g::text),
       CASE WHEN g % 3 = 0 THEN jsonb_build_object('name', 'search', 'args', jsonb_build_object('q', 'query ' || g, 'n', g)) END,
       now() - g * interval '1 second'
  FROM generate_series(1, ${n(1_200_000)}) g;
CREATE INDEX messages_agent_created ON letta.messages (agent_id, created_at);
CREATE TABLE letta.passages (id int PRIMARY KEY, text text, embedding real[]);
INSERT INTO letta.passages SELECT g, 'passage ' || g || ' ' || md5(g::text),
       (SELECT array_agg(random()::real) FROM generate_series(1, 384) WHERE g > 0)
  FROM generate_series(1, ${n(60_000)}) g;
CREATE TABLE letta.files (id int PRIMARY KEY, data bytea);
INSERT INTO letta.files SELECT g, decode(string_agg(md5(g || ':' || i), '' ORDER BY i), 'hex')
  FROM generate_series(1, ${n(1_000)}) g, generate_series(1, 4096) i GROUP BY g;
CREATE TABLE public.events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kind text, payload jsonb, at timestamptz);
INSERT INTO public.events (kind, payload, at)
SELECT (ARRAY['login', 'agent.created', 'message.sent'])[g % 3 + 1],
       jsonb_build_object('seq', g, 'ok', g % 2 = 0, 'text', 'évènement ' || g, 'arr', jsonb_build_array(1, 'two', NULL)),
       now() - g * interval '1 second'
  FROM generate_series(1, ${n(1_000_000)}) g;
VACUUM ANALYZE;
`.split(/;\n/).map((statement) => statement.trim()).filter((statement) => statement !== "");
}

const mb = (bytes: number): string => (bytes / MIB).toFixed(0);
const mib = (kib: number | undefined): string => (kib === undefined ? "n/a" : `${(kib / 1024).toFixed(0)} MiB`);

function best(measurements: Measurement[]): Measurement {
  const [first, ...rest] = measurements;
  if (first === undefined) throw new Error("no measurement");
  return rest.reduce((a, b) => (b.seconds < a.seconds ? b : a), first);
}

function check(what: string, m: Measurement): Measurement {
  if (m.status !== 0) throw new Error(`${what} exited ${String(m.status)}:\n${m.stderr}`);
  return m;
}

async function main(): Promise<void> {
  let pg: PostgresServer | undefined;
  let s3: S3Server | undefined;
  const work = mkdtempSync(path.join(tmpdir(), "bench-backup-"));
  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    running?.kill("SIGTERM");
    await s3?.stop();
    await pg?.stop();
    rmSync(work, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      process.stderr.write(`bench:backup: ${signal}, stopping the servers\n`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    const server = await startPostgres();
    pg = server;
    const store = await startS3({ bucket: "bench-backups" });
    s3 = store;
    for (const dir of ["tmp", "home"]) mkdirSync(path.join(work, dir));
    const admin = { user: server.superuser, password: server.password };
    const env = (database: string, extra: Record<string, string> = {}): Record<string, string> => ({
      PATH: `/usr/bin:/bin:${findPostgresBinDir() ?? "/usr/bin"}`,
      HOME: path.join(work, "home"), TMPDIR: path.join(work, "tmp"), LANG: "C.UTF-8", LC_ALL: "C.UTF-8",
      ...server.env({ ...admin, database }), ...S3RVER_AWS_ENV,
      S3_ENDPOINT_URL: store.endpoint, BACKUP_S3_URI: `s3://${store.bucket}/bench`, ...extra,
    });

    process.stdout.write(`seeding a ~${targetMb} MB database (generate_series)...\n`);
    const seedStarted = Date.now();
    pg.query("CREATE DATABASE bench");
    for (const statement of seedStatements()) pg.query(statement, { database: "bench" });
    const dbBytes = Number(pg.query("SELECT pg_database_size('bench')"));
    const rows = pg.query("SELECT sum(n_live_tup) FROM pg_stat_user_tables", { database: "bench" });
    process.stdout.write(`seeded ${mb(dbBytes)} MiB (${rows} rows) in ${((Date.now() - seedStarted) / 1000).toFixed(0)} s\n`);

    const rawArgs = ["--format=custom", "--no-password"];
    process.stdout.write("warm-up: pg_dump -Fc > /dev/null\n");
    check("pg_dump warm-up", await measure("pg_dump", rawArgs, env("bench")));
    const raw: Measurement[] = [];
    const backups: Measurement[] = [];
    for (let run = 1; run <= runs; run++) {
      process.stdout.write(`run ${run}/${runs}: pg_dump -Fc > /dev/null, then backup.sh\n`);
      raw.push(check("pg_dump -Fc", await measure("pg_dump", rawArgs, env("bench"))));
      backups.push(check("backup.sh", await measure("bash", [path.join(SCRIPTS, "backup.sh")], env("bench"))));
    }
    process.stdout.write("pg_dump -Fc -Z0 > /dev/null (uncompressed: the dump's own ceiling)\n");
    const uncompressed = check("pg_dump -Fc -Z0", await measure("pg_dump", [...rawArgs, "--compress=0"], env("bench")));

    const latest = JSON.parse((await s3.getObject("bench/latest.json"))?.toString("utf8") ?? "{}") as { size?: number };
    const restores: [string, Measurement][] = [];
    for (const jobs of ["1", "2"]) {
      const target = `restored_${jobs}`;
      pg.query(`CREATE DATABASE ${target}`);
      process.stdout.write(`restore.sh latest, RESTORE_JOBS=${jobs}\n`);
      restores.push([jobs, check(`restore.sh (RESTORE_JOBS=${jobs})`,
        await measure("bash", [path.join(SCRIPTS, "restore.sh")], env(target, { BACKUP_KEY: "latest", RESTORE_JOBS: jobs })))]);
    }

    const rawBest = best(raw);
    const backupBest = best(backups);
    const throughput = (m: Measurement): string => `${(dbBytes / MIB / m.seconds).toFixed(1)} MiB/s`;
    const lines = [
      "",
      `database: ${mb(dbBytes)} MiB (pg_database_size), ${rows} rows; dump object ${mb(latest.size ?? 0)} MiB (zstd)`,
      `pg_dump -Fc > /dev/null:      ${rawBest.seconds.toFixed(1)} s  ${throughput(rawBest)}  (best of ${runs}: ${raw.map((m) => m.seconds.toFixed(1)).join(", ")} s)`,
      `pg_dump -Fc -Z0 > /dev/null:  ${uncompressed.seconds.toFixed(1)} s  ${throughput(uncompressed)}`,
      `backup.sh (to s3rver):        ${backupBest.seconds.toFixed(1)} s  ${throughput(backupBest)}  (best of ${runs}: ${backups.map((m) => m.seconds.toFixed(1)).join(", ")} s)`,
      `backup throughput / pg_dump -Fc throughput: ${(rawBest.seconds / backupBest.seconds).toFixed(2)}  (goal >= 0.85)`,
      ...restores.map(([jobs, m]) => `restore.sh, RESTORE_JOBS=${jobs}:     ${m.seconds.toFixed(1)} s  ${throughput(m)}`),
      "memory, backup.sh pipeline:",
      `  largest single process (GNU time): ${mib(backupBest.largestProcessKiB)}`,
      `  whole process tree at its sampled peak: ${mib(backupBest.peakTreeKiB)}`,
      `  peak per command: ${[...backupBest.peakByCommand].sort((a, b) => b[1] - a[1]).map(([name, kib]) => `${name} ${mib(kib)}`).join(", ")}`,
      `memory, pg_dump -Fc alone: ${mib(rawBest.largestProcessKiB)}`,
      ...restores.map(([jobs, m]) => `memory, restore.sh RESTORE_JOBS=${jobs}: tree peak ${mib(m.peakTreeKiB)}, largest process ${mib(m.largestProcessKiB)}`),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:backup failed: ${error instanceof Error ? (error.stack ?? error.message) : JSON.stringify(error)}\n`);
  process.exitCode = 1;
});
