/**
 * Loads a CrossGuard policy pack the way the Pulumi CLI boots it, and keeps the analyzer service its
 * `new PolicyPack(...)` registers. The CLI runs the pack's main module (`pulumi-analyzer-policy` runs
 * `@pulumi/pulumi/cmd/run-policy-pack` in the pack's folder: pulumi/pulumi@v3.259.0:pkg/resource/plugin/analyzer_plugin.go:144-200);
 * constructing the PolicyPack calls @pulumi/policy's `serve()`, which hands its handlers (analyze, analyzeStack,
 * remediate, getAnalyzerInfo, configure, ...) to `grpc.Server.addService` and prints the port it bound
 * (@pulumi/policy@1.21.0 server.js:74-127). Here `addService` and `bindAsync` of the pack's own @grpc/grpc-js are
 * intercepted while the main module loads, so the very same handler functions are called in process, with requests
 * built from the pack's own protobuf classes: every line of the server runs, only the socket is left out.
 *
 * One pack per thread: the server keeps its pack config in module state and refuses a second pack per process
 * (server.js:96-103), so each pack gets its own worker (./pack-worker.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** A gRPC unary handler as @grpc/grpc-js calls it: `(call, callback)`. */
type Handler = (call: { request: unknown }, callback: (error: unknown, response?: unknown) => void) => unknown;

export interface AnalyzerService {
  analyze: Handler;
  analyzeStack: Handler;
  remediate: Handler;
  getAnalyzerInfo: Handler;
  configure: Handler;
  configureStack: Handler;
}

/** The protobuf modules the pack's server uses (resolved from its own @pulumi/policy, so `instanceof` holds). */
export interface ProtoModules {
  analyzer: Record<string, new () => ProtoMessage> & { EnforcementLevel: Record<string, number>; PolicyType: Record<string, number>; PolicySeverity: Record<string, number> };
  struct: { Struct: (new () => ProtoMessage) & { fromJavaScript(value: unknown): ProtoMessage } };
  empty: new () => ProtoMessage;
}

/** The slice of google-protobuf's generated message API used here. */
export interface ProtoMessage {
  [method: string]: unknown;
}

export class PackLoadError extends Error {}

export interface LoadedPack {
  dir: string;
  main: string;
  service: AnalyzerService;
  proto: ProtoModules;
}

/** The pack's main module: package.json `main`, else index.js or index.ts (what node's and ts-node's resolution finds). */
export function packMain(dir: string): string {
  if (!existsSync(path.join(dir, "PulumiPolicy.yaml"))) throw new PackLoadError(`${dir} is not a policy pack: it has no PulumiPolicy.yaml`);
  const manifest = path.join(dir, "package.json");
  const candidates: string[] = [];
  if (existsSync(manifest)) {
    const main = (JSON.parse(readFileSync(manifest, "utf8")) as { main?: unknown }).main;
    if (typeof main === "string") candidates.push(main);
  }
  candidates.push("index.js", "index.ts");
  for (const c of candidates) {
    const file = path.resolve(dir, c);
    for (const f of [file, `${file}.js`, `${file}.ts`, path.join(file, "index.js"), path.join(file, "index.ts")]) if (existsSync(f) && !f.endsWith(path.sep)) return f;
  }
  throw new PackLoadError(`${dir}: no main module (package.json "main", index.js or index.ts)`);
}

function resolveFrom(dir: string, id: string): string {
  try {
    return require.resolve(id, { paths: [dir] });
  } catch {
    throw new PackLoadError(`${dir}: cannot resolve ${id} (run npm install in the pack's folder)`);
  }
}

/** Loads the pack in this thread and returns the analyzer service its PolicyPack registered. */
export async function loadPack(dir: string): Promise<LoadedPack> {
  const main = packMain(dir);
  const server = resolveFrom(dir, "@pulumi/policy/server.js");
  const serverDir = path.dirname(server);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const grpc = require(resolveFrom(serverDir, "@grpc/grpc-js")) as { Server: { prototype: Record<string, unknown> } };
  const proto: ProtoModules = {
    analyzer: require(resolveFrom(serverDir, "@pulumi/pulumi/proto/analyzer_pb")) as ProtoModules["analyzer"],
    struct: require(resolveFrom(serverDir, "google-protobuf/google/protobuf/struct_pb")) as ProtoModules["struct"],
    empty: (require(resolveFrom(serverDir, "google-protobuf/google/protobuf/empty_pb")) as { Empty: ProtoModules["empty"] }).Empty,
  };
  if (main.endsWith(".ts")) require("tsx/cjs/api").register();

  let service: AnalyzerService | undefined;
  const proto_ = grpc.Server.prototype;
  const saved = { addService: proto_["addService"], bindAsync: proto_["bindAsync"] };
  proto_["addService"] = function (_definition: unknown, implementation: AnalyzerService) {
    service = implementation;
  };
  proto_["bindAsync"] = function () {
    /* no socket: the handlers are called in process */
  };
  try {
    require(main);
    // A pack may construct its PolicyPack after an await (e.g. reading config first): give it a moment.
    for (let i = 0; i < 200 && !service; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  } finally {
    Object.assign(proto_, saved);
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (!service) throw new PackLoadError(`${dir}: loading ${path.relative(dir, main)} constructed no PolicyPack`);
  return { dir, main, service, proto };
}

/** Calls one handler as grpc-js would and resolves with its response (or rejects with the error it returned). */
export function call(handler: Handler, request: unknown): Promise<ProtoMessage> {
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => reject(error instanceof Error ? error : new Error(String(error)));
    // A handler that throws before its own try (remediate decodes its request first, server.js:536) rejects the
    // promise it returns; over gRPC that would be an unhandled rejection in the pack's process.
    Promise.resolve(handler({ request }, (error, response) => (error ? fail(error) : resolve(response as ProtoMessage)))).catch(fail);
  });
}
