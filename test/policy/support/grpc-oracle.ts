/**
 * The reference the runner is compared with: a pack's own gRPC server, started as its own process the way the
 * Pulumi CLI starts it (the pack's main module constructs a PolicyPack, whose serve() binds 127.0.0.1 and prints the
 * port: @pulumi/policy@1.21.0 server.js:113-127), and driven over the wire with real protobuf, in the order of
 * `pulumi policy analyze` (pulumi/pulumi@v3.259.0:pkg/resource/deploy/analyze_snapshot.go:188-325). Only the config
 * reconciliation is shared with the runner (it is the CLI's logic, not the server's).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { toSnapshot } from "../../../tools/policy/analyze";
import type { AnalyzedResource } from "../../../tools/policy/model";
import { reconcilePackConfig } from "../../../tools/policy/pack-config-file";
import { packMain } from "../../../tools/policy/server/load-pack";
import type { AnalyzerInfo, Level, PolicyInfo } from "../../../tools/policy/server/types";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- the generated protobuf and gRPC modules ship without types */
const root = path.dirname(require.resolve("@pulumi/policy/server.js"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [root] }));
const pb = require(require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [root] }));
const rpc = require(require.resolve("@pulumi/pulumi/proto/analyzer_grpc_pb", { paths: [root] }));
const structpb = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [root] }));
const emptypb = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [root] }));

export interface OracleFinding {
  policy: string;
  urn: string;
  level: "advisory" | "mandatory";
  message: string;
}

const LEVEL = ["advisory", "mandatory", "disabled", "remediate"] as const;

function unary(client: any, method: string, req: unknown): Promise<any> {
  return new Promise((resolve, reject) => client[method](req, (e: Error | null, res: unknown) => (e ? reject(e) : resolve(res))));
}

function start(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const main = packMain(dir);
  const child = spawn(process.execPath, [...(main.endsWith(".ts") ? ["-r", "tsx/cjs"] : []), "-e", `require(${JSON.stringify(main)})`], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`pack ${dir} exited ${code}: ${err}`)));
  });
}

function options(r: ReturnType<typeof toSnapshot>[number]): any {
  const o = new pb.AnalyzerResourceOptions();
  o.setProtect(r.protect);
  o.setIgnorechangesList(r.ignoreChanges);
  o.setAdditionalsecretoutputsList(r.additionalSecretOutputs);
  o.setAliasesList(r.aliases);
  const t = new pb.AnalyzerResourceOptions.CustomTimeouts();
  o.setCustomtimeouts(t);
  if (r.parent) o.setParent(r.parent);
  return o;
}

const noInternal = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith("__")));

function info(raw: any): AnalyzerInfo {
  const policies: PolicyInfo[] = raw.getPoliciesList().map((p: any) => {
    const schema = p.getConfigschema();
    return {
      name: p.getName(),
      description: p.getDescription(),
      type: p.getPolicyType() === 1 ? "resource" : "stack",
      enforcementLevel: LEVEL[p.getEnforcementlevel()] as Level,
      ...(schema ? { configSchema: { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() } } : {}),
    };
  });
  const initialConfig: AnalyzerInfo["initialConfig"] = {};
  for (const [k, v] of raw.getInitialconfigMap().entries()) {
    initialConfig[k] = { enforcementLevel: LEVEL[v.getEnforcementlevel()] as Level, ...(v.getProperties() ? { properties: v.getProperties().toJavaScript() } : {}) };
  }
  return { name: raw.getName(), version: raw.getVersion(), supportsConfig: raw.getSupportsconfig(), policies, initialConfig };
}

/** Every diagnostic the pack's server returns over the snapshot (violations and remediation diagnostics). */
export async function oracle(dir: string, resources: readonly AnalyzedResource[], configDoc?: unknown): Promise<{ findings: OracleFinding[]; remediations: { policy: string; urn: string }[] }> {
  const { child, port } = await start(dir);
  const client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 400 * 1024 * 1024, "grpc.max_send_message_length": 400 * 1024 * 1024 });
  try {
    const packInfo = info(await unary(client, "getAnalyzerInfo", new emptypb.Empty()));
    const config = reconcilePackConfig(packInfo, configDoc, "oracle");
    const creq = new pb.ConfigureAnalyzerRequest();
    for (const [k, v] of Object.entries(config)) {
      const pc = new pb.PolicyConfig();
      pc.setEnforcementlevel(LEVEL.indexOf(v.enforcementLevel as Level));
      pc.setProperties(structpb.Struct.fromJavaScript(v.properties ?? {}));
      creq.getPolicyconfigMap().set(k, pc);
    }
    await unary(client, "configure", creq);

    const snapshot = toSnapshot(resources);
    const byUrn = new Set(snapshot.map((r) => r.urn));
    const findings: OracleFinding[] = [];
    const remediations: { policy: string; urn: string }[] = [];
    const push = (d: any, urn: string) => {
      const level = LEVEL[d.getEnforcementlevel()];
      findings.push({ policy: d.getPolicyname(), urn, level: level === "advisory" ? "advisory" : "mandatory", message: d.getMessage() });
    };
    for (const r of snapshot) {
      const req = (props: Record<string, unknown>) => {
        const a = new pb.AnalyzeRequest();
        a.setUrn(r.urn);
        a.setType(r.type);
        a.setName(r.name);
        a.setProperties(structpb.Struct.fromJavaScript(props));
        a.setOptions(options(r));
        return a;
      };
      const rem = await unary(client, "remediate", req(r.inputs));
      for (const t of rem.getRemediationsList()) {
        if (t.getDiagnostic()) findings.push({ policy: t.getPolicyname(), urn: r.urn, level: "advisory", message: t.getDiagnostic() });
        else remediations.push({ policy: t.getPolicyname(), urn: r.urn });
      }
      const res = await unary(client, "analyze", req(noInternal(r.inputs)));
      for (const d of res.getDiagnosticsList()) push(d, r.urn);
    }
    const sreq = new pb.AnalyzeStackRequest();
    sreq.setResourcesList(
      snapshot.map((r) => {
        const a = new pb.AnalyzerResource();
        a.setUrn(r.urn);
        a.setType(r.type);
        a.setName(r.name);
        a.setProperties(structpb.Struct.fromJavaScript(noInternal(r.outputs)));
        a.setOptions(options(r));
        if (r.parent) a.setParent(r.parent);
        a.setDependenciesList(r.dependencies);
        for (const [k, urns] of Object.entries(r.propertyDependencies)) {
          if (urns.length === 0) continue;
          const d = new pb.AnalyzerPropertyDependencies();
          d.setUrnsList(urns);
          a.getPropertydependenciesMap().set(k, d);
        }
        return a;
      }),
    );
    const root = snapshot.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
    const stack = await unary(client, "analyzeStack", sreq);
    for (const d of stack.getDiagnosticsList()) push(d, byUrn.has(d.getUrn()) ? d.getUrn() : root);
    return { findings, remediations };
  } finally {
    client.close();
    child.kill();
  }
}
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return */
