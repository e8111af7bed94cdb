// The step of `pulumi package add` that runs our code, run for real: the Node.js language host starts
// `node @pulumi/pulumi/cmd/run-plugin <package directory>` (pulumi@v3.248.0 sdk/nodejs/cmd/pulumi-language-nodejs/
// main.go:1595-1646, RunPlugin), which registers the SDK's ts-node, requires package.json "main" from the sources
// and serves the provider's gRPC interface on 127.0.0.1; the CLI then calls GetSchema and generates the SDK from it.
// Only the CLI's part (starting the host, code generation) is left out: no Pulumi CLI here.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, type PackageSchema } from "./plugin-schema";

interface GetSchemaResponse { getSchema(): string }
interface ProviderClient extends grpc.Client {
  getSchema(request: unknown, callback: (error: grpc.ServiceError | null, response: GetSchemaResponse) => void): void;
}
// The SDK's generated gRPC stubs (CommonJS, untyped).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const services = require("@pulumi/pulumi/proto/provider_grpc_pb.js") as { ResourceProviderClient: new (address: string, credentials: grpc.ChannelCredentials) => ProviderClient };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const messages = require("@pulumi/pulumi/proto/provider_pb.js") as { GetSchemaRequest: new () => unknown };

let host: ChildProcessWithoutNullStreams | undefined;
afterAll(() => { host?.kill(); });

/** Start the plugin host the way the language host does and wait for the port it prints. */
function startPluginHost(): Promise<number> {
  const child = spawn(process.execPath, [path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin"), repoRoot], {
    cwd: repoRoot, env: { ...process.env, PULUMI_NODEJS_TYPESCRIPT: "true" },
  });
  host = child;
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /^(\d+)\s*$/m.exec(stdout)?.[1];
      if (port) resolve(Number(port));
    });
    child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on("exit", (code) => reject(new Error(`the plugin host exited (${String(code)}) before serving:\n${stdout}\n${stderr}`)));
  });
}

describe("the plugin host that `pulumi package add` starts", () => {
  it("loads the TypeScript sources through package.json main and serves AgentPlatform's schema over gRPC", async () => {
    const port = await startPluginHost();
    const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const served = await new Promise<string>((resolve, reject) => {
      client.getSchema(new messages.GetSchemaRequest(), (error, response) => (error ? reject(error) : resolve(response.getSchema())));
    });
    client.close();
    const schema = JSON.parse(served) as PackageSchema;
    expect({ name: schema.name, namespace: schema.namespace, resources: Object.keys(schema.resources) }).toEqual({
      name: "agent-platform", namespace: "agent-platform", resources: ["agent-platform:index:AgentPlatform"],
    });
    expect(Object.keys(schema.resources["agent-platform:index:AgentPlatform"]?.inputProperties ?? {})).toContain("database");
    expect(schema.types["agent-platform:index:DatabaseMode"]?.enum?.map((m) => m.value)).toEqual(["rds", "statefulset"]);
  }, 400_000);
});
