// `npm run gen:pulumi-yaml`: regenerates Pulumi.yaml's `config:` block and docs/configuration.md from the config
// schema. `--check` writes nothing and exits 1 when either file is out of date (for CI).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { configKeys } from "../../components/config/keys";
import { GENERATOR_COMMAND, renderConfigurationDoc, renderPulumiYaml, resolveDefaults } from "./pulumi-yaml";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const PULUMI_YAML = path.join(PROJECT_DIR, "Pulumi.yaml");
export const CONFIGURATION_DOC = path.join(PROJECT_DIR, "docs", "configuration.md");

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function main(argv: string[]): number {
  const check = argv.includes("--check");
  const unknown = argv.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    process.stderr.write(`usage: ${GENERATOR_COMMAND} [-- --check]\n`);
    return 2;
  }
  const keys = configKeys();
  const outputs: [string, string | undefined, string][] = [];
  const pulumiYaml = readFileSync(PULUMI_YAML, "utf8");
  outputs.push([PULUMI_YAML, pulumiYaml, renderPulumiYaml(pulumiYaml, keys)]);
  outputs.push([CONFIGURATION_DOC, readOptional(CONFIGURATION_DOC), renderConfigurationDoc(keys, resolveDefaults(keys))]);

  let stale = 0;
  for (const [file, current, rendered] of outputs) {
    const name = path.relative(PROJECT_DIR, file);
    if (current === rendered) {
      process.stdout.write(`${name}: up to date\n`);
      continue;
    }
    stale++;
    if (check) {
      process.stdout.write(`${name}: out of date; run ${GENERATOR_COMMAND}\n`);
    } else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, rendered);
      process.stdout.write(`${name}: written\n`);
    }
  }
  return check && stale > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
