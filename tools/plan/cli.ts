// npm run plan -- [--stack dev|prod|PATH] [--out DIR] [--verbose] [--debug]
// Evaluates the real program offline, prints a preview shaped like `pulumi preview` and the policy gate's findings,
// and writes DIR/state.json, DIR/manifests/ and DIR/review-only/.
// Exit codes: 0 ok; 1 mandatory policy violations; 2 bad config or usage (--out included); 3 the program failed;
// 4 an input the provider, AWS or the Kubernetes API would reject; 5 IAM or ARN findings (tools/validate).
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../../components/config";
import { renderFindings } from "./findings";
import { runGate } from "./gate";
import { manifestsOf, reviewOnlySecretsOf, toReviewOnlyYaml, toYaml } from "./manifests";
import { clearOutputs, OutDirError, prepareOutDir, writeOutFile } from "./out-dir";
import { planStack } from "./plan-stack";
import { resolveStackFile, UsageError } from "./stack-file";
import { toDeployment } from "./state-export";
import { createdResources, isDefaultProvider, renderSummary } from "./summary";
import { terminalWidth, wrap } from "./text";
import { PackConfigError } from "../policy/pack-config-file";

const usage = "usage: npm run plan -- [--stack dev|prod|PATH-TO-STACK-YAML] [--out DIR] [--verbose] [--debug]";

interface Options { stack: string; out?: string; verbose: boolean; debug: boolean }

function parse(argv: string[]): Options | number {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string", default: "dev" }, out: { type: "string" }, help: { type: "boolean", short: "h" },
        debug: { type: "boolean" }, verbose: { type: "boolean", short: "v" },
      },
      strict: true, allowPositionals: false,
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    return { stack: values.stack ?? "dev", out: values.out, verbose: values.verbose === true, debug: values.debug === true };
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
}

/** A path as the user would type it from here: relative inside the working folder, absolute outside it. */
const relative = (file: string): string => {
  const rel = path.relative(process.cwd(), file);
  return rel === "" ? "." : rel.startsWith("..") ? file : rel;
};

async function main(options: Options): Promise<number> {
  // The SDK records a stack trace for every promise it creates, only to report leaked promises; over a hundred
  // resources that is a good part of the plan's time. Short traces unless --debug asks for full ones.
  if (!options.debug) Error.stackTraceLimit = 2;
  const width = terminalWidth();
  const stackName = path.basename(resolveStackFile(options.stack, process.cwd())).replace(/^Pulumi\.|\.ya?ml$/g, "");
  // The output folder is checked before the program runs: a bad --out fails in a moment, not after the plan.
  const outDir = prepareOutDir(path.resolve(options.out ?? path.join("out", stackName)), options.out === undefined ? "the default output folder" : "--out");

  const plan = await planStack({ stack: options.stack });
  const { captured, stackFile } = plan;
  clearOutputs(outDir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdkVersion = (require("@pulumi/pulumi/package.json") as { version: string }).version;
  const deployment = toDeployment(captured, sdkVersion);
  writeOutFile(outDir, "state.json", `${JSON.stringify(deployment, null, 2)}\n`);
  const manifests = manifestsOf(captured);
  for (const m of manifests) writeOutFile(outDir, path.join("manifests", m.file), toYaml(m.object));
  const secrets = reviewOnlySecretsOf(captured);
  for (const m of secrets) writeOutFile(outDir, path.join("review-only", m.file), toReviewOnlyYaml(m.object));

  console.log(renderSummary(captured, relative(stackFile.path), width));
  const defaults = captured.resources.filter(isDefaultProvider).length;
  const wrote = `Wrote ${relative(path.join(outDir, "state.json"))} (${createdResources(captured).length} resources and ${defaults} default ${defaults === 1 ? "provider" : "providers"}), ${manifests.length} manifests in ${relative(path.join(outDir, "manifests"))}/ (kubectl apply -f), and ${secrets.length} Secrets for review only in ${relative(path.join(outDir, "review-only"))}/ (their values are placeholders: never apply them).`;
  console.log(["", ...wrap(wrote, width, "")].join("\n"));

  const gate = await runGate(deployment, stackFile.config["agent-platform:environment"]);
  console.log(["", ...renderFindings(gate, { verbose: options.verbose, width })].join("\n"));

  const advisory = gate.findings.filter((f) => f.level === "advisory").length;
  const state = relative(path.join(outDir, "state.json"));
  const next = gate.validation.exitCode !== 0
    ? `Next: fix the plan validation findings above (each names the resource, the property and the rule a real preview would fail on) and run npm run plan again.`
    : gate.mandatory > 0
    ? `Next: fix the ${gate.mandatory} mandatory ${gate.mandatory === 1 ? "violation" : "violations"} above in ${relative(stackFile.path)} and run npm run plan again (a reviewed exception goes in policy/exclusions.json).`
    : `Next: ${advisory > 0 && !options.verbose ? "npm run plan -- --verbose lists every finding; " : ""}npm run policy -- --file ${state} checks the state again; to deploy, see README "Deploying for real" (pulumi preview --stack ${stackFile.stack}).`;
  // The validation report, each line fitted to the terminal with its own indent kept.
  const validation = gate.validation.report.split("\n").flatMap((line) => wrap(line, width, /^\s*/.exec(line)?.[0] ?? ""));
  console.log(["", ...validation].join("\n"));
  console.log(["", ...wrap(next, width, "")].join("\n"));
  return gate.validation.exitCode || (gate.mandatory > 0 ? 1 : 0);
}

function fail(error: unknown): number {
  if (error instanceof ConfigError) {
    console.error(error.message);
    console.error(`Next: fix the keys above in the stack file and run npm run plan again (docs/configuration.md lists every key).`);
    return 2;
  }
  if (error instanceof UsageError || error instanceof PackConfigError || error instanceof OutDirError) {
    console.error(error.message);
    return 2;
  }
  console.error("The offline plan failed:", error);
  return 3;
}

const parsed = parse(process.argv.slice(2));
if (typeof parsed === "number") {
  process.exitCode = parsed;
} else {
  main(parsed).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => { process.exitCode = fail(error); },
  );
}
