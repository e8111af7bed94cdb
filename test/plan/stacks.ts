// The stacks every plan test runs for: the one place to list them. A stack whose file (Pulumi.<stack>.yaml in the
// repo root) does not exist yet is not in PLAN_STACKS; stacks.test.ts fails when a stack file exists that is not
// listed here, so no stack goes untested.
import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../..");

/** Every stack the project ships, whether or not its file has landed yet. */
export const KNOWN_STACKS: readonly string[] = ["dev", "prod"];

export function stackFilePath(stack: string): string {
  return path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
}

/** Stacks named by a Pulumi.<stack>.yaml in the repo root. */
export function stackFilesInRepo(): string[] {
  return readdirSync(REPO_ROOT)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/** The known stacks whose file exists: what the plan tests are parametrised over. */
export const PLAN_STACKS: readonly string[] = KNOWN_STACKS.filter((stack) => existsSync(stackFilePath(stack)));
