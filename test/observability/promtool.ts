// Runs the real promtool (Debian package `prometheus`) on files in a temporary directory. A missing promtool is a
// failure with instructions, never a skip: the alert rules are only tested when promtool runs them.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export const PROMTOOL = process.env.PROMTOOL ?? "promtool";

export interface PromtoolResult {
  status: number | null;
  output: string;
}

let version: string | undefined;

/** promtool's version line; throws, saying what CI must install, when promtool cannot run. */
export function requirePromtool(command = PROMTOOL): string {
  if (command === PROMTOOL && version !== undefined) return version;
  const r = spawnSync(command, ["--version"], { encoding: "utf8" });
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(
      `promtool could not run (${r.error?.message ?? `exit ${String(r.status)}: ${r.stderr}`}). ` +
      "The alert-rule tests need the real promtool: .ci/run must install the Debian package `prometheus` " +
      "(apt-get install -y --no-install-recommends prometheus, which provides /usr/bin/promtool), or set PROMTOOL to its path.",
    );
  }
  const line = `${r.stdout}${r.stderr}`.split("\n")[0] ?? "";
  if (command === PROMTOOL) version = line;
  return line;
}

const dirs: string[] = [];

/** A fresh temporary directory holding the given files; removed by cleanupPromtoolDirs(). */
export function writeFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "alert-rules-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

export function cleanupPromtoolDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs promtool with the arguments in dir (file arguments relative to it); resolves with its exit status and output. */
export async function promtool(dir: string, args: string[]): Promise<PromtoolResult> {
  requirePromtool();
  return new Promise((resolve, reject) => {
    execFile(PROMTOOL, args, { cwd: dir, encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (error === null) resolve({ status: 0, output });
      else if (typeof error.code === "number") resolve({ status: error.code, output });
      else reject(new Error(`promtool ${args.join(" ")} did not run to an exit status: ${error.message}\n${output}`));
    });
  });
}
