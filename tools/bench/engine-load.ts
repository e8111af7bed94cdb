// The Pulumi engine's program load, emulated as closely as the SDK allows, for `npm run bench:plan`. The language
// host starts `node <nodeargs> …/@pulumi/pulumi/cmd/run <program>` with the stack config in PULUMI_CONFIG and
// PULUMI_CONFIG_SECRET_KEYS, and sets PULUMI_NODEJS_TYPESCRIPT only when Pulumi.yaml's `typescript` option is on
// (pulumi/pulumi@v3.248.0:sdk/nodejs/cmd/pulumi-language-nodejs/main.go:899-910); run.ts then requires Pulumi.yaml's
// `main` and awaits the function it exports (sdk/nodejs/cmd/run/run.ts:541, :576). The one difference: the plan's
// mock monitor stands in for the engine's, which this machine does not have. The parent passes PULUMI_CONFIG.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { installPlanMocks } from "../plan/capture";

const ROOT = path.resolve(__dirname, "..", "..");

async function main(): Promise<void> {
  const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string; main: string; runtime: { options?: { typescript?: boolean } } };
  if (project.runtime.options?.typescript !== false) throw new Error("Pulumi.yaml has the runtime's TypeScript mode on: the engine would type-check through ts-node, which this emulation does not cover");
  const stack = process.env.PULUMI_NODEJS_STACK ?? "prod";
  await installPlanMocks(project.name, stack, pulumi.runtime.allConfig()["aws:region"] ?? "us-east-1");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require(path.join(ROOT, project.main)) as () => Promise<Record<string, unknown>>;
  const outputs = await program();
  await pulumi.runtime.serializeProperties("outputs", outputs, { keepOutputValues: false });
}

main().then(() => { process.exitCode = 0; }, (error: unknown) => { console.error(error); process.exitCode = 1; });
