// npm run plan -- [--stack dev|prod|PATH] [--out DIR]
// Evaluates the real program offline, prints a summary and writes DIR/state.json and DIR/manifests/.
// Exit codes: 0 ok; 1 mandatory policy violations; 2 bad config or usage; 3 the program itself failed;
// 4 an input the provider, AWS or the Kubernetes API would reject; 5 IAM or ARN findings (tools/validate).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../../components/config";
import { manifestsOf, toYaml } from "./manifests";
import { planStack } from "./plan-stack";
import { UsageError } from "./stack-file";
import { toDeployment } from "./state-export";
import { renderSummary } from "./summary";
import { analyze } from "../policy/analyze";
import { policyDir } from "../policy/pack-config";
import { PackConfigError, readPackConfigFile } from "../policy/pack-config-file";
import { resourcesOfExport } from "../policy/state";
import type { PackConfig } from "../policy/model";
import { validatePlan } from "../validate";

const usage = "usage: npm run plan -- [--stack dev|prod|PATH-TO-STACK-YAML] [--out DIR] [--debug]";

async function main(argv: string[]): Promise<number> {
  let values: { stack?: string; out?: string; help?: boolean; debug?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { stack: { type: "string", default: "dev" }, out: { type: "string" }, help: { type: "boolean", short: "h" }, debug: { type: "boolean" } },
      strict: true, allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }

  // The SDK records a stack trace for every promise it creates, only to report leaked promises; over a hundred
  // resources that is a good part of the plan's time. Short traces unless --debug asks for full ones.
  if (!values.debug) Error.stackTraceLimit = 2;
  const plan = await planStack({ stack: values.stack ?? "dev" });
  const { captured, stackFile } = plan;
  const outDir = path.resolve(values.out ?? path.join("out", stackFile.stack));
  const manifestDir = path.join(outDir, "manifests");
  rmSync(manifestDir, { recursive: true, force: true });
  mkdirSync(manifestDir, { recursive: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdkVersion = (require("@pulumi/pulumi/package.json") as { version: string }).version;
  const deployment = toDeployment(captured, sdkVersion);
  writeFileSync(path.join(outDir, "state.json"), `${JSON.stringify(deployment, null, 2)}\n`);
  const manifests = manifestsOf(captured);
  for (const manifest of manifests) writeFileSync(path.join(manifestDir, manifest.file), toYaml(manifest.object));

  console.log(renderSummary(captured, path.relative(process.cwd(), stackFile.path)));
  console.log(`\nWrote ${path.relative(process.cwd(), path.join(outDir, "state.json"))} and ${manifests.length} manifests in ${path.relative(process.cwd(), manifestDir)}/`);

  // The policy gate, as `pulumi preview --policy-pack policy --policy-pack-config policy/config/<env>.json` would run
  // it: the stack's own `environment` setting picks the file (its default, prod, is the stricter).
  const env = stackFile.config["agent-platform:environment"] === "dev" ? "dev" : "prod";
  const configFile = path.join(policyDir(), "config", `${env}.json`);
  // The pack runs through its own @pulumi/policy server, as the CLI runs it (tools/policy/analyze.ts).
  const planned = resourcesOfExport(JSON.parse(JSON.stringify(deployment)) as unknown, "the plan");
  const result = await analyze(planned, readPackConfigFile(configFile) as PackConfig, configFile, { inProcess: true });
  console.log(`\nPolicy pack (${path.relative(process.cwd(), configFile)}):\n${result.report}`);
  const validation = await validatePlan(planned);
  console.log(`\n${validation.report}`);
  return validation.exitCode || (result.totals.mandatory > 0 ? 1 : 0);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof UsageError || error instanceof PackConfigError) {
      console.error(error.message);
      process.exitCode = 2;
    } else {
      console.error("The offline plan failed:", error);
      process.exitCode = 3;
    }
  },
);
