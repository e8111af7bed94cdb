/**
 * One entry for the CLI, the offline plan, the bench and tests: policy packs run over a stack's resources through
 * each pack's own @pulumi/policy server (./server), as `pulumi policy analyze --file` runs them
 * (pulumi/pulumi@v3.259.0:pkg/cmd/pulumi/policy/policy_analyze.go:84-220): every pack loaded, its config reconciled
 * and sent with Configure, then the snapshot analysed. Packs run side by side, each in its own worker thread.
 */
import { policyDir } from "./pack-config";
import { PackConfigError, reconcilePackConfig } from "./pack-config-file";
import type { AnalyzedResource, Evaluation, Finding, PackConfig } from "./model";
import { renderReport, totals, type Totals } from "./report";
import { PackClient } from "./server/pack-client";
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

/** Packs kept open across runs (tests run many small stacks through the same servers). */
export class PolicySession {
  private constructor(private readonly clients: PackClient[]) {}

  static open(dirs: readonly string[]): PolicySession {
    return new PolicySession(dirs.map((d) => new PackClient(d)));
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
    const results = await Promise.all(
      this.clients.map(async (c, i) => {
        await c.configure(reconciled[i] ?? {});
        return c.analyzeSnapshot(snapshot);
      }),
    );
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
    await Promise.all(this.clients.map((c) => c.close()));
  }
}

/** Runs the packs (dirs, each with its config) once over the resources. */
export async function runPolicyPacks(resources: readonly AnalyzedResource[], packs: readonly { dir: string; config?: PackConfigSource }[]): Promise<Analysis> {
  const session = PolicySession.open(packs.map((p) => p.dir));
  try {
    return await session.run(resources, packs.map((p) => p.config));
  } finally {
    await session.close();
  }
}

/** This project's pack over the resources, with a config document (a parsed policy/config/<env>.json). */
export function analyze(resources: readonly AnalyzedResource[], config?: PackConfig, source = "the pack config"): Promise<Analysis> {
  return runPolicyPacks(resources, [{ dir: ownPackDir(), ...(config ? { config: { doc: config, source } } : {}) }]);
}
