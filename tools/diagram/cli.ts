// npx tsx tools/diagram/cli.ts [--stack prod | --state FILE] [--svg FILE] [--dot FILE] [--check]
// Draws the architecture from the plan's resource graph and writes docs/architecture.svg (see tools/diagram/model.ts
// for what is drawn). --check writes nothing and exits 1 when the SVG on disk differs from a fresh one.
// Exit codes: 0 ok; 1 --check found a difference; 2 bad usage; 3 the plan or the rendering failed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_STACK, REGENERATE_COMMAND, generateArchitecture, type ArchitectureSource } from "./generate";

const usage = "usage: npx tsx tools/diagram/cli.ts [--stack dev|prod|PATH] | [--state STATE.json] [--svg FILE] [--dot FILE] [--check]";
const PROJECT_DIR = path.resolve(__dirname, "../..");
export const DEFAULT_SVG = path.join(PROJECT_DIR, "docs", "architecture.svg");

async function main(argv: string[]): Promise<number> {
  let values: { stack?: string; state?: string; svg?: string; dot?: string; check?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" }, state: { type: "string" }, svg: { type: "string" }, dot: { type: "string" },
        check: { type: "boolean" }, help: { type: "boolean", short: "h" },
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
  if (values.stack !== undefined && values.state !== undefined) {
    console.error(`--stack and --state exclude each other\n${usage}`);
    return 2;
  }
  // As in the plan CLI: the SDK records a stack trace per promise only for its leak report; short ones are faster.
  Error.stackTraceLimit = 2;
  const source: ArchitectureSource = values.state !== undefined ? { stateFile: path.resolve(values.state) } : { stack: values.stack ?? DEFAULT_STACK };
  const { svg, dot, diagram } = await generateArchitecture(source);
  const svgPath = path.resolve(values.svg ?? DEFAULT_SVG);

  if (values.check) {
    const current = existsSync(svgPath) ? readFileSync(svgPath, "utf8") : undefined;
    if (current === svg) {
      console.log(`${path.relative(process.cwd(), svgPath)} is up to date`);
      return 0;
    }
    console.error(`${path.relative(process.cwd(), svgPath)} is ${current === undefined ? "missing" : "out of date"}: run ${REGENERATE_COMMAND}`);
    return 1;
  }
  mkdirSync(path.dirname(svgPath), { recursive: true });
  writeFileSync(svgPath, svg);
  if (values.dot !== undefined) writeFileSync(path.resolve(values.dot), dot);
  console.log(`Wrote ${path.relative(process.cwd(), svgPath)}: ${diagram.resourceCount} resources in ${diagram.groups.length - 1} components, ${diagram.edges.length} edges`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    console.error("The diagram failed:", error instanceof Error ? error.message : error);
    process.exitCode = 3;
  },
);
