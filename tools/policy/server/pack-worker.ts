/**
 * A worker thread that hosts one policy pack (see ./load-pack.ts) and answers the runner's requests: the analyzer
 * info, Configure, and the CLI's analysis loop over a snapshot (./analyze-snapshot.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { analyzerInfo, analyzeSnapshot, configure } from "./analyze-snapshot";
import { loadPack, type LoadedPack } from "./load-pack";
import type { AnalyzerInfo, Level, WorkerRequest, WorkerResponse } from "./types";

// The server throws an Error for every notApplicable (per policy and resource); capturing a stack for each was a
// third of the time of a 10,000-resource stack. A failing policy is still named with its pack and resource
// (server.js asGrpcError); POLICY_STACK_TRACES=1 brings the traces back for debugging a pack.
Error.stackTraceLimit = process.env["POLICY_STACK_TRACES"] === "1" ? 20 : 0;

const { dir, main } = workerData as { dir: string; main?: string };
const port = parentPort;
if (!port) throw new Error("pack-worker runs as a worker thread");

let pack: Promise<LoadedPack> | undefined;
let info: AnalyzerInfo | undefined;
const levels = new Map<string, Level>();

async function handle(req: WorkerRequest): Promise<unknown> {
  pack ??= loadPack(dir, main);
  const loaded = await pack;
  info ??= await analyzerInfo(loaded);
  switch (req.op) {
    case "info":
      return info;
    case "configure":
      levels.clear();
      for (const [name, c] of Object.entries(req.config)) if (c.enforcementLevel) levels.set(name, c.enforcementLevel);
      await configure(loaded, req.config);
      return null;
    case "analyzeSnapshot":
      return analyzeSnapshot(loaded, info, levels, req.resources, req.part);
  }
}

port.on("message", (req: WorkerRequest) => {
  handle(req).then(
    (value) => port.postMessage({ id: req.id, ok: true, value } satisfies WorkerResponse),
    (error: unknown) => port.postMessage({ id: req.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies WorkerResponse),
  );
});
