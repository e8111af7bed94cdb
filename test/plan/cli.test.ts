// The offline plan's command line, run as a child process the way `npm run plan` runs it: exit codes, the summary,
// and the files it writes (state.json in `pulumi stack export` form, one YAML manifest per Kubernetes object).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { planStack } from "../../tools/plan/plan-stack";
import { readStackFile } from "../../tools/plan/stack-file";
import type { DeploymentV3, StateResource } from "../../tools/plan/state-export";
import { REDACTED, SECRET_SIG, SIG_KEY } from "../../tools/plan/wire";
import { secretStrings } from "./secret-values";
import { PLAN_STACKS, REPO_ROOT } from "./stacks";

const PROJECT = "agent-platform";
const USAGE = "usage: npm run plan -- [--stack dev|prod|PATH-TO-STACK-YAML] [--out DIR]";
const SECRET_IN_STATE = { [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(REDACTED) };

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run plan -- ...args`, without npm: node with the tsx loader, from the repo root. */
function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "tools/plan/cli.ts", ...args], {
      cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The plan's "Wrote …" paragraph as one line (it is wrapped to the terminal width). */
function wroteParagraph(stdout: string): string {
  return (stdout.split("\n\n").find((p) => p.startsWith("Wrote ")) ?? "").replace(/\n/g, " ");
}

function makeTempDir(): string {
  return mkdtempSync(path.join(tmpdir(), "agent-platform-plan-"));
}

/** Every object anywhere in a JSON value that carries the secret signature key. */
function secretObjects(value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) for (const item of value) secretObjects(item, out);
  else if (typeof value === "object" && value !== null) {
    if (SIG_KEY in value) out.push(value);
    else for (const item of Object.values(value)) secretObjects(item, out);
  }
  return out;
}

/** kubernetes:apps/v1:Deployment → "apps/v1 Deployment"; kubernetes:core/v1:Namespace → "v1 Namespace". */
function apiOfType(type: string): string {
  const match = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(type);
  if (!match) return `(not a Kubernetes type token: ${type})`;
  const [, group, version, kind] = match;
  return `${group === "core" ? "" : `${group}/`}${version} ${kind}`;
}

function isKubernetesObjectState(resource: StateResource): boolean {
  return resource.custom && resource.type.startsWith("kubernetes:") && !resource.type.startsWith("kubernetes:helm");
}

/** `<type path>` and `<name>` of urn:pulumi:<stack>::<project>::<type path>::<name>, or undefined if malformed. */
function splitUrn(urn: string, stack: string): { typePath: string; name: string } | undefined {
  const prefix = `urn:pulumi:${stack}::${PROJECT}::`;
  if (!urn.startsWith(prefix)) return undefined;
  const rest = urn.slice(prefix.length);
  const separator = rest.indexOf("::");
  if (separator <= 0) return undefined;
  const typePath = rest.slice(0, separator);
  const name = rest.slice(separator + 2);
  return name === "" ? undefined : { typePath, name };
}

/** A scalar as text: strings as they are, anything else as JSON. */
function text(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value) ?? "undefined";
}

function manifestIdentity(object: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }): string {
  return `${text(object.apiVersion)} ${text(object.kind)} ${text(object.metadata?.namespace ?? "")}/${text(object.metadata?.name)}`;
}

describe.each(PLAN_STACKS)("npm run plan for %s", (stack) => {
  let dir: string;
  let run: CliResult;
  let stateText: string;
  let state: DeploymentV3;
  let resources: StateResource[];
  let manifestFiles: string[];
  let manifestTexts: string[];
  let fakeSecrets: string[];

  beforeAll(async () => {
    dir = makeTempDir();
    // dev is the default stack: run it without --stack, so the default is what is tested.
    const args = stack === "dev" ? ["--out", dir] : ["--stack", stack, "--out", dir];
    const [result, plan] = await Promise.all([runCli(args), planStack({ stack })]);
    run = result;
    // The plan is deterministic (fakes derive from names), so the in-process plan holds the child's fake secrets.
    fakeSecrets = secretStrings(plan.captured);
    if (run.code !== 0) return;
    stateText = readFileSync(path.join(dir, "state.json"), "utf8");
    state = JSON.parse(stateText) as DeploymentV3;
    resources = state.deployment.resources;
    const manifestDir = path.join(dir, "manifests");
    manifestFiles = readdirSync(manifestDir).sort();
    manifestTexts = manifestFiles.map((file) => readFileSync(path.join(manifestDir, file), "utf8"));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("exits 0 and prints the preview with the count pulumi preview would give, and masked outputs", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const stackFile = `Pulumi.${stack}.yaml`;
    expect(run.stdout.startsWith(`Offline plan of stack ${stack} (${stackFile})`), run.stdout.slice(0, 200)).toBe(true);
    // The engine neither shows nor counts default providers; every other resource of state.json is a create.
    const created = resources.filter((r) => !(r.type.startsWith("pulumi:providers:") && /::default[\w]*$/.test(r.urn)));
    expect(created.length).toBeLessThan(resources.length);
    expect(run.stdout).toContain(`\nResources:\n    + ${created.length} to create\n`);
    expect(run.stdout.match(/ to create/g)).toHaveLength(1);
    // One tree row per counted resource, each marked +.
    expect(run.stdout.split("\n").filter((line) => /^ \+ {3}/.test(line))).toHaveLength(created.length);
    expect(run.stdout).toMatch(/^Outputs:$/m);
    expect(run.stdout).toContain(`serverPassword: ${REDACTED}`);
    expect(fakeSecrets.length).toBeGreaterThan(0);
    expect(fakeSecrets.filter((secret) => run.stdout.includes(secret) || run.stderr.includes(secret))).toEqual([]);
    expect(run.stdout).toContain(`environment: "${stack}"`);
    expect(wroteParagraph(run.stdout)).toMatch(/^Wrote \S*state\.json \(\d+ resources and \d+ default providers?\), \d+ manifests in/);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.filter((line) => [...line].length > 100)).toEqual([]);
    expect(run.stdout.trimEnd().split("\n\n").pop() ?? "").toMatch(/^Next: /);
  });

  it("writes the Secrets only for review, in a shape kubectl refuses, and none among the manifests", () => {
    const secrets = resources.filter((r) => r.type === "kubernetes:core/v1:Secret");
    expect(secrets.length).toBeGreaterThan(0);
    for (const text of manifestTexts) expect((parse(text) as { kind?: unknown }).kind).not.toBe("Secret");
    const reviewDir = path.join(dir, "review-only");
    const files = readdirSync(reviewDir);
    expect(files).toHaveLength(secrets.length);
    for (const file of files) {
      const text = readFileSync(path.join(reviewDir, file), "utf8");
      expect(text.startsWith("# Review only: never apply."), file).toBe(true);
      const document = parse(text) as { apiVersion?: unknown; kind?: unknown; object?: { kind?: unknown } };
      // kubectl needs apiVersion and kind at the top: without them it refuses the file.
      expect(document.apiVersion, file).toBeUndefined();
      expect(document.kind, file).toBeUndefined();
      expect(document.object?.kind, file).toBe("Secret");
    }
  });

  it("writes one parseable YAML manifest per Kubernetes object in state.json", () => {
    const kubernetes = resources.filter((r) => isKubernetesObjectState(r) && r.type !== "kubernetes:core/v1:Secret");
    expect(kubernetes.length).toBeGreaterThan(0);
    expect(manifestFiles.every((file) => file.endsWith(".yaml"))).toBe(true);
    expect(manifestFiles).toHaveLength(kubernetes.length);
    expect(wroteParagraph(run.stdout)).toContain(`, ${kubernetes.length} manifests in`);

    const objects = manifestTexts.map((text, i) => {
      const documents = parseAllDocuments(text);
      const file = manifestFiles[i] ?? "";
      expect(Array.isArray(documents) ? documents.length : -1, file).toBe(1);
      const [document] = Array.isArray(documents) ? documents : [];
      expect(document?.errors, file).toEqual([]);
      return document?.toJS() as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    });
    const fromState = kubernetes.map((r) => {
      const metadata = (r.inputs?.metadata ?? {}) as { name?: unknown; namespace?: unknown };
      return `${apiOfType(r.type)} ${text(metadata.namespace ?? "")}/${text(metadata.name)}`;
    });
    expect(objects.map(manifestIdentity).sort()).toEqual(fromState.sort());
  });

  it("writes state.json as deployment version 3, starting with the root Stack resource", () => {
    expect(state.version).toBe(3);
    expect(typeof state.deployment.manifest.time).toBe("string");
    expect(Number.isNaN(Date.parse(state.deployment.manifest.time))).toBe(false);
    const [root] = resources;
    expect(root?.type).toBe("pulumi:pulumi:Stack");
    expect(root?.urn).toBe(`urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${stack}`);
    expect(root?.custom).toBe(false);
    expect(root?.parent).toBeUndefined();
    expect(resources.filter((r) => r.type === "pulumi:pulumi:Stack")).toHaveLength(1);
    expect(resources.length).toBeGreaterThan(4);
  });

  it("names every resource with a URN built from its parent's type path, as the engine does", () => {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    expect(byUrn.size).toBe(resources.length);
    const problems: string[] = [];
    for (const resource of resources.slice(1)) {
      const parts = splitUrn(resource.urn, stack);
      if (!parts) {
        problems.push(`${resource.urn}: not urn:pulumi:${stack}::${PROJECT}::<type path>::<name>`);
        continue;
      }
      const parent = resource.parent === undefined ? undefined : byUrn.get(resource.parent);
      const parentPath = parent && parent.type !== "pulumi:pulumi:Stack" ? splitUrn(parent.urn, stack)?.typePath : undefined;
      const expected = parentPath === undefined ? resource.type : `${parentPath}$${resource.type}`;
      if (parts.typePath !== expected) problems.push(`${resource.urn}: type path should be ${expected}`);
    }
    expect(problems).toEqual([]);
  });

  it("lists every resource after its parent, dependencies and provider (the order `pulumi stack import` needs)", () => {
    const seen = new Map<string, StateResource>();
    const problems: string[] = [];
    const needEarlier = (resource: StateResource, what: string, urn: string) => {
      if (!seen.has(urn)) problems.push(`${resource.urn}: ${what} ${urn} is not an earlier resource`);
    };
    let references = 0;
    for (const resource of resources) {
      if (resource.type !== "pulumi:pulumi:Stack") {
        // Only default providers, which the engine itself registers, have no parent.
        if (resource.parent === undefined) {
          if (!/^pulumi:providers:/.test(resource.type) || !splitUrn(resource.urn, stack)?.name.startsWith("default")) {
            problems.push(`${resource.urn}: no parent`);
          }
        } else {
          needEarlier(resource, "parent", resource.parent);
          references++;
        }
      }
      for (const urn of resource.dependencies ?? []) { needEarlier(resource, "dependency", urn); references++; }
      for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
        for (const urn of urns) { needEarlier(resource, `property dependency (${key})`, urn); references++; }
      }
      if (resource.provider !== undefined) {
        const separator = resource.provider.lastIndexOf("::");
        const providerUrn = resource.provider.slice(0, separator);
        const providerId = resource.provider.slice(separator + 2);
        const provider = seen.get(providerUrn);
        if (!provider) problems.push(`${resource.urn}: provider ${providerUrn} is not an earlier resource`);
        else if (!provider.type.startsWith("pulumi:providers:")) problems.push(`${resource.urn}: provider ${providerUrn} is a ${provider.type}`);
        else if (provider.id !== providerId || providerId === "") problems.push(`${resource.urn}: provider reference id ${providerId} is not ${provider.id ?? "(none)"}`);
        else if (provider.type !== `pulumi:providers:${resource.type.split(":")[0] ?? ""}`) problems.push(`${resource.urn}: a ${resource.type} served by a ${provider.type}`);
        references++;
      }
      seen.set(resource.urn, resource);
    }
    expect(problems).toEqual([]);
    expect(references).toBeGreaterThan(resources.length);
  });

  it("gives every custom resource an id, and every custom non-provider resource a provider", () => {
    const problems: string[] = [];
    for (const resource of resources) {
      const isProvider = resource.type.startsWith("pulumi:providers:");
      if (resource.custom && (typeof resource.id !== "string" || resource.id === "")) problems.push(`${resource.urn}: custom without id`);
      if (!resource.custom && resource.id !== undefined) problems.push(`${resource.urn}: component with an id`);
      if (resource.custom && !isProvider && resource.provider === undefined) problems.push(`${resource.urn}: no provider reference`);
      if (!resource.custom && resource.provider !== undefined) problems.push(`${resource.urn}: component with a provider reference`);
      if (isProvider && !resource.custom) problems.push(`${resource.urn}: provider that is not custom`);
    }
    expect(problems).toEqual([]);
    expect(resources.filter((r) => r.type.startsWith("pulumi:providers:")).length).toBeGreaterThan(0);
  });

  it("writes each secret as the signature with plaintext \"[secret]\", and no secret value anywhere", () => {
    const secrets = secretObjects(state);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(secret).toEqual(SECRET_IN_STATE);
    expect(resources[0]?.outputs?.serverPassword).toEqual(SECRET_IN_STATE);

    expect(fakeSecrets.length).toBeGreaterThan(0);
    const everything = [stateText, run.stdout, run.stderr, ...manifestTexts].join("\n");
    expect(fakeSecrets.filter((secret) => everything.includes(secret))).toEqual([]);
  });
});

describe("npm run plan with bad input", () => {
  let dir: string;
  beforeAll(() => { dir = makeTempDir(); });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  const devConfig = (): Record<string, unknown> => (parse(readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
  const writeStack = (file: string, config: Record<string, unknown>): string => {
    const target = path.join(dir, file);
    writeFileSync(target, `config:\n${Object.entries(config).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join("\n")}\n`);
    return target;
  };

  it("exits 2 naming the key and the value of an invalid config value in a stack file given as a path", async () => {
    const file = writeStack("Pulumi.mysql.yaml", { "agent-platform:environment": "dev", "agent-platform:database.mode": "mysql" });
    const out = path.join(dir, "out-mysql");
    const result = await runCli(["--stack", file, "--out", out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("agent-platform:database.mode");
    expect(result.stderr).toContain("mysql");
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe("");
    expect(existsSync(path.join(out, "state.json"))).toBe(false);
  });

  it("exits 2 with the usage line on an unknown flag", async () => {
    const result = await runCli(["--nope"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--nope");
    expect(result.stderr).toContain(USAGE);
    expect(result.stdout).toBe("");
  });

  it("exits 2 when the stack file does not exist", async () => {
    const missing = path.join(dir, "Pulumi.missing.yaml");
    const result = await runCli(["--stack", missing, "--out", path.join(dir, "out-missing")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot read stack file ${missing}`);
    expect(result.stdout).toBe("");
  });

  it("plans a stack file holding a secure LLM key, and never shows its value", async () => {
    const ciphertext = "v1:Q2lwaGVydGV4dE5ldmVyVG9CZVByaW50ZWQ=:bm9uY2VOZXZlclByaW50ZWQ=";
    const file = writeStack("Pulumi.keyed.yaml", { ...devConfig(), "agent-platform:llm.openaiApiKey": { secure: ciphertext } });
    const fake = readStackFile(file, PROJECT).config["agent-platform:llm.openaiApiKey"];
    expect(fake).toBeTypeOf("string");
    const out = path.join(dir, "out-keyed");
    const result = await runCli(["--stack", file, "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Offline plan of stack keyed");

    const read = (sub: string) => readdirSync(path.join(out, sub)).map((f) => readFileSync(path.join(out, sub, f), "utf8"));
    const manifests = read("manifests");
    const reviewOnly = read("review-only");
    const written = [result.stdout, result.stderr, readFileSync(path.join(out, "state.json"), "utf8"), ...manifests, ...reviewOnly].join("\n");
    for (const value of [ciphertext, "Q2lwaGVydGV4dE5ldmVyVG9CZVByaW50ZWQ", fake ?? ""]) expect(written).not.toContain(value);
    // The key did reach the credentials Secret, redacted.
    const secret = reviewOnly.map((text) => (parse(text) as { object: { kind?: string; stringData?: Record<string, unknown> } }).object).find((o) => o.kind === "Secret" && o.stringData?.OPENAI_API_KEY !== undefined);
    expect(secret?.stringData?.OPENAI_API_KEY).toBe(REDACTED);
  });

  it("runs the policy gate with the file the stack's environment picks: exit 1 on a mandatory violation", async () => {
    const prod = (parse(readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
    const single = writeStack("Pulumi.single-az.yaml", { ...prod, "agent-platform:database.multiAz": false });
    const result = await runCli(["--stack", single, "--out", path.join(dir, "out-single-az"), "--verbose"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Policies (policy/config/prod.json;");
    expect(result.stdout).toMatch(/^ {4}✗ rds-multi-az {2}mandatory \w+ {2}1×$/m);
    expect(result.stdout).toMatch(/^ {8}- agents-database-instance \(aws:rds\/instance:Instance\)$/m);
    expect(result.stdout.trimEnd().split("\n\n").pop()).toMatch(/^Next: fix the 1 mandatory violation above/);
    // A stack whose environment is dev is judged with the dev file.
    const relaxed = await runCli(["--stack", writeStack("Pulumi.other-dev.yaml", devConfig()), "--out", path.join(dir, "out-other-dev")]);
    expect(relaxed.code).toBe(0);
    expect(relaxed.stdout).toContain("Policies (policy/config/dev.json;");
  });

  it("exits 2 when a secret LLM key is set in plain text, without printing it", async () => {
    const plain = "sk-plain-text-key-that-must-not-be-echoed";
    const file = writeStack("Pulumi.plain.yaml", { ...devConfig(), "agent-platform:llm.openaiApiKey": plain });
    const result = await runCli(["--stack", file, "--out", path.join(dir, "out-plain")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("agent-platform:llm.openaiApiKey");
    expect(result.stderr).toContain("plain text");
    expect(`${result.stdout}${result.stderr}`).not.toContain(plain);
  });
});

describe("npm run plan with a bad --out", () => {
  let dir: string;
  beforeAll(() => { dir = makeTempDir(); });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it.each([
    ["a file", () => { const f = path.join(dir, "a-file"); writeFileSync(f, "x"); return f; }, /is a file, not a folder/],
    ["/proc/x", () => "/proc/x", /is under \/proc, a kernel file system/],
    ["a folder of the user's", () => { const mine = path.join(dir, "mine"); mkdirSync(mine); writeFileSync(path.join(mine, "notes.txt"), "mine"); return mine; }, /holds notes\.txt, which the plan did not write/],
  ])("exits 2 with one line for %s, before the program runs", async (_label, target, message) => {
    const out = target();
    const result = await runCli(["--out", out]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(out);
  });
});
