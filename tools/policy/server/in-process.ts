/**
 * One pack hosted in this thread, for a process that runs exactly one pack and already has the SDK loaded (the
 * plan's gate): the same handlers and calls as ./pack-worker.ts, without a second copy of @pulumi/pulumi in a
 * worker. The server allows one pack per process (server.js:96-103), so only the first in-process pack can load.
 */
import { analyzerInfo, analyzeSnapshot, configure } from "./analyze-snapshot";
import { loadPack, type LoadedPack } from "./load-pack";
import { PackError, type PackHost } from "./pack-client";
import type { AnalyzerInfo, Level, PolicyConfig, SnapshotPart, SnapshotResource, SnapshotResult } from "./types";

let hosted: string | undefined;

export class InProcessPack implements PackHost {
  private readonly pack: Promise<LoadedPack>;
  private readonly levels = new Map<string, Level>();
  private cachedInfo: Promise<AnalyzerInfo> | undefined;

  constructor(readonly dir: string, main?: string) {
    if (hosted !== undefined && hosted !== dir) throw new PackError(`only one policy pack can run in process; ${hosted} already does`);
    hosted = dir;
    this.pack = loadPack(dir, main);
  }

  private wrap<T>(p: Promise<T>): Promise<T> {
    return p.catch((e: unknown) => {
      throw new PackError(`policy pack ${this.dir}: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  info(): Promise<AnalyzerInfo> {
    this.cachedInfo ??= this.wrap(this.pack.then(analyzerInfo));
    return this.cachedInfo;
  }

  configure(config: Record<string, PolicyConfig>): Promise<void> {
    this.levels.clear();
    for (const [name, c] of Object.entries(config)) if (c.enforcementLevel) this.levels.set(name, c.enforcementLevel);
    return this.wrap(this.pack.then((p) => configure(p, config)));
  }

  async analyzeSnapshot(resources: SnapshotResource[], part?: SnapshotPart): Promise<SnapshotResult> {
    const info = await this.info();
    const pack = await this.wrap(this.pack);
    // As in the worker (./pack-worker.ts): no stack captured for each of the server's notApplicable errors.
    const limit = Error.stackTraceLimit;
    if (process.env["POLICY_STACK_TRACES"] !== "1") Error.stackTraceLimit = 0;
    try {
      return await this.wrap(analyzeSnapshot(pack, info, this.levels, resources, part));
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
