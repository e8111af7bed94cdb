// From a stack to the picture: run the offline plan in-process (or read a `pulumi stack export` file), build the
// model, write DOT, render SVG. Shared by the CLI and the drift test, so both produce the very same bytes.
import { readFileSync } from "node:fs";
import { planStack } from "../plan/plan-stack";
import { toDeployment } from "../plan/state-export";
import { toDot } from "./dot";
import { buildDiagram, type Diagram, type GraphResource } from "./model";
import { renderSvg } from "./render";

export type ArchitectureSource = { stack: string } | { stateFile: string };

export interface Architecture {
  diagram: Diagram;
  dot: string;
  svg: string;
}

/** The command that regenerates docs/architecture.svg; named in the picture's caption and the drift test's message. */
export const REGENERATE_COMMAND = "npx tsx tools/diagram/cli.ts";

/** The prod stack: the one with every component (cluster, RDS, ElastiCache, backups). */
export const DEFAULT_STACK = "prod";

interface StateFile { version?: unknown; deployment?: { resources?: unknown } }

/** The resources of a `pulumi stack export` file (deployment version 3, as `npm run plan` also writes). */
export function readStateFile(file: string): GraphResource[] {
  const state = JSON.parse(readFileSync(file, "utf8")) as StateFile;
  const resources = state.deployment?.resources;
  if (state.version !== 3 || !Array.isArray(resources)) {
    throw new Error(`${file} is not a \`pulumi stack export\` file of deployment version 3 (no deployment.resources)`);
  }
  return resources as GraphResource[];
}

/** The offline plan's resources in state form (secrets already masked, as in state.json). */
export async function planResources(stack: string): Promise<GraphResource[]> {
  const { captured } = await planStack({ stack });
  return toDeployment(captured, "offline", new Date(0)).deployment.resources;
}

function stackName(resources: GraphResource[]): string {
  const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  return stack ? (stack.urn.split("::")[0] ?? "").replace("urn:pulumi:", "") : "?";
}

export async function generateArchitecture(source: ArchitectureSource): Promise<Architecture> {
  return "stack" in source ? renderArchitecture(await planResources(source.stack), "offline plan") : renderArchitecture(readStateFile(source.stateFile), "state export");
}

/** Model, DOT and SVG of resources; `origin` says in the caption where they came from. */
export async function renderArchitecture(resources: GraphResource[], origin: "offline plan" | "state export"): Promise<Architecture> {
  const diagram = buildDiagram(resources);
  const components = diagram.groups.length - 1;
  const caption = `Stack ${stackName(resources)} (${origin}): ${diagram.resourceCount} resources in ${components} components; providers not drawn. Regenerate: ${REGENERATE_COMMAND}`;
  const dot = toDot(diagram, { caption });
  return { diagram, dot, svg: await renderSvg(dot) };
}
