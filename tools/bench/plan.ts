// npm run bench:plan: the README's command as a whole process, side by side with the bare cost of importing the
// SDKs it uses (the floor), interleaved in one run so machine load hits both alike. A benchmark: it prints figures
// and asserts nothing. Goals (issue 14): warm `npm run plan -- --stack prod` <= 1.5x the floor; the first run after
// `npm ci` (the bundle rebuilt) <= 3x; the engine's program load (tools/bench/engine-load.ts) within 1.5x of the
// offline plan. BENCH_RUNS (default 5) runs per series, median reported.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import * as path from "node:path";
import { readStackFile } from "../plan/stack-file";

const root = path.resolve(__dirname, "..", "..");
const runs = Number(process.env.BENCH_RUNS ?? 5);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

// The SDK modules the prod plan loads, touched the way the program touches them (the AWS SDK loads lazily).
const floorScript = [
  "require('@pulumi/pulumi');",
  "const aws = require('@pulumi/aws'); const k8s = require('@pulumi/kubernetes'); require('@pulumi/random'); require('@pulumi/docker');",
  "void [aws.ec2, aws.eks, aws.iam, aws.kms, aws.cloudwatch, aws.secretsmanager, aws.rds, aws.elasticache, aws.s3, aws.ecr, aws.vpc];",
  "void [k8s.core.v1, k8s.storage.v1, k8s.apps.v1, k8s.batch.v1, k8s.networking.v1, k8s.policy.v1, k8s.autoscaling.v2, k8s.helm.v3];",
].join(" ");

interface Sample { wallMs: number; maxRssMiB: number | undefined }
interface Command { label: string; argv: string[]; env?: Record<string, string>; before?: () => void }

/** One whole process (with its children), timed from spawn to exit; peak RSS from GNU time when it is there. */
function measure(command: Command): Sample {
  command.before?.();
  const [program = "", ...args] = command.argv;
  const wrapped = gnuTime ? [gnuTime, "-f", "BENCH_MAXRSS_KB=%M", program, ...args] : command.argv;
  const started = process.hrtime.bigint();
  const result = spawnSync(wrapped[0] ?? "", wrapped.slice(1), { cwd: root, env: { ...process.env, ...command.env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${command.argv.join(" ")} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  const rss = /BENCH_MAXRSS_KB=(\d+)/.exec(result.stderr)?.[1];
  return { wallMs, maxRssMiB: rss ? Number(rss) / 1024 : undefined };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function summary(label: string, samples: Sample[]): number {
  const wall = median(samples.map((s) => s.wallMs));
  const rss = samples.every((s) => s.maxRssMiB !== undefined) ? median(samples.map((s) => s.maxRssMiB ?? 0)) : undefined;
  const spread = `${Math.min(...samples.map((s) => s.wallMs)).toFixed(0)}-${Math.max(...samples.map((s) => s.wallMs)).toFixed(0)}`;
  console.log(`  ${label.padEnd(46)} ${wall.toFixed(0).padStart(6)} ms (runs ${spread})${rss === undefined ? "" : `   peak RSS ${rss.toFixed(0)} MiB`}`);
  return wall;
}

function main(): void {
  const stack = readStackFile(path.join(root, "Pulumi.prod.yaml"), "agent-platform");
  const engineEnv = { PULUMI_CONFIG: JSON.stringify(stack.config), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(stack.secretKeys), PULUMI_NODEJS_STACK: "prod" };
  const floor: Command = { label: "SDK import floor (node -e require…)", argv: [process.execPath, "-e", floorScript] };
  const plan: Command = { label: "npm run plan -- --stack prod (warm)", argv: [npm, "run", "plan", "--", "--stack", "prod"] };
  const cold: Command = { ...plan, label: "npm run plan -- --stack prod (bundle rebuilt)", before: () => rmSync(path.join(root, "dist", "fast"), { recursive: true, force: true }) };
  const engine: Command = { label: "engine program load, emulated (prod)", argv: [process.execPath, "tools/fast/run.cjs", "tools/bench/engine-load.ts"], env: engineEnv };
  const direct: Command = { label: "offline plan without npm (node tools/fast/run.cjs)", argv: [process.execPath, "tools/fast/run.cjs", "tools/plan/cli.ts", "--stack", "prod"] };

  const series: Command[] = [floor, plan, direct, engine, cold];
  const samples = new Map<Command, Sample[]>(series.map((c) => [c, []]));
  for (const command of [floor, plan, engine]) measure(command); // fill the file cache, build the bundles
  for (let i = 0; i < runs; i++) for (const command of series) samples.get(command)?.push(measure(command));
  // Leave a fresh bundle behind for whoever runs the plan next.
  measure(plan);

  const sdk = (JSON.parse(readFileSync(path.join(root, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
  console.log(`bench:plan: median of ${runs} interleaved runs, node ${process.version}, @pulumi/pulumi ${sdk}, ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const [f, p, d, e, c] = series.map((command) => summary(command.label, samples.get(command) ?? []));
  const ratio = (a = Number.NaN, b = Number.NaN) => (a / b).toFixed(2);
  const verdict = (value: number, goal: number) => (value <= goal ? "met" : "MISSED");
  console.log(`  warm plan / floor:        ${ratio(p, f)}x (goal <= 1.5x: ${verdict((p ?? 0) / (f ?? 1), 1.5)})`);
  console.log(`  first run / floor:        ${ratio(c, f)}x (goal <= 3x: ${verdict((c ?? 0) / (f ?? 1), 3)})`);
  console.log(`  engine load / plan:       ${ratio(e, d)}x (goal <= 1.5x: ${verdict((e ?? 0) / (d ?? 1), 1.5)})`);
  console.log(`  npm's own share:          ${((p ?? 0) - (d ?? 0)).toFixed(0)} ms (npm run plan minus the same plan started with node)`);
}

main();
