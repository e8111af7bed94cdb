/**
 * One entry for the CLI, the offline plan, the bench and tests: policy packs run over a stack's resources through
 * each pack's own @pulumi/policy server (./server), as `pulumi policy analyze --file` runs them
 * (pulumi/pulumi@v3.259.0:pkg/cmd/pulumi/policy/policy_analyze.go:84-220): every pack loaded, its config reconciled
 * and sent with Configure, then the snapshot analysed. Packs run side by side, each in its own worker thread.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fastBundle, samePolicySdk } from "./fast-bundles";
import { policyDir } from "./pack-config";
import { PackConfigError, reconcilePackConfig } from "./pack-config-file";
import type { AnalyzedResource, Evaluation, Finding, PackConfig } from "./model";
import { renderReport, totals, type Totals } from "./report";
import { InProcessPack } from "./server/in-process";
import { PackClient, type PackHost } from "./server/pack-client";
import { analyzeOnShards, shardCount } from "./shards";
import type { AnalyzerInfo, SnapshotResource, SnapshotResult } from "./server/types";
import { StateFileError } from "./state";

export interface PackSummary {
  name: string;
  version: string;
  dir: string;
  policies: number;
}

export interface Analysis {
  evaluation: Evaluation;
  totals: Totals;
  report: string;
  packs: PackSummary[];
}

/** A pack's config document (a parsed `--policy-pack-config` file) and where it came from, for messages. */
export interface PackConfigSource {
  doc: unknown;
  source: string;
}

/** This project's pack (policy/), which runs when no --policy-pack is given. */
export function ownPackDir(): string {
  return policyDir();
}

/**
 * This project's pack as compiled JavaScript, when there is one: from dist/ (./own-pack.ts compiled beside this file),
 * else tools/fast's fresh bundle of it, if that bundle gets the pack folder's @pulumi/policy. Undefined: the pack's own
 * main (policy/index.ts, through tsx).
 */
function compiledMain(dir: string): string | undefined {
  if (path.resolve(dir) !== path.resolve(ownPackDir())) return undefined;
  const compiled = path.join(__dirname, "own-pack.js");
  if (existsSync(compiled)) return compiled;
  const bundle = fastBundle("tools/policy/own-pack.ts");
  return bundle && samePolicySdk(path.dirname(bundle), dir) ? bundle : undefined;
}

/** The snapshot the CLI analyses: resources pending deletion left out (analyze_snapshot.go:204-206, 259-261); URNs unique. */
export function toSnapshot(resources: readonly AnalyzedResource[]): SnapshotResource[] {
  const seen = new Map<string, number>();
  const out: SnapshotResource[] = [];
  resources.forEach((r, i) => {
    if (r.delete) return;
    const first = seen.get(r.urn);
    if (first !== undefined) throw new StateFileError(`resources[${first}] and resources[${i}] have the same URN ${r.urn}; a stack holds each URN once`);
    seen.set(r.urn, i);
    out.push({
      urn: r.urn,
      type: r.type,
      name: r.name,
      inputs: r.inputs,
      outputs: r.outputs ?? r.inputs,
      ...(r.parent ? { parent: r.parent } : {}),
      dependencies: r.dependencies ?? [],
      propertyDependencies: r.propertyDependencies ?? {},
      protect: r.protect ?? false,
      ignoreChanges: r.ignoreChanges ?? [],
      additionalSecretOutputs: r.additionalSecretOutputs ?? [],
      aliases: r.aliases ?? [],
      ...(r.customTimeouts ? { customTimeouts: r.customTimeouts } : {}),
      ...(r.provider ? { provider: r.provider } : {}),
    });
  });
  return out;
}

const UNDECIDED = /^can't run (policy|remediation) '/;

function findingsOf(result: SnapshotResult, info: AnalyzerInfo, names: ReadonlyMap<string, string>): Finding[] {
  const descriptions = new Map(info.policies.map((p) => [p.name, p.description]));
  return result.events.map((e): Finding => {
    const name = names.get(e.urn);
    const subject = e.urn ? { urn: e.urn, ...(name ? { name } : {}) } : {};
    if (e.kind === "remediation") {
      return {
        pack: e.policyPackName,
        policy: e.policyName,
        severity: info.policies.find((p) => p.name === e.policyName)?.severity,
        enforcementLevel: "advisory",
        message: `would change ${e.changed.length > 0 ? e.changed.join(", ") : "no property"} (remediation reported, not applied)`,
        description: e.description,
        kind: "remediation",
        ...subject,
      };
    }
    const d = e.diagnostic;
    return {
      pack: d.policyPackName,
      policy: d.policyName,
      severity: d.severity ?? info.policies.find((p) => p.name === d.policyName)?.severity,
      enforcementLevel: d.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
      message: d.message,
      description: d.description || descriptions.get(d.policyName) || "",
      kind: UNDECIDED.test(d.message) ? "undecided" : "violation",
      ...subject,
    };
  });
}

export interface SessionOptions {
  /** Host a single pack in this thread (the plan's gate, the CLI), else every host is a worker. */
  inProcess?: boolean;
  /** Hosts per pack (./shards.ts); default 1. */
  shards?: number;
}

/** Packs kept open across runs (tests run many small stacks through the same servers). */
export class PolicySession {
  /** hosts[i]: the hosts of the i-th pack; hosts[i][0] answers for the pack (info), all of them analyse. */
  private constructor(private readonly hosts: PackHost[][]) {}

  static open(dirs: readonly string[], opts: SessionOptions = {}): PolicySession {
    const shards = Math.max(1, opts.shards ?? 1);
    const here = opts.inProcess === true && dirs.length === 1;
    return new PolicySession(
      dirs.map((d) => Array.from({ length: shards }, (_, k) => (k === 0 && here ? new InProcessPack(d, compiledMain(d)) : new PackClient(d, compiledMain(d))))),
    );
  }

  private get clients(): PackHost[] {
    return this.hosts.map((h) => h[0]!);
  }

  /** configs[i] is the config of the i-th pack (undefined: the pack's own defaults). */
  async run(resources: readonly AnalyzedResource[], configs: readonly (PackConfigSource | undefined)[] = []): Promise<Analysis> {
    const snapshot = toSnapshot(resources);
    const infos = await Promise.all(this.clients.map((c) => c.info()));
    const problems: string[] = [];
    const reconciled = infos.map((info, i) => {
      try {
        return reconcilePackConfig(info, configs[i]?.doc, configs[i]?.source ?? "the pack config");
      } catch (e) {
        if (!(e instanceof PackConfigError)) throw e;
        problems.push(e.message);
        return undefined;
      }
    });
    if (problems.length > 0) throw new PackConfigError(problems.join("\n"));
    const results = await Promise.all(this.hosts.map((hosts, i) => analyzeOnShards(hosts, infos[i]!, reconciled[i] ?? {}, snapshot)));
    const names = new Map(snapshot.map((r) => [r.urn, r.name]));
    const evaluation: Evaluation = { findings: [], evaluated: new Map(), notApplicable: new Map() };
    results.forEach((result, i) => {
      const info = infos[i]!;
      evaluation.findings.push(...findingsOf(result, info, names));
      for (const [p, n] of Object.entries(result.evaluated)) evaluation.evaluated.set(p, (evaluation.evaluated.get(p) ?? 0) + n);
      for (const [p, reasons] of Object.entries(result.notApplicable)) evaluation.notApplicable.set(p, [...(evaluation.notApplicable.get(p) ?? []), ...reasons]);
    });
    const packs = infos.map((info, i) => ({ name: info.name, version: info.version, dir: this.clients[i]!.dir, policies: info.policies.length }));
    const types = new Map(snapshot.map((r) => [r.urn, r.type]));
    return { evaluation, totals: totals(evaluation), report: renderReport(evaluation, types, snapshot.length, packs), packs };
  }

  async close(): Promise<void> {
    await Promise.all(this.hosts.flat().map((c) => c.close()));
  }
}

/** Runs the packs (dirs, each with its config) once over the resources; shards default to ./shards.ts shardCount. */
export async function runPolicyPacks(resources: readonly AnalyzedResource[], packs: readonly { dir: string; config?: PackConfigSource }[], opts: SessionOptions = {}): Promise<Analysis> {
  const session = PolicySession.open(packs.map((p) => p.dir), { shards: shardCount(resources.length), ...opts });
  try {
    return await session.run(resources, packs.map((p) => p.config));
  } finally {
    await session.close();
  }
}

/** This project's pack over the resources, with a config document (a parsed policy/config/<env>.json). */
export function analyze(resources: readonly AnalyzedResource[], config?: PackConfig, source = "the pack config", opts: SessionOptions = {}): Promise<Analysis> {
  return runPolicyPacks(resources, [{ dir: ownPackDir(), ...(config ? { config: { doc: config, source } } : {}) }], opts);
}
