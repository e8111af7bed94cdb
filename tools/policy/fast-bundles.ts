/**
 * The bundles tools/fast builds beside the plan's and the runner's own (tools/fast/build.cjs companionsOf): the pack
 * worker and this project's pack, so a worker thread or the pack's main module starts as plain JavaScript instead of
 * registering tsx and transpiling the sources again. Only a bundle whose recorded inputs are unchanged is used;
 * otherwise (tests after an edit, a first run) the sources load through tsx as before.
 */
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

export function fastBundle(entry: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const build = require(path.join(ROOT, "tools", "fast", "build.cjs")) as { freshBundle(entry: string): string | undefined };
    return build.freshBundle(entry);
  } catch {
    return undefined;
  }
}

/** Whether code loaded from `a` and from `b` gets the same @pulumi/policy (the one whose server the runner drives). */
export function samePolicySdk(a: string, b: string): boolean {
  try {
    return require.resolve("@pulumi/policy", { paths: [a] }) === require.resolve("@pulumi/policy", { paths: [b] });
  } catch {
    return false;
  }
}
