// npm run bench:plan: wall time and peak memory of the prod offline plan, beside the bare cost of importing the
// SDKs it uses (the floor). Goal: plan ≤ 1.5 × floor. A benchmark: it prints figures and asserts nothing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "../../..");
const preload = path.join(root, "tools/bench/report-usage.cjs");
const runs = Number(process.env.BENCH_RUNS ?? 7);

// The SDK modules the prod plan loads, touched the way the program touches them (the AWS SDK loads lazily).
const floorScript = [
  "require('@pulumi/pulumi');",
  "const aws = require('@pulumi/aws'); const k8s = require('@pulumi/kubernetes'); require('@pulumi/random'); require('@pulumi/docker');",
  "void [aws.ec2, aws.eks, aws.iam, aws.kms, aws.cloudwatch, aws.secretsmanager, aws.rds, aws.elasticache, aws.s3, aws.ecr, aws.vpc];",
  "void [k8s.core.v1, k8s.storage.v1, k8s.apps.v1, k8s.batch.v1, k8s.networking.v1, k8s.policy.v1, k8s.autoscaling.v2, k8s.helm.v3];",
].join(" ");

interface Sample { wallMs: number; maxRssKiB: number }

function measure(args: string[]): Sample {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-"));
  const usageFile = path.join(dir, "usage.json");
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--require", preload, ...args.map((a) => a.replace("$OUT", dir))], {
    cwd: root, env: { ...process.env, BENCH_USAGE_FILE: usageFile }, encoding: "utf8",
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  const usage = JSON.parse(readFileSync(usageFile, "utf8")) as Sample;
  rmSync(dir, { recursive: true, force: true });
  return { wallMs, maxRssKiB: usage.maxRssKiB };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function series(label: string, args: string[]): { wallMs: number; maxRssMiB: number } {
  measure(args); // warm the file cache
  const samples = Array.from({ length: runs }, () => measure(args));
  const wallMs = median(samples.map((s) => s.wallMs));
  const maxRssMiB = median(samples.map((s) => s.maxRssKiB)) / 1024;
  console.log(`${label.padEnd(34)} wall ${wallMs.toFixed(0).padStart(5)} ms (min ${Math.min(...samples.map((s) => s.wallMs)).toFixed(0)})   peak RSS ${maxRssMiB.toFixed(0).padStart(4)} MiB`);
  return { wallMs, maxRssMiB };
}

console.log(`bench:plan — median of ${runs} runs, node ${process.version}, ${new Date().toISOString()}`);
const floor = series("SDK import floor", ["-e", floorScript]);
const prod = series("offline plan, prod (compiled)", ["dist/tools/plan/cli.js", "--stack", "prod", "--out", "$OUT"]);
const dev = series("offline plan, dev (compiled)", ["dist/tools/plan/cli.js", "--stack", "dev", "--out", "$OUT"]);
console.log(`prod plan / floor: time ${(prod.wallMs / floor.wallMs).toFixed(2)}×, memory ${(prod.maxRssMiB / floor.maxRssMiB).toFixed(2)}× (goal ≤ 1.5× time)`);
console.log(`dev plan / floor:  time ${(dev.wallMs / floor.wallMs).toFixed(2)}×, memory ${(dev.maxRssMiB / floor.maxRssMiB).toFixed(2)}×`);
