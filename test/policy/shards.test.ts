/**
 * A pack spread over several hosts (tools/policy/shards.ts) gives exactly what one host gives: the same findings in
 * the same order, the same evaluated and not-applicable counts per policy, for this project's pack with its prod
 * config and for foreign packs (the probe pack, @pulumi/awsguard), on the prod plan and on a copy with planted
 * faults. One host is the CLI's own call sequence, which test/policy/server.test.ts compares with the real gRPC
 * servers.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ownPackDir, PolicySession } from "../../tools/policy/analyze";
import { readPackConfigFile } from "../../tools/policy/pack-config-file";
import { readStateFile } from "../../tools/policy/state";
import { SHARD_MIN_RESOURCES, shardCount } from "../../tools/policy/shards";
import { toDeployment } from "../../tools/plan/state-export";
import { runStack } from "../support/harness";
import { plant } from "./support/faults";

const PACKS = join(__dirname, "packs");
const CONFIG = join(ownPackDir(), "config", "prod.json");

function cli(shards: number, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "../../tools/policy/cli.ts"), ...args], {
    encoding: "utf8",
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, POLICY_SHARDS: String(shards) },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const files: Record<string, string> = {};

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "policy-shards-"));
  const deployment = toDeployment((await runStack("prod")).captured, "test");
  files["prod"] = join(dir, "prod.json");
  files["faulty"] = join(dir, "faulty.json");
  writeFileSync(files["prod"], JSON.stringify(deployment));
  writeFileSync(files["faulty"], JSON.stringify(plant(deployment)));
}, 180_000);

describe.each(["prod", "faulty"])("on the %s plan", (which) => {
  // The prod plan passes its prod config without a finding, so it runs on the pack's defaults (no reviewed
  // exceptions); the faulty copy runs with the prod config, whose settings every shard's Configure must carry.
  it("our pack in this thread plus two workers: the findings of one host, in its order", () => {
    const config = which === "prod" ? [] : ["--policy-pack-config", CONFIG];
    const one = cli(1, "--file", files[which]!, ...config, "--json");
    const three = cli(3, "--file", files[which]!, ...config, "--json");
    expect(three.stderr).toBe(one.stderr);
    expect(three.status).toBe(one.status);
    const findings = (JSON.parse(one.stdout) as { findings: unknown[] }).findings;
    expect(findings.length).toBeGreaterThan(0);
    expect(JSON.parse(three.stdout)).toEqual(JSON.parse(one.stdout));
  }, 300_000);

  it("two foreign packs, two workers each: the findings of one host each, in its order", () => {
    const args = ["--file", files[which]!, "--policy-pack", join(PACKS, "probe"), "--policy-pack", join(PACKS, "awsguard"), "--json"];
    const one = cli(1, ...args);
    const two = cli(2, ...args);
    expect(two.status).toBe(one.status);
    expect((JSON.parse(one.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
    expect(JSON.parse(two.stdout)).toEqual(JSON.parse(one.stdout));
  }, 300_000);
});

describe("counts per policy", () => {
  it("evaluated and not-applicable reasons add up to one host's", async () => {
    const resources = readStateFile(files["faulty"]!);
    const config = [{ doc: readPackConfigFile(CONFIG), source: CONFIG }];
    const runWith = async (shards: number) => {
      const session = PolicySession.open([ownPackDir()], { shards });
      try {
        return (await session.run(resources, config)).evaluation;
      } finally {
        await session.close();
      }
    };
    const [one, three] = [await runWith(1), await runWith(3)];
    expect(Object.fromEntries(three.evaluated)).toEqual(Object.fromEntries(one.evaluated));
    const sorted = (m: Map<string, string[]>) => Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]));
    expect(sorted(three.notApplicable)).toEqual(sorted(one.notApplicable));
    expect(three.findings).toEqual(one.findings);
  }, 300_000);
});

describe("shardCount", () => {
  it("one host below the resource or the core threshold, one per core (at most 4) above both, POLICY_SHARDS when set", () => {
    expect(shardCount(SHARD_MIN_RESOURCES - 1, {}, 8)).toBe(1);
    expect(shardCount(SHARD_MIN_RESOURCES, {}, 2)).toBe(1);
    expect(shardCount(SHARD_MIN_RESOURCES, {}, 4)).toBe(4);
    expect(shardCount(SHARD_MIN_RESOURCES, {}, 16)).toBe(4);
    expect(shardCount(10, { POLICY_SHARDS: "3" }, 2)).toBe(3);
    expect(shardCount(10_000, { POLICY_SHARDS: "1" }, 8)).toBe(1);
    expect(shardCount(10, { POLICY_SHARDS: "zero" }, 8)).toBe(1);
  });
});
