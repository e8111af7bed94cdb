// npm run bench:policy: time of the offline policy runner on generated `pulumi stack export` files of 10,000 and
// 20,000 resources (goal: <= 2 s for 10,000 on this machine, and linear growth). A benchmark: it prints figures and
// asserts nothing. The files are copies of the prod plan's resources under new URNs, so every rule, the bucket and
// PDB joins included, has real work; links (parent, dependencies, propertyDependencies) are renamed with them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { rules } from "../../policy/rules";
import { analyze } from "../policy/analyze";
import { readStateFile } from "../policy/state";
import { planStack } from "../plan/plan-stack";
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

async function main(): Promise<void> {
  Error.stackTraceLimit = 2;
  const { captured } = await planStack({ stack: "prod" });
  const base = toDeployment(captured, "bench");
  const dir = mkdtempSync(path.join(tmpdir(), "bench-policy-"));
  console.log(`bench:policy: ${rules.length} rules; base: the prod plan, ${base.deployment.resources.length} resources; median of ${runs} runs`);
  const results: { n: number; ms: number }[] = [];
  try {
    for (const n of [10_000, 20_000]) {
      const file = path.join(dir, `state-${n}.json`);
      writeFileSync(file, JSON.stringify(scaled(base, n)));
      const mb = (readFileSync(file).length / 1024 / 1024).toFixed(1);
      const times: number[] = [];
      let violations = 0;
      for (let i = 0; i < runs; i++) {
        const started = process.hrtime.bigint();
        const analysis = await analyze(readStateFile(file));
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        violations = analysis.evaluation.findings.length;
      }
      const ms = median(times);
      results.push({ n, ms });
      console.log(`  ${n} resources (${mb} MiB): read + analyze ${ms.toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(", ")}), ${violations} findings`);
    }
    const [a, b] = results;
    if (a && b) console.log(`  growth 20,000 / 10,000: ${(b.ms / a.ms).toFixed(2)}x (linear: 2.00x); goal for 10,000: <= 2000 ms`);
    console.log(`  heap used at the end: ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
