// The database bootstrap SQL (components/database/sql/*.sql, read from disk: the files that ship), run the way the
// bootstrap Job runs it and checked for what the Letta server needs before its own migrations.
//
// - A real PostgreSQL 15 server (test/support/postgres.ts), with the real psql and exactly the Job's command line and
//   libpq environment (parameters through PGOPTIONS). The admin is `platform_admin`: LOGIN CREATEROLE, not a
//   superuser, owner of database `letta`, like the RDS master user. Debian's PostgreSQL has no pgvector, so on this
//   server only bootstrap.sql runs; extensions.sql is proven on PGlite below.
// - PGlite (PostgreSQL 17 in WebAssembly, with pgvector 0.8.0): both files, including the `vector` extension and a
//   nearest-neighbour query. PGlite's session is a superuser; one case switches to a non-superuser admin with
//   SET ROLE to check PostgreSQL 16+'s rules for role membership.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { QueryOptions } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres } from "../support/postgres";
import type { CommandResult, Connection, PostgresServer } from "../support/postgres";

/** What PGlite hands to onNotice (its NoticeMessage class is not exported by name). */
type NoticeMessage = Parameters<NonNullable<QueryOptions["onNotice"]>>[0];

const SQL_DIR = path.resolve(__dirname, "../../components/database/sql");
const BOOTSTRAP_SQL = path.join(SQL_DIR, "bootstrap.sql");
const EXTENSIONS_SQL = path.join(SQL_DIR, "extensions.sql");

interface Settings {
  app_role?: string;
  schema?: string;
  app_password?: string;
}

/** libpq's PGOPTIONS: `-c bootstrap.<name>=<value>` per setting; the server splits on whitespace, so backslash-escape
 * whitespace and backslashes (the Job's passwords are alphanumeric; hostile values in the tests are not). */
function pgOptions(settings: Settings, extra: string[] = []): string {
  const escape = (value: string): string => value.replace(/[\\\s]/g, (c) => `\\${c}`);
  const options = Object.entries(settings).map(([name, value]) => `-c ${escape(`bootstrap.${name}=${String(value)}`)}`);
  return [...options, ...extra].join(" ");
}

// ---------------------------------------------------------------------------------------------------------------
// Real PostgreSQL 15
// ---------------------------------------------------------------------------------------------------------------

describe("bootstrap.sql on a real PostgreSQL 15 server, with psql as the Job runs it", () => {
  let pg: PostgresServer | undefined;
  const ADMIN = "platform_admin";
  const ADMIN_PASSWORD = "AdminPassw0rd";
  const FIRST_PASSWORD = "Fi7stPassw0rdAlnum";
  const ROTATED_PASSWORD = "R0tatedPassw0rdAlnum";

  // A failure to start (PostgreSQL not installed: .ci/run must install postgresql-15) is kept and thrown by every
  // test, so each one FAILS with it: thrown from beforeAll, vitest would report the tests as skipped.
  let startFailure: unknown;
  const server = (): PostgresServer => {
    if (startFailure !== undefined) throw startFailure instanceof Error ? startFailure : new Error(`PostgreSQL did not start: ${JSON.stringify(startFailure)}`);
    if (pg === undefined) throw new Error("PostgreSQL did not start");
    return pg;
  };
  const admin = (database = "letta"): Connection => ({ user: ADMIN, password: ADMIN_PASSWORD, database });
  const superuser = (database: string): Connection => ({ user: server().superuser, password: server().password, database });
  /** The Job's command: psql -X -v ON_ERROR_STOP=1 -f ... with the libpq env and PGOPTIONS. */
  const runJob = (connection: Connection, options: string, files: string[] = [BOOTSTRAP_SQL]): CommandResult =>
    server().psql(["-X", "-v", "ON_ERROR_STOP=1", ...files.flatMap((file) => ["-f", file])], {
      ...server().env(connection), PGOPTIONS: options,
    });
  const expectSuccess = (result: CommandResult): void => {
    expect(result.stderr, "psql stderr").not.toMatch(/ERROR|FATAL/);
    expect(result.status, result.stderr).toBe(0);
  };
  /** A login attempt: psql's exit status and stderr. */
  const login = (user: string, password: string, database: string): CommandResult =>
    server().psql(["-X", "-A", "-t", "-c", "SELECT current_user"], server().env({ user, password, database }));

  beforeAll(async () => {
    try {
      pg = await startPostgres();
      pg.query(`CREATE ROLE ${ADMIN} LOGIN CREATEROLE NOSUPERUSER NOCREATEDB PASSWORD '${ADMIN_PASSWORD}'`);
      pg.query(`CREATE DATABASE letta OWNER ${ADMIN}`);
      pg.query(`CREATE DATABASE rejects OWNER ${ADMIN}`);
      // A table the injection attempt names, in each database the admin's scripts run in.
      pg.query("CREATE TABLE public.x (id int)", admin("letta"));
      pg.query("CREATE TABLE public.x (id int)", admin("rejects"));
    } catch (error) {
      startFailure = error;
    }
  });

  afterAll(async () => {
    await pg?.stop();
  });

  it("has a PostgreSQL 15 server to run against (.ci/run installs postgresql-15)", () => {
    expect(server().majorVersion, `server version ${server().version}`).toBe(15);
    expect(server().query("SHOW listen_addresses")).toBe("127.0.0.1");
  });

  it("simulates the RDS master user: platform_admin has CREATEROLE, is no superuser and owns database letta", () => {
    expect(server().query(`SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = '${ADMIN}'`)).toBe("f|t");
    expect(server().query("SELECT datdba::regrole FROM pg_database WHERE datname = 'letta'")).toBe(ADMIN);
  });

  it("runs twice in a row as that admin without error", () => {
    const options = pgOptions({ app_role: "letta", schema: "letta", app_password: FIRST_PASSWORD });
    for (let run = 1; run <= 2; run++) {
      const result = runJob(admin(), options);
      expectSuccess(result);
      expect(result.stderr).toContain("NOTICE:  bootstrap: role letta and schema letta ready in database letta (search_path letta)");
    }
  });

  it("creates role letta with LOGIN and without SUPERUSER, CREATEDB, CREATEROLE, REPLICATION or BYPASSRLS", () => {
    expect(
      server().query("SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = 'letta'"),
    ).toBe("t|f|f|f|f|f");
  });

  it("lets letta log in with its password, and its new sessions have search_path letta", () => {
    const session = { user: "letta", password: FIRST_PASSWORD, database: "letta" };
    expect(server().query("SELECT current_user", session)).toBe("letta");
    expect(server().query("SHOW search_path", session)).toBe("letta");
    expect(server().query("SELECT setconfig::text FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = 'letta' AND s.setrole = 0"))
      .toBe("{search_path=letta}");
  });

  it("creates schema letta owned by letta, where letta's unqualified tables land", () => {
    expect(server().query("SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'letta'", superuser("letta"))).toBe("letta");
    const session = { user: "letta", password: FIRST_PASSWORD, database: "letta" };
    server().query("CREATE TABLE agents_probe (id int)", session);
    expect(server().query("SELECT schemaname, tableowner FROM pg_tables WHERE tablename = 'agents_probe'", session)).toBe("letta|letta");
  });

  it("leaves public in place, and letta cannot create objects in it (PostgreSQL 15's default)", () => {
    expect(server().query("SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'public'", superuser("letta"))).toBe("pg_database_owner");
    const session = { user: "letta", password: FIRST_PASSWORD, database: "letta" };
    expect(server().query("SELECT has_schema_privilege('public', 'CREATE')", session)).toBe("f");
    expect(() => server().query("CREATE TABLE public.nope (id int)", session)).toThrow(/permission denied for schema public/);
  });

  it("grants letta CONNECT and TEMPORARY on the database explicitly", () => {
    expect(
      server().query(
        "SELECT string_agg(a.privilege_type, ',' ORDER BY a.privilege_type) FROM pg_database d, aclexplode(d.datacl) a " +
          "WHERE d.datname = 'letta' AND a.grantee = 'letta'::regrole",
      ),
    ).toBe("CONNECT,TEMPORARY");
  });

  it("makes the admin a member of letta once (PostgreSQL requires it for CREATE SCHEMA ... AUTHORIZATION letta)", () => {
    expect(server().query("SELECT count(*), bool_and(NOT admin_option) FROM pg_auth_members WHERE roleid = 'letta'::regrole AND member = 'platform_admin'::regrole"))
      .toBe("1|t");
    // Which also gives the admin CREATE in letta's schema: what a non-superuser needs to run extensions.sql.
    expect(server().query("SELECT has_schema_privilege('platform_admin', 'letta', 'CREATE')", superuser("letta"))).toBe("t");
    // Without that membership PostgreSQL 15 refuses (this is why bootstrap.sql grants it).
    server().query("CREATE ROLE probe_app LOGIN", admin());
    try {
      expect(() => server().query("CREATE SCHEMA probe AUTHORIZATION probe_app", admin())).toThrow(/must be member of role "probe_app"/);
    } finally {
      server().query("DROP ROLE probe_app", admin());
    }
  });

  it("rotates the password on a re-run: the old one stops working, the new one works", () => {
    expectSuccess(runJob(admin(), pgOptions({ app_role: "letta", schema: "letta", app_password: ROTATED_PASSWORD })));
    const old = login("letta", FIRST_PASSWORD, "letta");
    expect(old.status).toBe(2);
    expect(old.stderr).toMatch(/password authentication failed for user "letta"/);
    const rotated = login("letta", ROTATED_PASSWORD, "letta");
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(rotated.stdout.trim()).toBe("letta");
  });

  it("converges drift: attributes, the schema's owner and the database's search_path are put back", () => {
    server().query("ALTER ROLE letta NOLOGIN CREATEDB CREATEROLE");
    server().query("ALTER SCHEMA letta OWNER TO platform_admin", superuser("letta"));
    server().query("ALTER DATABASE letta RESET search_path");
    expectSuccess(runJob(admin(), pgOptions({ app_role: "letta", schema: "letta", app_password: ROTATED_PASSWORD })));
    expect(server().query("SELECT rolcanlogin, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = 'letta'")).toBe("t|f|f");
    expect(server().query("SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'letta'", superuser("letta"))).toBe("letta");
    expect(server().query("SHOW search_path", { user: "letta", password: ROTATED_PASSWORD, database: "letta" })).toBe("letta");
    // Still one membership row: the grant is not repeated.
    expect(server().query("SELECT count(*) FROM pg_auth_members WHERE roleid = 'letta'::regrole AND member = 'platform_admin'::regrole")).toBe("1");
  });

  it("runs as a superuser too (the in-cluster StatefulSet), twice, without making the superuser a member", () => {
    server().query("CREATE DATABASE letta_ss");
    const options = pgOptions({ app_role: "letta_ss", schema: "letta_ss", app_password: "StatefulSetPassw0rd" });
    for (let run = 1; run <= 2; run++) expectSuccess(runJob(superuser("letta_ss"), options));
    expect(server().query("SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = 'letta_ss'")).toBe("t|f|f|f");
    expect(server().query("SELECT count(*) FROM pg_auth_members WHERE roleid = 'letta_ss'::regrole")).toBe("0");
    expect(server().query("SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'letta_ss'", superuser("letta_ss"))).toBe("letta_ss");
    const session = { user: "letta_ss", password: "StatefulSetPassw0rd", database: "letta_ss" };
    expect(server().query("SHOW search_path", session)).toBe("letta_ss");
    server().query("CREATE TABLE probe (id int)", session);
    expect(server().query("SELECT schemaname FROM pg_tables WHERE tablename = 'probe'", session)).toBe("letta_ss");
  });

  describe("refuses bad parameters and admins with a clear message, and changes nothing", () => {
    const valid: Required<Settings> = { app_role: "rejected_app", schema: "rejected", app_password: "Passw0rdAlnum" };
    interface RejectCase {
      name: string;
      settings: Settings;
      message: RegExp;
      /** Who runs the Job, when not platform_admin (on database `rejects`). */
      as?: { user: string; setup: string };
    }
    const cases: RejectCase[] = [
      { name: "missing bootstrap.app_role", settings: { schema: valid.schema, app_password: valid.app_password }, message: /ERROR: {2}bootstrap: setting bootstrap\.app_role is missing or empty/ },
      { name: "missing bootstrap.schema", settings: { app_role: valid.app_role, app_password: valid.app_password }, message: /ERROR: {2}bootstrap: setting bootstrap\.schema is missing or empty/ },
      { name: "missing bootstrap.app_password", settings: { app_role: valid.app_role, schema: valid.schema }, message: /ERROR: {2}bootstrap: setting bootstrap\.app_password is missing or empty/ },
      { name: "empty bootstrap.app_password", settings: { ...valid, app_password: "" }, message: /ERROR: {2}bootstrap: setting bootstrap\.app_password is missing or empty/ },
      {
        name: "an injection attempt as the role name",
        settings: { ...valid, app_role: "Robert'); DROP TABLE x;--" },
        message: /ERROR: {2}bootstrap: bootstrap\.app_role 'Robert''\); DROP TABLE x;--' is not a plain lower-case identifier \(must match \^\[a-z_\]\[a-z0-9_\]\{0,62\}\$\)/,
      },
      { name: "an upper-case role name", settings: { ...valid, app_role: "Letta" }, message: /bootstrap\.app_role 'Letta' is not a plain lower-case identifier/ },
      { name: "a role name of 64 characters", settings: { ...valid, app_role: "a".repeat(64) }, message: /bootstrap\.app_role 'a{64}' is not a plain lower-case identifier/ },
      { name: "a schema name with a hyphen", settings: { ...valid, schema: "letta-app" }, message: /bootstrap\.schema 'letta-app' is not a plain lower-case identifier/ },
      { name: "a reserved pg_ role name", settings: { ...valid, app_role: "pg_letta" }, message: /bootstrap\.app_role 'pg_letta' is reserved/ },
      { name: "schema public", settings: { ...valid, schema: "public" }, message: /bootstrap\.schema 'public' is not allowed: the application needs a schema of its own/ },
      { name: "the admin itself as the app role", settings: { ...valid, app_role: ADMIN }, message: /bootstrap\.app_role 'platform_admin' is the admin user running this script/ },
      {
        name: "a superuser as the app role (never demoted)",
        settings: { ...valid, app_role: "postgres" },
        message: /role postgres already exists with SUPERUSER, REPLICATION or BYPASSRLS; refusing to use it as the application role/,
      },
      {
        name: "an admin without CREATEROLE",
        settings: valid,
        message: /bootstrap: weak_admin is neither a superuser nor has CREATEROLE/,
        as: { user: "weak_admin", setup: "CREATE ROLE weak_admin LOGIN PASSWORD 'WeakPassw0rd'" },
      },
      {
        name: "an admin that does not own the database",
        settings: valid,
        message: /bootstrap: other_admin cannot alter database rejects: must be owner of database rejects/,
        as: { user: "other_admin", setup: "CREATE ROLE other_admin LOGIN CREATEROLE PASSWORD 'OtherPassw0rd'" },
      },
    ];

    /** Everything bootstrap.sql could change: roles (with password hashes), memberships, database settings and
     * ACLs (cluster-wide), schemas and the table x (in database rejects). */
    const snapshot = (): string =>
      [
        server().query(
          "SELECT string_agg(format('%s:%s%s%s%s:%s', rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, md5(coalesce(rolpassword, ''))), ',' ORDER BY rolname) FROM pg_authid",
        ),
        server().query("SELECT string_agg(format('%s>%s', roleid::regrole, member::regrole), ',' ORDER BY 1) FROM pg_auth_members"),
        server().query("SELECT string_agg(format('%s/%s=%s', setdatabase, setrole, setconfig), ',' ORDER BY 1) FROM pg_db_role_setting"),
        server().query("SELECT string_agg(format('%s=%s', datname, datacl), ',' ORDER BY datname) FROM pg_database"),
        server().query("SELECT string_agg(format('%s:%s', nspname, nspowner::regrole), ',' ORDER BY nspname) FROM pg_namespace", superuser("rejects")),
        server().query("SELECT to_regclass('public.x') IS NOT NULL", superuser("rejects")),
      ].join("\n");

    it.each(cases)("$name", ({ settings, message, as }) => {
      let connection = admin("rejects");
      if (as !== undefined) {
        server().query(as.setup);
        connection = { user: as.user, password: /PASSWORD '([^']+)'/.exec(as.setup)?.[1] ?? "", database: "rejects" };
      }
      const before = snapshot();
      expect(before).toContain("\nt"); // table x is there to be (not) dropped
      // The Job's exact file list: bootstrap.sql fails, so psql stops before extensions.sql.
      const result = runJob(connection, pgOptions(settings), [BOOTSTRAP_SQL, EXTENSIONS_SQL]);
      expect(result.status, `${result.stderr}${result.stdout}`).toBe(3); // psql: error in a script with ON_ERROR_STOP
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain("extensions.sql");
      expect(snapshot()).toBe(before);
    });

    it("does not print the password when setting it fails (the error is re-raised without the statement)", () => {
      // passwordcheck (contrib, loaded for this session by the superuser) rejects passwords under 8 characters: the
      // ALTER ROLE ... PASSWORD inside bootstrap.sql fails, after the role was created in the same transaction.
      const password = "Xq7Zr2";
      const before = snapshot();
      const result = runJob(
        superuser("rejects"),
        pgOptions({ ...valid, app_password: password }, ["-c session_preload_libraries=passwordcheck"]),
      );
      expect(result.status).toBe(3);
      expect(result.stderr).toMatch(/ERROR: {2}bootstrap: could not set the password of role rejected_app: password is too short/);
      expect(result.stderr).not.toContain(password);
      expect(snapshot()).toBe(before);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// PGlite: PostgreSQL 17 with pgvector
// ---------------------------------------------------------------------------------------------------------------

const BOOTSTRAP_TEXT = readFileSync(BOOTSTRAP_SQL, "utf8");
const EXTENSIONS_TEXT = readFileSync(EXTENSIONS_SQL, "utf8");

// PGlite quirk (not PostgreSQL's: the same GRANT passes on the real server above): GRANT ... ON DATABASE on PGlite's
// freshly initialised template1 fails with "tuple concurrently deleted" until the database's pg_database row has been
// updated once. Setting the connection limit to its current value (-1) rewrites the row and changes nothing else.
const PGLITE_DATABASE_ROW_WORKAROUND = "ALTER DATABASE template1 CONNECTION LIMIT -1";

async function withSettings(db: PGlite, settings: Required<Settings>): Promise<void> {
  for (const [name, value] of Object.entries(settings)) {
    await db.query("SELECT set_config($1, $2, false)", [`bootstrap.${name}`, value]);
  }
}

async function scalar(db: PGlite, sql: string): Promise<unknown> {
  const result = await db.query<Record<string, unknown>>(sql);
  const row = result.rows[0];
  if (row === undefined) throw new Error(`no row: ${sql}`);
  return Object.values(row)[0];
}

describe("bootstrap.sql and extensions.sql on PGlite (PostgreSQL 17 with pgvector 0.8.0)", () => {
  let db: PGlite | undefined;
  const notices: string[] = [];
  const onNotice = (notice: NoticeMessage): void => {
    notices.push(notice.message ?? "");
  };
  const pglite = (): PGlite => {
    if (db === undefined) throw new Error("PGlite did not start");
    return db;
  };

  beforeAll(async () => {
    // PGlite's one session is the superuser `postgres` (the StatefulSet's case, not RDS's), in database template1.
    db = await PGlite.create({ extensions: { vector } });
    expect(await scalar(db, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).toBe(true);
    await db.exec(PGLITE_DATABASE_ROW_WORKAROUND);
  });

  afterAll(async () => {
    await db?.close();
  });

  it("runs both files twice in a row without error", async () => {
    await withSettings(pglite(), { app_role: "letta", schema: "letta", app_password: "PgliteTestPassw0rd" });
    for (let run = 1; run <= 2; run++) {
      await pglite().exec(BOOTSTRAP_TEXT, { onNotice });
      await pglite().exec(EXTENSIONS_TEXT, { onNotice });
    }
    expect(notices.filter((n) => n.startsWith("bootstrap: role letta and schema letta ready"))).toHaveLength(2);
    // Installed once; the second run found it in place and said nothing.
    expect(notices.filter((n) => n.startsWith("extensions:"))).toEqual(["extensions: installed vector in schema letta"]);
  });

  it("installs vector 0.8.0 in schema letta", async () => {
    const { rows } = await pglite().query<{ schema: string; version: string }>(
      "SELECT n.nspname AS schema, e.extversion AS version FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'",
    );
    expect(rows).toEqual([{ schema: "letta", version: "0.8.0" }]);
  });

  it("creates the role, the schema it owns and the database's search_path", async () => {
    expect(
      (await pglite().query("SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = 'letta'")).rows,
    ).toEqual([{ rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolbypassrls: false }]);
    expect(await scalar(pglite(), "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'letta'")).toBe("letta");
    expect(await scalar(pglite(), "SELECT setconfig::text FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) AND setrole = 0"))
      .toBe("{search_path=letta}");
    // The session is the superuser: no membership was granted.
    expect(await scalar(pglite(), "SELECT count(*)::int FROM pg_auth_members WHERE roleid = 'letta'::regrole")).toBe(0);
  });

  it("lets letta store vectors in its schema and run a nearest-neighbour query", async () => {
    const session = pglite();
    // PGlite has one session, so it cannot open the new session that would pick up the database's search_path:
    // apply the same value, and act as the app role.
    await session.exec("SET ROLE letta; SET search_path TO letta");
    try {
      await session.exec("CREATE TABLE letta.t (id int PRIMARY KEY, e vector(3))");
      await session.exec("INSERT INTO t VALUES (1, '[10,10,10]'), (2, '[1,2,4]'), (3, '[0,0,0]')");
      await session.exec("CREATE INDEX ON t USING hnsw (e vector_l2_ops)");
      const { rows } = await session.query<{ id: number }>("SELECT id FROM t ORDER BY e <-> '[1,2,3]' LIMIT 2");
      expect(rows.map((r) => r.id)).toEqual([2, 3]);
      expect(await scalar(session, "SELECT tableowner FROM pg_tables WHERE tablename = 't'")).toBe("letta");
      expect(await scalar(session, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'letta.t'::regclass AND attname = 'e'"))
        .toBe("vector(3)");
    } finally {
      await session.exec("RESET ROLE; RESET search_path");
    }
  });
});

describe("PGlite (PostgreSQL 17): a non-superuser CREATEROLE admin, and vector already in another schema", () => {
  let db: PGlite | undefined;
  const pglite = (): PGlite => {
    if (db === undefined) throw new Error("PGlite did not start");
    return db;
  };

  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
    // The admin simulating RDS's master user: CREATEROLE, owns the database. vector is already in public.
    await db.exec(PGLITE_DATABASE_ROW_WORKAROUND);
    await db.exec(
      "CREATE EXTENSION vector; CREATE ROLE platform_admin CREATEROLE NOSUPERUSER; ALTER DATABASE template1 OWNER TO platform_admin",
    );
  });

  afterAll(async () => {
    await db?.close();
  });

  it("bootstraps twice as platform_admin (SET ROLE), obtaining SET on the app role once", async () => {
    const session = pglite();
    await withSettings(session, { app_role: "letta", schema: "letta", app_password: "PgliteTestPassw0rd" });
    await session.exec("SET ROLE platform_admin");
    try {
      expect(await scalar(session, "SELECT current_user")).toBe("platform_admin");
      await session.exec(BOOTSTRAP_TEXT);
      await session.exec(BOOTSTRAP_TEXT);
    } finally {
      await session.exec("RESET ROLE");
    }
    // PostgreSQL 16+: the creator's implicit grant (ADMIN, no SET, no INHERIT), plus the one bootstrap.sql adds so
    // that the admin may SET ROLE letta (CREATE SCHEMA ... AUTHORIZATION letta needs it). Not repeated on re-run.
    const { rows } = await session.query(
      "SELECT grantor::regrole::text AS grantor, admin_option, inherit_option, set_option FROM pg_auth_members " +
        "WHERE roleid = 'letta'::regrole AND member = 'platform_admin'::regrole ORDER BY grantor::regrole::text",
    );
    expect(rows).toEqual([
      { grantor: "platform_admin", admin_option: false, inherit_option: true, set_option: true },
      { grantor: "postgres", admin_option: true, inherit_option: false, set_option: false },
    ]);
    expect(await scalar(session, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'letta'")).toBe("letta");
    expect(await scalar(session, "SELECT has_schema_privilege('platform_admin', 'letta', 'CREATE')")).toBe(true);
  });

  it("documents PostgreSQL 16+: a non-superuser admin without CREATEDB cannot take CREATEDB away from the app role", async () => {
    const session = pglite();
    await session.exec("ALTER ROLE letta CREATEDB; SET ROLE platform_admin");
    try {
      await expect(session.exec(BOOTSTRAP_TEXT)).rejects.toMatchObject({
        message: "permission denied to alter role",
        detail: "Only roles with the CREATEDB attribute may change the CREATEDB attribute.",
      });
    } finally {
      await session.exec("RESET ROLE; ALTER ROLE letta NOCREATEDB");
    }
  });

  it("leaves vector in public and says so with a NOTICE (extensions.sql, as the superuser: vector is not trusted)", async () => {
    const notices: NoticeMessage[] = [];
    await pglite().exec(EXTENSIONS_TEXT, { onNotice: (n) => notices.push(n) });
    await pglite().exec(EXTENSIONS_TEXT, { onNotice: (n) => notices.push(n) });
    expect(notices.map((n) => n.message)).toEqual([
      "extensions: vector is already installed in schema public, not in letta; leaving it there",
      "extensions: vector is already installed in schema public, not in letta; leaving it there",
    ]);
    expect(notices[0]?.hint).toBe("To move it (it is relocatable): ALTER EXTENSION vector SET SCHEMA letta;");
    expect(await scalar(pglite(), "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'vector'")).toBe("public");
  });

  it("extensions.sql refuses a missing schema setting and a schema that does not exist", async () => {
    const session = pglite();
    await session.query("SELECT set_config('bootstrap.schema', '', false)");
    await expect(session.exec(EXTENSIONS_TEXT)).rejects.toThrow("extensions: setting bootstrap.schema is missing or empty");
    await session.query("SELECT set_config('bootstrap.schema', 'nowhere', false)");
    await expect(session.exec(EXTENSIONS_TEXT)).rejects.toMatchObject({
      message: "extensions: schema nowhere does not exist in database template1",
      hint: "Run bootstrap.sql first, with the same settings.",
    });
    await session.query("SELECT set_config('bootstrap.schema', 'letta', false)");
  });
});
