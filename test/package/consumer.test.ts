// The package as another program gets it: `npm pack` (prepack builds dist/package), install the tarball into a
// copy of examples/typescript, type-check it strictly (ES2022, nodenext, no skipLibCheck) and run it under Pulumi's
// mocks. Offline: the consumer's other dependencies are `file:` links to this repository's node_modules, which npm
// resolves without the registry (the tarball's own dependencies are pinned to the same versions, so npm dedupes them).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageJson, repoRoot } from "./plugin-schema";

interface PackResult { filename: string; files: { path: string }[] }
interface Registered { type: string; name: string }

const work = mkdtempSync(path.join(tmpdir(), "agent-platform-consumer-"));
const consumer = path.join(work, "consumer");
let packed: PackResult;

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

beforeAll(() => {
  packed = (JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], repoRoot)) as PackResult[])[0] as PackResult;

  mkdirSync(consumer);
  const example = path.join(repoRoot, "examples", "typescript");
  for (const file of ["index.ts", "tsconfig.json", "Pulumi.yaml", "package.json"]) cpSync(path.join(example, file), path.join(consumer, file));
  const manifest = JSON.parse(readFileSync(path.join(consumer, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const link = (name: string) => `file:${path.join(repoRoot, "node_modules", name)}`;
  for (const deps of [manifest.dependencies, manifest.devDependencies]) {
    for (const name of Object.keys(deps)) if (name !== packageJson.name) deps[name] = link(name);
  }
  delete manifest.dependencies[packageJson.name];
  for (const name of Object.keys(packageJson.dependencies)) manifest.dependencies[name] = link(name);
  writeFileSync(path.join(consumer, "package.json"), JSON.stringify(manifest, null, 2));
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", path.join(work, packed.filename)], consumer);
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the packed package in another program", () => {
  it("ships the compiled JavaScript, declarations, SQL, shell scripts and Dockerfiles, and no sources or tests", () => {
    const files = packed.files.map((f) => f.path).sort();
    for (const file of [
      "package.json", "README.md", "CHANGELOG.md", "dist/package/index.js", "dist/package/index.d.ts", "dist/package/platform/args.d.ts",
      "dist/package/database/sql/bootstrap.sql", "dist/package/database/sql/extensions.sql", "dist/package/database/sql/monitoring-role.sql",
      "dist/package/backup/scripts/common.sh", "dist/package/backup/scripts/backup.sh", "dist/package/backup/scripts/restore.sh",
      "dist/package/backup/scripts/restore-drill.sh", "dist/package/backup/scripts/hand-over.sql",
      "image/server/Dockerfile", "image/backup/Dockerfile",
    ]) expect.soft(files, file).toContain(file);
    // npm always packs "main" (the plugin entry, read only in a source checkout); no other TypeScript source ships.
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([packageJson.main]);
    expect(files.filter((f) => /^(test|tools|policy|examples|docs)\//.test(f) || f.endsWith(".map"))).toEqual([]);
  });

  it("resolves the package's own name through exports, and refuses deep imports", () => {
    const resolve = (specifier: string) => spawnSync("node", ["-e", `console.log(require.resolve(${JSON.stringify(specifier)}))`], { cwd: consumer, encoding: "utf8" });
    expect(resolve(packageJson.name).stdout.trim()).toBe(path.join(consumer, "node_modules", packageJson.name, "dist", "package", "index.js"));
    expect(resolve(`${packageJson.name}/dist/package/config/schema.js`).stderr).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED");
  });

  it("type-checks the consumer strictly: ES2022, nodenext, no skipLibCheck", () => {
    const tsconfig = JSON.parse(readFileSync(path.join(consumer, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ target: "ES2022", module: "nodenext", strict: true, skipLibCheck: false });
    // Emits bin/index.js for the next test; any type error fails here with tsc's own message.
    run("node", [path.join(consumer, "node_modules", "typescript", "bin", "tsc"), "-p", "."], consumer);
  }, 300_000);

  it("builds a dev AgentPlatform under Pulumi's mocks by importing the package's own name", () => {
    const out = run("node", [path.join(__dirname, "run-under-mocks.cjs"), "bin/index.js", "agent-platform-example", "dev"], consumer);
    const { outputs, registered } = JSON.parse(out) as { outputs: Record<string, unknown>; registered: Registered[] };
    expect(outputs).toEqual({
      namespace: "agents-example", serviceName: "agents-server", serverPassword: "mock-password",
      databaseEndpoint: "agents-postgres.agents-example.svc.cluster.local",
    });
    const count = (type: string) => registered.filter((r) => r.type === type).length;
    expect(registered[0]).toEqual({ type: "agent-platform:index:AgentPlatform", name: "agents" });
    expect({
      statefulSets: count("kubernetes:apps/v1:StatefulSet"), jobs: count("kubernetes:batch/v1:Job"), hpa: count("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"),
      aws: registered.filter((r) => r.type.startsWith("aws:")).length,
    }).toEqual({ statefulSets: 1, jobs: 3, hpa: 1, aws: 0 });
  }, 120_000);

  it("passes npm publish --dry-run", () => {
    const out = execFileSync("npm", ["publish", "--dry-run", "--ignore-scripts"], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(out).toContain(`+ ${packageJson.name}@${packageJson.version}`);
  });
});
