// npm run bench:policy: the README's offline policy command, `npm run policy -- --file STATE --config
// policy/config/prod.json`, timed as a whole process on generated `pulumi stack export` files of 10,000 and 20,000
// resources (goal: <= 2 s for 10,000 on this machine, the command's start included, and linear growth). A benchmark:
// it prints figures and asserts nothing. The files are copies of the prod plan's resources under new URNs, so every
// rule, the bucket and PDB joins included, has real work; links (parent, dependencies, propertyDependencies) are
// renamed with them. It runs the command, not the runner's functions, so it measures what a user waits for. Beside
// each figure, interleaved in the same run: the same command with a pack of the same policies whose checks do nothing
// (./server-floor-pack.ts), the @pulumi/policy server's own cost that no rule can remove.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { planStack } from "../plan/plan-stack";
import { writeServerFloorPack } from "./server-floor-pack";
import { toDeployment, type DeploymentV3, type StateResource } from "../plan/state-export";

const runs = Number(process.env.BENCH_RUNS ?? 5);

function scaled(base: DeploymentV3, target: number): DeploymentV3 {
  const resources: StateResource[] = [];
  const copies = Math.ceil(target / base.deployment.resources.length);
  for (let copy = 0; copy < copies && resources.length < target; copy++) {
    const rename = (urn: string): string => urn.replace(/::([^:]+)$/, `::$1-c${copy}`);
    for (const r of base.deployment.resources) {
      if (resources.length >= target) break;
      resources.push({
        ...r,
        urn: rename(r.urn),
        ...(r.parent ? { parent: rename(r.parent) } : {}),
        ...(r.dependencies ? { dependencies: r.dependencies.map(rename) } : {}),
        ...(r.propertyDependencies ? { propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map(rename)])) } : {}),
      });
    }
  }
  return { ...base, deployment: { ...base.deployment, resources } };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const root = path.resolve(__dirname, "..", "..");

const floorPack = writeServerFloorPack(path.join(root, "dist", "bench", "server-floor-pack"));

/**
 * `npm run policy -- --file FILE --config policy/config/prod.json` (or, for the floor, `--policy-pack FLOOR`), whole
 * process; exit 1 (mandatory findings) is a result.
 */
function runPolicy(file: string, floor = false): { ms: number; summary: string } {
  const started = process.hrtime.bigint();
  const pack = floor ? ["--policy-pack", floorPack] : ["--config", "policy/config/prod.json"];
  const result = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "--silent", "policy", "--", "--file", file, ...pack], { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`npm run policy exited ${result.status}: ${result.stderr.slice(-2000)}`);
  return { ms, summary: result.stdout.trimEnd().split("\n").pop() ?? "" };
}

async function main(): Promise<void> {
  Error.stackTraceLimit = 2;
  const { captured } = await planStack({ stack: "prod" });
  const base = toDeployment(captured, "bench");
  const dir = mkdtempSync(path.join(tmpdir(), "bench-policy-"));
  console.log(`bench:policy: base: the prod plan, ${base.deployment.resources.length} resources; median of ${runs} runs of the whole command, ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const results: { n: number; ms: number }[] = [];
  try {
    const small = path.join(dir, "state-base.json");
    writeFileSync(small, JSON.stringify(base));
    runPolicy(small); // build the bundle, fill the file cache
    const startup = median(Array.from({ length: runs }, () => runPolicy(small).ms));
    console.log(`  ${base.deployment.resources.length} resources (the prod plan): ${startup.toFixed(0)} ms, the command's fixed cost`);
    for (const n of [10_000, 20_000]) {
      const file = path.join(dir, `state-${n}.json`);
      writeFileSync(file, JSON.stringify(scaled(base, n)));
      const mb = (readFileSync(file).length / 1024 / 1024).toFixed(1);
      const samples: { ms: number; summary: string }[] = [];
      const floors: number[] = [];
      for (let i = 0; i < runs; i++) {
        samples.push(runPolicy(file));
        floors.push(runPolicy(file, true).ms);
      }
      const ms = median(samples.map((s) => s.ms));
      const floorMs = median(floors);
      results.push({ n, ms });
      console.log(`  ${n} resources (${mb} MiB): ${ms.toFixed(0)} ms (runs: ${samples.map((s) => s.ms.toFixed(0)).join(", ")}); ${samples[0]?.summary ?? ""}`);
      console.log(`    server floor, the same policies with checks that do nothing: ${floorMs.toFixed(0)} ms (runs: ${floors.map((f) => f.toFixed(0)).join(", ")}); our rules add ${(ms - floorMs).toFixed(0)} ms`);
    }
    const [a, b] = results;
    if (a && b) console.log(`  growth 20,000 / 10,000: ${(b.ms / a.ms).toFixed(2)}x (linear: 2.00x, less with the fixed cost); goal for 10,000: <= 2000 ms: ${a.ms <= 2000 ? "met" : "MISSED"}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
