// npm run policy -- --file STATE.json [--policy-pack DIR]... [--policy-pack-config FILE]... [--json]
// Runs policy packs over a `pulumi stack export` file as `pulumi policy analyze --file` does
// (pulumi/pulumi@v3.259.0:pkg/cmd/pulumi/policy/policy_analyze.go): each pack through its own @pulumi/policy
// server. Without --policy-pack, this project's pack (policy/) runs. --config is kept as an alias of
// --policy-pack-config. Exit codes: 0 no mandatory violation; 1 mandatory violations; 2 bad file, config or usage.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ownPackDir, runPolicyPacks } from "./analyze";
import { PackConfigError, readPackConfigFile } from "./pack-config-file";
import { PackError } from "./server/pack-client";
import { PackLoadError } from "./server/load-pack";
import { readStateFile, StateFileError } from "./state";

const usage = "usage: npm run policy -- --file STATE.json [--policy-pack DIR]... [--policy-pack-config FILE]... [--json]";

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let values: { file?: string; "policy-pack"?: string[]; "policy-pack-config"?: string[]; config?: string[]; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        file: { type: "string" },
        "policy-pack": { type: "string", multiple: true },
        "policy-pack-config": { type: "string", multiple: true },
        config: { type: "string", multiple: true },
        json: { type: "boolean", short: "j" },
        help: { type: "boolean", short: "h" },
      },
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
  try {
    if (!values.file) throw new UsageError("--file is required");
    const dirs = (values["policy-pack"] ?? []).map((d) => path.resolve(d));
    const configs = [...(values["policy-pack-config"] ?? []), ...(values.config ?? [])];
    const packs = dirs.length > 0 ? dirs : [ownPackDir()];
    // policy_analyze.go:90-93: config files pair with packs in order, and there are as many or none.
    if (configs.length > 0 && configs.length !== packs.length) {
      throw new UsageError(`${configs.length} --policy-pack-config file(s) for ${packs.length} policy pack(s): give one per --policy-pack, in the same order, or none`);
    }
    const resources = readStateFile(values.file);
    const result = await runPolicyPacks(
      resources,
      packs.map((dir, i) => (configs[i] ? { dir, config: { doc: readPackConfigFile(configs[i]), source: configs[i] } } : { dir })),
      // One pack runs in this thread (no second copy of the SDK, no copy of the snapshot to a worker); several run
      // side by side in workers, since the server keeps one pack's config per process.
      { inProcess: packs.length === 1 },
    );
    if (values.json) {
      const findings = result.evaluation.findings.map((f) => ({ ...f, level: f.enforcementLevel }));
      console.log(JSON.stringify({ totals: result.totals, packs: result.packs, findings }, null, 2));
    } else console.log(result.report);
    return result.totals.mandatory > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${usage}`);
      return 2;
    }
    if (error instanceof StateFileError || error instanceof PackConfigError || error instanceof PackError || error instanceof PackLoadError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("the policy run failed:", error);
    process.exitCode = 3;
  },
);
