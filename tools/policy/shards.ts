/**
 * One pack's analysis spread over several hosts of the same pack (the main thread and worker threads), so a large
 * stack uses every core. The server's work is per (policy, resource) pair: for a policy without a single attached
 * type it decodes the resource's properties and builds its arguments for every resource of the stack
 * (@pulumi/policy@1.21.0 server.js:222-282), and every stack policy decodes the whole stack again (server.js:322-386).
 * That cost is the server's own, so the runner divides it instead of avoiding it:
 * - Remediate and Analyze are per resource and independent: shard i runs them for its slice of the snapshot;
 * - AnalyzeStack runs in every shard that owns stack policies, over all resources, with the stack policies of the
 *   other shards disabled by that shard's Configure (a disabled policy is skipped, server.js:325-328).
 * Every policy thus runs once on every resource it would see in one CLI run, with the same config; the results are
 * merged into the order one host gives (resources in snapshot order, then stack policies in pack order).
 * test/policy/shards.test.ts compares a sharded run with a single host's on the prod plan and on a faulty one.
 */
import { availableParallelism } from "node:os";
import type { PackHost } from "./server/pack-client";
import type { AnalyzerInfo, PolicyConfig, SnapshotEvent, SnapshotResource, SnapshotResult } from "./server/types";

/** Below this many resources, a second host's start (loading the SDK and the pack, about 1 s) costs more than it saves. */
export const SHARD_MIN_RESOURCES = 2000;
/**
 * Fewer cores than this: one host. On 2 cores, two hosts gave 6.4-6.9 s against 6.9 s for one on 10,000 resources
 * (docs/performance.md, 2026-12-03), for 300 MiB more: the second host's start and the garbage collectors' threads
 * take the second core. Machines with 4 or more cores were not available to measure.
 */
export const SHARD_MIN_CORES = 4;
const MAX_SHARDS = 4;

/** How many hosts a pack gets: POLICY_SHARDS if set, else one per core (at most 4) for large stacks on 4+ cores. */
export function shardCount(resources: number, env: NodeJS.ProcessEnv = process.env, cores: number = availableParallelism()): number {
  const forced = Number(env["POLICY_SHARDS"]);
  if (Number.isInteger(forced) && forced >= 1) return Math.min(forced, 16);
  return resources < SHARD_MIN_RESOURCES || cores < SHARD_MIN_CORES ? 1 : Math.min(cores, MAX_SHARDS);
}

/** The shard's config: the pack's, with the stack policies other shards own disabled. */
function shardConfig(config: Record<string, PolicyConfig>, stackPolicies: readonly string[], owned: ReadonlySet<string>): Record<string, PolicyConfig> {
  const out: Record<string, PolicyConfig> = { ...config };
  for (const name of stackPolicies) if (!owned.has(name)) out[name] = { ...(config[name] ?? {}), enforcementLevel: "disabled" };
  return out;
}

function merge(parts: readonly SnapshotResult[], info: AnalyzerInfo): SnapshotResult {
  const order = new Map(info.policies.map((p, i) => [p.name, i]));
  const rank = (e: SnapshotEvent) => order.get(e.kind === "violation" ? e.diagnostic.policyName : e.policyName) ?? order.size;
  const resourceEvents = parts.flatMap((p) => p.events.slice(0, p.resourceEvents));
  // Array.prototype.sort is stable: within a policy, diagnostics keep the order the server gave.
  const stackEvents = parts.flatMap((p) => p.events.slice(p.resourceEvents)).sort((a, b) => rank(a) - rank(b));
  const evaluated: Record<string, number> = {};
  const notApplicable: Record<string, string[]> = {};
  for (const p of parts) {
    for (const [name, n] of Object.entries(p.evaluated)) evaluated[name] = (evaluated[name] ?? 0) + n;
    for (const [name, reasons] of Object.entries(p.notApplicable)) (notApplicable[name] ??= []).push(...reasons);
  }
  return { events: [...resourceEvents, ...stackEvents], resourceEvents: resourceEvents.length, evaluated, notApplicable };
}

/** Configure and analyse the snapshot on the pack's hosts (one host: exactly the CLI's single call sequence). */
export async function analyzeOnShards(hosts: readonly PackHost[], info: AnalyzerInfo, config: Record<string, PolicyConfig>, snapshot: SnapshotResource[]): Promise<SnapshotResult> {
  const [first] = hosts;
  if (!first) throw new Error("a pack needs at least one host");
  if (hosts.length === 1) {
    await first.configure(config);
    return first.analyzeSnapshot(snapshot);
  }
  const stackPolicies = info.policies.filter((p) => p.type === "stack").map((p) => p.name);
  const size = Math.ceil(snapshot.length / hosts.length);
  const owned = hosts.map((_, i) => new Set(stackPolicies.filter((_, j) => j % hosts.length === i)));
  await Promise.all(hosts.map((host, i) => host.configure(shardConfig(config, stackPolicies, owned[i]!))));
  // Workers get their requests first: a host in this thread keeps the thread busy until it is done, and would hold
  // back every worker message queued behind it.
  const pending = hosts
    .map((host, i) => ({ host, i }))
    .reverse()
    .map(({ host, i }) => host.analyzeSnapshot(snapshot, { from: Math.min(i * size, snapshot.length), to: Math.min((i + 1) * size, snapshot.length), stack: owned[i]!.size > 0 }));
  const parts = (await Promise.all(pending)).reverse();
  return merge(parts, info);
}
