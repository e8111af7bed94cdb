// The package's manifest against what the code does: every module the components import is a declared dependency
// or peer, peers are the tested versions through the next major, the program imports only the public entry point,
// and the versions in the examples and the CHANGELOG follow package.json.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageJson, repoRoot } from "./plugin-schema";

const read = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");

function sourcesUnder(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).map((f) => path.join(dir, f));
}

/** Package names of the bare module specifiers a file imports or re-exports (node: builtins left out). */
function importedPackages(file: string): string[] {
  const specifiers = [...read(file).matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"/gm)].map((m) => m[1] ?? "");
  return specifiers.filter((s) => !s.startsWith(".") && !s.startsWith("node:"))
    .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : (s.split("/")[0] ?? s)));
}

describe("package.json of @agent-platform/agent-platform", () => {
  const componentImports = new Set(sourcesUnder("components").flatMap(importedPackages));

  it("declares every package the components import, as a dependency or a peer, and nothing else", () => {
    const declared = [...Object.keys(packageJson.dependencies), ...Object.keys(packageJson.peerDependencies)].sort();
    expect(declared).toEqual([...componentImports].sort());
  });

  it("takes the Pulumi SDKs as peers: the version tested here through the next major, installed for development", () => {
    for (const [name, range] of Object.entries(packageJson.peerDependencies)) {
      expect.soft(name, "peers are the Pulumi SDKs").toMatch(/^@pulumi\//);
      expect.soft(range, name).toBe(`^${packageJson.devDependencies[name] ?? "<not installed>"}`);
      expect.soft(packageJson.dependencies[name], `${name} also a dependency`).toBeUndefined();
    }
    // A Pulumi package as a plain dependency brings a second @pulumi/pulumi into the consumer's program.
    expect(Object.keys(packageJson.dependencies).filter((name) => name.startsWith("@pulumi/"))).toEqual([]);
  });

  it("points exports and types at the prepack build, and main at the plugin entry", () => {
    const outDir = (JSON.parse(read("tsconfig.package.json").replace(/^\s*\/\/.*$/gm, "")) as { compilerOptions: { outDir: string } }).compilerOptions.outDir;
    expect(outDir).toBe("dist/package");
    expect(packageJson.exports).toEqual({
      ".": { types: "./dist/package/index.d.ts", default: "./dist/package/index.js" }, "./package.json": "./package.json",
    });
    expect(packageJson.scripts.prepack).toBe("npm run --silent build:package");
    expect(packageJson.main).toBe("components/multi-language.ts");
    expect(parse(read("PulumiPlugin.yaml"))).toEqual({ runtime: "nodejs" });
  });

  it("the program uses the package as another program would: only its public entry point", () => {
    expect(importedPackages("index.ts")).toEqual(["@pulumi/pulumi"]);
    const local = [...read("index.ts").matchAll(/from\s+"(\.[^"]*)"/g)].map((m) => m[1]);
    expect(local).toEqual(["./components"]);
  });

  it("the examples and the CHANGELOG follow the package's version", () => {
    const example = JSON.parse(read("examples/typescript/package.json")) as { dependencies: Record<string, string> };
    expect(example.dependencies[packageJson.name]).toBe(`^${packageJson.version}`);
    for (const [name, range] of Object.entries(packageJson.peerDependencies)) expect.soft(example.dependencies[name], name).toBe(range);
    expect(read("CHANGELOG.md")).toMatch(new RegExp(`^## \\[${packageJson.version.replace(/\./g, "\\.")}\\] - \\d{4}-\\d{2}-\\d{2}$`, "m"));
    expect(read("examples/README.md")).toContain(`agent-platform-agent-platform-${packageJson.version}.tgz`);
  });

  it("the README shows the install and import lines the consumer test runs", () => {
    const readme = read("README.md");
    const section = readme.slice(readme.indexOf("## Use the components from another program"), readme.indexOf("## Documentation"));
    expect(section).toContain("npm pack --pack-destination /tmp");
    expect(section).toContain(`npm install /tmp/agent-platform-agent-platform-${packageJson.version}.tgz`);
    for (const [name, range] of Object.entries(packageJson.peerDependencies)) expect.soft(section, name).toContain(`${name}@${range}`);
    const importLine = read("examples/typescript/index.ts").split("\n").find((l) => l.includes(`from "${packageJson.name}"`));
    expect(importLine).toBeDefined();
    expect(section).toContain(importLine);
  });

  it("`pulumi up` runs the program, not the package: Pulumi.yaml names the program's loader, which builds index.ts", () => {
    // The Node.js host's choice (pulumi v3.248.0 sdk/nodejs/cmd/run/run.ts:271-305): Pulumi.yaml "main" when set,
    // else package.json "exports" ".", else its "main". The last two are the package's entries now; "main" is
    // tools/fast/program.cjs, which runs index.ts through the plan's bundle (decision 0080).
    const project = parse(read("Pulumi.yaml")) as { main?: string };
    const exported = (packageJson.exports["."] as { default: string }).default;
    const entry = project.main ?? exported;
    expect(path.normalize(entry)).toBe(path.normalize("tools/fast/program.cjs"));
    expect(read(entry)).toMatch(/ensureBuilt\("index\.ts"\)/);
    expect([exported, packageJson.main]).not.toContain("index.ts");
  });
});
