// npm run policy -- --file STATE.json [--config PACK-CONFIG.json] [--json]
// Runs every rule of the pack over a `pulumi stack export` file, the way `pulumi policy analyze --file` would.
// Exit codes: 0 no mandatory violation; 1 mandatory violations; 2 bad file, config or usage.
import { parseArgs } from "node:util";
import { rules } from "../../policy/rules";
import { analyze } from "./analyze";
import { PackConfigError, readPackConfig } from "./pack-config-file";
import { readStateFile, StateFileError } from "./state";

const usage = "usage: npm run policy -- --file STATE.json [--config PACK-CONFIG.json] [--json]";

function main(argv: string[]): number {
  let values: { file?: string; config?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { file: { type: "string" }, config: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
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
  if (!values.file) {
    console.error(`--file is required\n${usage}`);
    return 2;
  }
  try {
    const resources = readStateFile(values.file);
    const config = values.config ? readPackConfig(values.config, rules) : {};
    const result = analyze(resources, config);
    if (values.json) console.log(JSON.stringify({ totals: result.totals, findings: result.evaluation.findings }, null, 2));
    else console.log(result.report);
    return result.totals.mandatory > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof StateFileError || error instanceof PackConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
