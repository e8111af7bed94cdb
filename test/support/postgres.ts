// A real, throwaway PostgreSQL server for a test: a fresh cluster in a temp dir (initdb, SCRAM passwords), listening
// on 127.0.0.1 only, on a free port, with its unix socket inside the temp dir. The test that starts it stops it
// (afterAll), which also removes the temp dir. PostgreSQL refuses to run as root and CI runs as root: then initdb and
// pg_ctl run as the `postgres` OS user (runuser), and the temp dir is handed to that user.
// PostgreSQL missing is a failure, never a skip: .ci/run must install postgresql-15.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { freeLocalPort } from "./net";

/** What `psql` (or another client) printed and how it exited. */
export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Who a client connects as, and to which database. */
export interface Connection {
  user: string;
  password: string;
  database: string;
}

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  /** The bootstrap superuser and its password. */
  readonly superuser: string;
  readonly password: string;
  /** e.g. "15.14"; `majorVersion` 15. */
  readonly version: string;
  readonly majorVersion: number;
  /** The libpq environment for a connection (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE). */
  env(connection: Connection): Record<string, string>;
  /** Runs the server's own psql with exactly `args`, in a clean environment plus `env` (nothing inherited: no
   * PGSERVICE, PGPASSFILE or ~/.psqlrc surprises). Never throws for a non-zero exit. */
  psql(args: string[], env: Record<string, string>): CommandResult;
  /** One SQL string through `psql -X -A -t -v ON_ERROR_STOP=1`, as `connection` (default: the superuser on
   * database `postgres`); throws with psql's stderr when it fails, returns stdout without the trailing newline. */
  query(sql: string, connection?: Partial<Connection>): string;
  /** Stops the server (fast shutdown) and removes the temp dir; safe to call twice. */
  stop(): Promise<void>;
  /** Stops the server at once (`pg_ctl stop -m immediate`: to its clients, a crash), keeping its data and temp dir;
   * throws when it does not stop. `start()` brings it back. */
  stopImmediately(): void;
  /** Starts the server again (after `stopImmediately()`), on the same port; throws with the log when it does not. */
  start(): void;
}

const INSTALL_HINT =
  "PostgreSQL server binaries not found (looked for initdb, pg_ctl, postgres and psql in /usr/lib/postgresql/*/bin " +
  "and on PATH). .ci/run must install postgresql-15 and postgresql-client-15 " +
  "(apt-get update && apt-get install -y postgresql-15 postgresql-client-15).";

const REQUIRED = ["initdb", "pg_ctl", "postgres", "psql"] as const;

function hasBinaries(dir: string): boolean {
  return REQUIRED.every((name) => existsSync(path.join(dir, name)));
}

/** The bin dir of the highest installed PostgreSQL (Debian layout first, then PATH), or undefined. */
export function findPostgresBinDir(): string | undefined {
  const debianRoot = "/usr/lib/postgresql";
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((entry) => /^\d+(\.\d+)?$/.test(entry))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    for (const version of versions) {
      const dir = path.join(debianRoot, version, "bin");
      if (hasBinaries(dir)) return dir;
    }
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir !== "" && hasBinaries(dir)) return dir;
  }
  return undefined;
}


/** A minimal environment for child processes: none of the caller's PG* variables leak in. */
function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", LC_ALL: "C.UTF-8", PGCONNECT_TIMEOUT: "10" };
}

function run(command: string, args: string[], env: Record<string, string>, timeoutMs = 60_000): CommandResult {
  const result = spawnSync(command, args, { env, encoding: "utf8", timeout: timeoutMs, stdio: ["ignore", "pipe", "pipe"] });
  if (result.error) return { status: null, stdout: result.stdout ?? "", stderr: `${result.error.message}\n${result.stderr ?? ""}` };
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function chownTree(target: string, uid: number, gid: number): void {
  chownSync(target, uid, gid);
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    const child = path.join(target, entry.name);
    if (entry.isDirectory()) chownTree(child, uid, gid);
    else chownSync(child, uid, gid);
  }
}

function osUserIds(name: string): { uid: number; gid: number } {
  const uid = run("id", ["-u", name], baseEnv());
  const gid = run("id", ["-g", name], baseEnv());
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(`running as root, PostgreSQL must run as the "${name}" OS user, which does not exist (install postgresql-15)`);
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Starts a fresh PostgreSQL server; the caller must `stop()` it (afterAll). */
export async function startPostgres(options: {
  superuser?: string;
  /**
   * Called with the server's temp dir before initdb: may write files there (a certificate, an hba file; they are
   * handed to the server's OS user) and returns extra postgresql.conf lines. Default: none.
   */
  configure?: (root: string) => string[];
} = {}): Promise<PostgresServer> {
  const binDir = findPostgresBinDir();
  if (binDir === undefined) throw new Error(INSTALL_HINT);
  const bin = (name: (typeof REQUIRED)[number]): string => path.join(binDir, name);
  const asRoot = process.getuid?.() === 0;
  // As root: run the server tools as `postgres` (runuser keeps the environment we pass).
  const serverCommand = (name: "initdb" | "pg_ctl", args: string[]): CommandResult =>
    asRoot ? run("runuser", ["-u", "postgres", "--", bin(name), ...args], baseEnv()) : run(bin(name), args, baseEnv());

  const versionOutput = run(bin("postgres"), ["--version"], baseEnv());
  const version = /(\d+(?:\.\d+)?)/.exec(versionOutput.stdout)?.[1];
  if (versionOutput.status !== 0 || version === undefined) {
    throw new Error(`${bin("postgres")} --version failed: ${versionOutput.stderr}${versionOutput.stdout}`);
  }

  const superuser = options.superuser ?? "postgres";
  const password = `pw${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const root = mkdtempSync(path.join(tmpdir(), "pgtest-"));
  const dataDir = path.join(root, "data");
  const logFile = path.join(root, "server.log");
  const passwordFile = path.join(root, "pwfile");
  let started = false;
  let stopped = false;

  const stop = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    stopped = true;
    try {
      if (started) {
        const result = serverCommand("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "-t", "60", "stop"]);
        if (result.status !== 0) {
          // Last resort, so no server outlives the test: immediate shutdown.
          serverCommand("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
        }
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    return Promise.resolve();
  };

  try {
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    const extraSettings = options.configure?.(root) ?? [];
    if (asRoot) {
      const { uid, gid } = osUserIds("postgres");
      chownTree(root, uid, gid);
    }
    const init = serverCommand("initdb", [
      "-D", dataDir, "-U", superuser, `--pwfile=${passwordFile}`, "--auth=scram-sha-256",
      "--encoding=UTF8", "--locale=C", "--no-sync",
    ]);
    if (init.status !== 0) throw new Error(`initdb failed (exit ${String(init.status)}):\n${init.stderr}${init.stdout}`);
    rmSync(passwordFile, { force: true });

    let port = 0;
    let lastFailure = "";
    for (let attempt = 0; attempt < 3 && !started; attempt++) {
      port = await freeLocalPort();
      // Appended settings win over initdb's. 127.0.0.1 only; the socket stays in the temp dir; durability off.
      const settings = [
        "", "# test server",
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${root}'`,
        "fsync = off", "synchronous_commit = off", "full_page_writes = off",
        "max_connections = 20", "shared_buffers = 16MB", "log_min_messages = warning",
        ...extraSettings,
      ].join("\n");
      const confPath = path.join(dataDir, "postgresql.auto.conf");
      writeFileSync(confPath, `${readFileSync(confPath, "utf8")}${settings}\n`);
      const start = serverCommand("pg_ctl", ["-D", dataDir, "-l", logFile, "-w", "-t", "60", "start"]);
      if (start.status === 0) {
        started = true;
      } else {
        const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
        lastFailure = `pg_ctl start failed (exit ${String(start.status)}) on port ${port}:\n${start.stderr}${start.stdout}\n${log}`;
      }
    }
    if (!started) throw new Error(lastFailure);

    const host = "127.0.0.1";
    const env = (connection: Connection): Record<string, string> => ({
      PGHOST: host, PGPORT: String(port), PGDATABASE: connection.database, PGUSER: connection.user,
      PGPASSWORD: connection.password, PGSSLMODE: "disable",
    });
    const psql = (args: string[], extraEnv: Record<string, string>): CommandResult =>
      run(bin("psql"), args, { ...baseEnv(), ...extraEnv });
    const query = (sql: string, connection: Partial<Connection> = {}): string => {
      const full: Connection = { user: superuser, password, database: "postgres", ...connection };
      const result = psql(["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], env(full));
      if (result.status !== 0) {
        throw new Error(`psql as ${full.user} on ${full.database} failed (exit ${String(result.status)}): ${result.stderr}\nSQL: ${sql}`);
      }
      return result.stdout.replace(/\n$/, "");
    };
    const stopImmediately = (): void => {
      const result = serverCommand("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "-t", "60", "stop"]);
      if (result.status !== 0) throw new Error(`pg_ctl stop -m immediate failed (exit ${String(result.status)}):\n${result.stderr}${result.stdout}`);
    };
    const start = (): void => {
      const result = serverCommand("pg_ctl", ["-D", dataDir, "-l", logFile, "-w", "-t", "60", "start"]);
      if (result.status !== 0) {
        const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
        throw new Error(`pg_ctl start failed (exit ${String(result.status)}) on port ${port}:\n${result.stderr}${result.stdout}\n${log}`);
      }
    };
    return {
      host, port, superuser, password, version, majorVersion: Number.parseInt(version, 10),
      env, psql, query, stop, stopImmediately, start,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
