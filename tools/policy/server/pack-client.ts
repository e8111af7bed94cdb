/**
 * The runner's handle on one policy pack: a worker thread hosting the pack's own @pulumi/policy server
 * (./pack-worker.ts). Requests are queued in order; the pack's errors come back as PackError naming the pack.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { fastBundle } from "../fast-bundles";
import type { AnalyzerInfo, PolicyConfig, SnapshotPart, SnapshotResource, SnapshotResult, WorkerRequest, WorkerResponse } from "./types";

export class PackError extends Error {}

/** What the runner asks of a pack, wherever it is hosted. */
export interface PackHost {
  readonly dir: string;
  info(): Promise<AnalyzerInfo>;
  configure(config: Record<string, PolicyConfig>): Promise<void>;
  analyzeSnapshot(resources: SnapshotResource[], part?: SnapshotPart): Promise<SnapshotResult>;
  close(): Promise<void>;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Op = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

export class PackClient implements PackHost {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private exited: Error | undefined;

  /** `main` replaces the pack's own main module (this project's compiled pack, see ../own-pack.ts). */
  constructor(readonly dir: string, main?: string) {
    // From dist/ the worker is compiled JavaScript, from tools/fast a fresh bundle; else (tests after an edit) it
    // loads its sources through tsx.
    const dist = path.join(__dirname, "pack-worker.js");
    const compiled = existsSync(dist) ? dist : fastBundle("tools/policy/server/pack-worker.ts");
    const source = compiled
      ? `require(${JSON.stringify(compiled)})`
      : `require("tsx/cjs/api").register(); require(${JSON.stringify(path.join(__dirname, "pack-worker.ts"))})`;
    this.worker = new Worker(source, { eval: true, workerData: { dir, ...(main ? { main } : {}) }, execArgv: [], stdout: true, stderr: false });
    // What a pack prints goes to stderr, never into the report or --json on stdout.
    this.worker.stdout.pipe(process.stderr);
    this.worker.on("message", (res: WorkerResponse) => {
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      if (res.ok) p.resolve(res.value);
      else p.reject(new PackError(`policy pack ${dir}: ${res.error}`));
    });
    const fail = (error: Error) => {
      this.exited = error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    this.worker.on("error", (e) => fail(new PackError(`policy pack ${dir}: ${e.message}`)));
    this.worker.on("exit", (code) => fail(new PackError(`policy pack ${dir} exited (code ${code}) before answering`)));
  }

  private request<T>(op: Op): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...op, id });
    });
  }

  info(): Promise<AnalyzerInfo> {
    return this.request({ op: "info" });
  }

  configure(config: Record<string, PolicyConfig>): Promise<void> {
    return this.request({ op: "configure", config });
  }

  analyzeSnapshot(resources: SnapshotResource[], part?: SnapshotPart): Promise<SnapshotResult> {
    return this.request({ op: "analyzeSnapshot", resources, ...(part ? { part } : {}) });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }
}
