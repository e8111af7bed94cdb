/**
 * `npm run policy -- --policy-pack DIR` gives the CrossGuard server's own verdicts: for Pulumi's public AWS pack
 * (@pulumi/awsguard 0.3.1, a dev dependency), for a probe pack of our own (an async policy, isType/asType, a stack
 * policy over parents and dependencies, a remediation) and for this project's pack, on the prod plan and on a copy
 * with planted faults. The reference is each pack's real gRPC server in its own process, fed real protobuf
 * (./support/grpc-oracle.ts).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readStateFile } from "../../tools/policy/state";
import { readPackConfigFile } from "../../tools/policy/pack-config-file";
import type { AnalyzedResource } from "../../tools/policy/model";
import { toDeployment } from "../../tools/plan/state-export";
import { runStack } from "../support/harness";
import { plant } from "./support/faults";
import { oracle, type OracleFinding } from "./support/grpc-oracle";

const PACKS = join(__dirname, "packs");
const PROBE = join(PACKS, "probe");
const AWSGUARD = join(PACKS, "awsguard");
const OURS = join(__dirname, "..", "..", "policy");

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "../../tools/policy/cli.ts"), ...args], { encoding: "utf8", timeout: 180_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

type Json = { findings: (OracleFinding & { pack: string; kind: string })[]; packs: { name: string; dir: string }[] };
const key = (f: OracleFinding) => `${f.policy} | ${f.urn} | ${f.level} | ${f.message}`;

let prodFile = "";
let faultyFile = "";
let faulty: AnalyzedResource[] = [];
let prod: AnalyzedResource[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "policy-server-"));
  const deployment = toDeployment((await runStack("prod")).captured, "test");
  prodFile = join(dir, "prod.json");
  faultyFile = join(dir, "faulty.json");
  writeFileSync(prodFile, JSON.stringify(deployment));
  writeFileSync(faultyFile, JSON.stringify(plant(deployment)));
  prod = readStateFile(prodFile);
  faulty = readStateFile(faultyFile);
}, 180_000);

describe.each([
  ["the prod plan", () => prodFile, () => prod],
  ["the prod plan with planted faults", () => faultyFile, () => faulty],
] as const)("on %s", (_what, file, resources) => {
  it("--policy-pack probe --policy-pack awsguard: each pack's findings are exactly what its gRPC server returns", async () => {
    const run = cli("--file", file(), "--policy-pack", PROBE, "--policy-pack", AWSGUARD, "--json");
    expect(run.stderr).not.toMatch(/Error/);
    const out = JSON.parse(run.stdout) as Json;
    expect(out.packs.map((p) => p.name)).toEqual(["probe", "pulumi-awsguard"]);
    for (const [dir, pack] of [[PROBE, "probe"], [AWSGUARD, "pulumi-awsguard"]] as const) {
      const expected = (await oracle(dir, resources())).findings.map(key).sort();
      const got = out.findings.filter((f) => f.pack === pack && f.kind !== "remediation").map(key).sort();
      expect(got, pack).toEqual(expected);
    }
    expect(run.status).toBe(out.findings.some((f) => f.level === "mandatory" && f.kind === "violation") ? 1 : 0);
  }, 300_000);

  it("without --policy-pack, this project's pack runs, with what its server returns", async () => {
    const config = join(OURS, "config", "prod.json");
    const run = cli("--file", file(), "--policy-pack-config", config, "--json");
    const out = JSON.parse(run.stdout) as Json;
    const expected = (await oracle(OURS, resources(), readPackConfigFile(config))).findings.map(key).sort();
    expect(out.findings.map(key).sort()).toEqual(expected);
  }, 300_000);
});

describe("the probe pack shows what the old evaluator got wrong", () => {
  it("async policies run, isType/asType see the resource class, stack policies walk the graph, remediations are reported", () => {
    const run = cli("--file", faultyFile, "--policy-pack", PROBE, "--json");
    const out = JSON.parse(run.stdout) as Json & { totals: { mandatory: number } };
    const of = (policy: string, kind = "violation") => out.findings.filter((f) => f.policy === policy && f.kind === kind);
    expect(of("probe-async-bucket-tags").map((f) => f.message)).toContainEqual(expect.stringMatching(/bucket agents-backup-storage-\w+ has no tags$/));
    expect(of("probe-istype-rds-public").map((f) => f.message)).toEqual([expect.stringMatching(/is publicly accessible$/)]);
    expect(of("probe-stack-orphans").some((f) => /has no parent$/.test(f.message))).toBe(true);
    expect(of("probe-remediate-bucket-force-destroy", "remediation").map((f) => f.message)).toEqual(["would change forceDestroy (remediation reported, not applied)"]);
    expect(run.status).toBe(1);
  }, 180_000);

  it("awsguard judges the faulty copy: more violations than on the plan it was planted in", () => {
    const count = (f: string) => (JSON.parse(cli("--file", f, "--policy-pack", AWSGUARD, "--json").stdout) as Json).findings.length;
    expect(count(faultyFile)).toBeGreaterThan(count(prodFile));
  }, 300_000);
});
