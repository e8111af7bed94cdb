// The migrations Job's command, as the plan renders it, run by a real bash with a stand-in `alembic` on PATH that
// prints what alembic 0.16.8's env.py prints (letta-ai/letta@0.16.8:alembic/env.py:24: print("Using database: ", uri),
// two arguments, so two spaces) and exits with a chosen status: the URI line never reaches the output, every other
// line does, in order, and the container exits with alembic's status, not the filter's.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStack, type ProgramRun } from "../support/harness";
import { envOf, type Workload } from "../support/k8s";
import { T } from "../support/workload";

const URI_LINE = "Using database:  postgresql+pg8000://letta:Zx81pQ0wLmN4vB7cR2tY@agents-postgres.agent-platform.svc.cluster.local:5432/letta";
let dev: ProgramRun;
let prod: ProgramRun;
let bin: string;

function migrateContainer(run: ProgramRun): NonNullable<Workload["spec"]["template"]["spec"]["containers"][0]> {
  const job = run.ofType(T.job).find((j) => String((run.inputs(j).metadata as { name: string }).name).startsWith("agents-db-migrate-"));
  if (!job) throw new Error("no migrations Job");
  const container = (run.inputs(job) as unknown as Workload).spec.template.spec.containers[0];
  if (!container) throw new Error("no migrations container");
  return container;
}

beforeAll(async () => {
  dev = await runStack("dev");
  prod = await runStack("prod");
  bin = mkdtempSync(path.join(tmpdir(), "fake-alembic-"));
  // Prints to stdout and stderr, the URI line among them, then exits with $FAKE_STATUS.
  writeFileSync(path.join(bin, "alembic"), [
    "#!/bin/sh",
    'echo "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl."',
    `echo '${URI_LINE}'`,
    'echo "INFO  [alembic.runtime.migration] Running upgrade  -> 9a505cc7eca9" >&2',
    'echo "args: $*"',
    'exit "$FAKE_STATUS"',
    "",
  ].join("\n"));
  chmodSync(path.join(bin, "alembic"), 0o755);
}, 120_000);

afterAll(() => {
  rmSync(bin, { recursive: true, force: true });
});

function runMigrations(command: string[], status: number): { status: number | null; stdout: string; stderr: string } {
  const [program, ...args] = command;
  const result = spawnSync(program ?? "", args, { encoding: "utf8", env: { PATH: `${bin}:/usr/bin:/bin`, FAKE_STATUS: String(status) } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the migrations Job's log filter", () => {
  it.each([0, 1, 3])("drops the URI line, keeps every other line in order, and exits with alembic's status (%i)", (status) => {
    const result = runMigrations(migrateContainer(dev).command ?? [], status);
    expect(result.status).toBe(status);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.",
      "INFO  [alembic.runtime.migration] Running upgrade  -> 9a505cc7eca9",
      "args: upgrade head",
    ]);
    expect(result.stdout + result.stderr).not.toContain("postgresql+pg8000://");
  });

  it("is the same command in dev and prod, and alembic still runs `upgrade head` from /app", () => {
    expect(migrateContainer(prod).command).toEqual(migrateContainer(dev).command);
    expect(migrateContainer(prod).workingDir).toBe("/app");
  });

  it.each(["dev", "prod"])("%s: the Job gets LETTA_ENCRYPTION_KEY from the server's credentials Secret", (stack) => {
    const env = envOf(migrateContainer(stack === "dev" ? dev : prod));
    expect(env.get("LETTA_ENCRYPTION_KEY")?.valueFrom?.secretKeyRef).toEqual({ name: "agents-server-credentials", key: "LETTA_ENCRYPTION_KEY" });
    expect(env.get("LETTA_ENCRYPTION_KEY")?.value).toBeUndefined();
  });
});
