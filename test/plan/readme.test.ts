// The README's plan and policy examples run as written: the policy example reads the file the plan writes, and
// neither command type-checks first (that is npm test's job, decision 0080).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./stacks";

const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
const scripts = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/** The `npm run …` lines of the README's sh blocks, comments cut, split into words (they use no shell syntax). */
function npmExamples(): string[][] {
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  return blocks.flatMap((b) => b.split("\n")).map((l) => l.replace(/\s+#.*$/, "").trim()).filter((l) => l.startsWith("npm run plan") || l.startsWith("npm run policy")).map((l) => l.split(/\s+/));
}

describe("the README's commands", () => {
  it("run the cached bundle, never tsc or a build first", () => {
    for (const name of ["plan", "policy", "bench:plan", "bench:policy"]) {
      expect(scripts[name], name).toMatch(/^node tools\/fast\/run\.cjs tools\/[a-z/]+\.ts$/);
      expect(scripts[name], name).not.toMatch(/tsc|npm run/);
    }
  });

  it("the policy example checks the state file the plan example writes, and both succeed", () => {
    const examples = npmExamples();
    const plan = examples.find((e) => e[2] === "plan" && e.includes("--stack"));
    const policy = examples.find((e) => e[2] === "policy");
    expect(plan, "a plan example with --stack").toBeDefined();
    expect(policy, "a policy example").toBeDefined();
    const stack = plan?.[plan.indexOf("--stack") + 1] ?? "";
    const file = policy?.[policy.indexOf("--file") + 1] ?? "";
    expect(file).toBe(`out/${stack}/state.json`);

    const run = (words: string[]) => spawnSync(words[0] ?? "", words.slice(1), { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024 });
    const planned = run(plan ?? []);
    expect(planned.status, planned.stderr).toBe(0);
    expect(existsSync(path.join(REPO_ROOT, file))).toBe(true);
    const checked = run(policy ?? []);
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/0 mandatory/);
  }, 300_000);
});
