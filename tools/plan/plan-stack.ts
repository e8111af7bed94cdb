// One call that runs the real program (index.ts) for a stack file under the mock runtime.
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import program from "../../index";
import { ConfigError } from "../../components/config";
import { stackConfigIssues } from "../../components/config/load";
import { captureProgram, type CapturedStack } from "./capture";
import { readStackFile, resolveStackFile, type StackFile } from "./stack-file";

/** The folder holding Pulumi.yaml: found by walking up, so this works from tools/ and from the compiled dist/. */
function findProjectDir(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${start}`);
  }
}

export const PROJECT_DIR = findProjectDir(__dirname);

export function projectName(projectDir = PROJECT_DIR): string {
  const project = parse(readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name?: unknown };
  if (typeof project.name !== "string") throw new Error("Pulumi.yaml has no name");
  return project.name;
}

export interface PlanOptions {
  /** `dev`, `prod`, or a path to a stack YAML file. */
  stack: string;
  /** Extra plain config values (`namespace:key` → string), applied over the stack file. */
  config?: Record<string, string>;
  /** Extra secret config values, applied over the stack file. */
  secrets?: Record<string, string>;
}

export interface Plan {
  stackFile: StackFile;
  captured: CapturedStack;
}

export async function planStack(options: PlanOptions): Promise<Plan> {
  const project = projectName();
  const stackFile = readStackFile(resolveStackFile(options.stack, PROJECT_DIR), project);
  const config = { ...stackFile.config, ...options.config, ...options.secrets };
  const secretKeys = [
    ...stackFile.secretKeys.filter((k) => !(options.config && k in options.config)),
    ...Object.keys(options.secrets ?? {}),
  ];
  if (stackFile.problems.length > 0) {
    // Reported together with the program's own checks of the other keys, so one run lists every problem.
    const blamed = new Set(stackFile.problems.map((p) => p.key));
    const rest = stackConfigIssues(config, project, (key) => secretKeys.includes(key), { requireAwsRegion: true }).problems.filter((p) => !blamed.has(p.key));
    throw new ConfigError([...stackFile.problems, ...rest]);
  }
  const captured = await captureProgram({ project, stack: stackFile.stack, config, secretKeys, program });
  return { stackFile, captured };
}
