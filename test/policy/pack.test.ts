/**
 * The pack folder as `pulumi preview --policy-pack policy` loads it: self-contained (nothing imported from outside
 * policy/ except its own dependencies), the same pinned SDK versions as the program, every policy with the metadata
 * CrossGuard 1.18+ shows (severity, remediation, tags), and an index.ts that only constructs the pack.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { packPolicies, rules } from "../../policy/rules";

const POLICY = resolve(__dirname, "../../policy");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === "node_modules") return [];
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("the policy pack folder", () => {
  it("imports nothing from outside policy/ but @pulumi/policy", () => {
    const escapes: string[] = [];
    for (const file of sources(POLICY)) {
      for (const [, spec] of readFileSync(file, "utf8").matchAll(/from "([^"]+)"/g)) {
        if (!spec) continue;
        if (spec.startsWith(".")) {
          if (relative(POLICY, resolve(dirname(file), spec)).startsWith("..")) escapes.push(`${relative(POLICY, file)} -> ${spec}`);
        } else if (spec !== "@pulumi/policy") escapes.push(`${relative(POLICY, file)} -> ${spec}`);
      }
    }
    expect(escapes).toEqual([]);
  });

  it("pins the SDKs the program pins, and has a lock file", () => {
    const pack = JSON.parse(readFileSync(join(POLICY, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    // The root pins them as devDependencies (the SDKs are the component package's peers: decision 0090).
    const root = JSON.parse(readFileSync(join(POLICY, "..", "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    expect(pack.dependencies["@pulumi/policy"]).toBe(root.devDependencies["@pulumi/policy"]);
    expect(pack.dependencies["@pulumi/pulumi"]).toBe(root.devDependencies["@pulumi/pulumi"]);
    expect(pack.dependencies["@pulumi/policy"]).toMatch(/^\d+\.\d+\.\d+$/);
    const lock = JSON.parse(readFileSync(join(POLICY, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
    expect(lock.packages["node_modules/@pulumi/policy"]?.version).toBe(pack.dependencies["@pulumi/policy"]);
  });

  it("index.ts only constructs the PolicyPack from the rule registry", () => {
    const text = readFileSync(join(POLICY, "index.ts"), "utf8");
    expect(text).toMatch(/new PolicyPack\("agent-platform", \{ policies: packPolicies\(\) \}\)/);
    expect(readFileSync(join(POLICY, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
  });

  it("gives every policy CrossGuard's metadata: severity, remediation, framework tags, a level", () => {
    const policies = packPolicies();
    expect(policies.map((p) => p.name)).toEqual(rules.map((r) => r.id));
    for (const p of policies) {
      expect(p.severity, p.name).toMatch(/^(low|medium|high|critical)$/);
      expect(p.remediationSteps?.length ?? 0, p.name).toBeGreaterThan(20);
      expect(p.tags?.length ?? 0, p.name).toBeGreaterThan(0);
      expect(p.enforcementLevel, p.name).toMatch(/^(advisory|mandatory)$/);
      expect(Object.keys(p.configSchema?.properties ?? {}), p.name).toContain("exclude");
    }
  });

  it("covers the catalogue: every pack id of its §5 tables is a rule", () => {
    const catalogue = readFileSync(resolve(POLICY, "../docs/reference/security-catalogue.md"), "utf8");
    const section = catalogue.slice(catalogue.indexOf("## 5. Proposed policy catalogue"), catalogue.indexOf("## 6."));
    const ids = new Set<string>();
    for (const line of section.split("\n").filter((l) => l.startsWith("| `"))) {
      const first = line.split("|")[1] ?? "";
      for (const [, id] of first.matchAll(/`([a-z0-9-]+)`/g)) if (id) ids.add(id);
    }
    // Catalogue rows that name a group rather than one rule: the pack splits them (one rule per PSA check, and
    // separate readiness/liveness rules).
    const groups = new Set(["k8s-pss-baseline", "k8s-pss-restricted", "k8s-probes"]);
    const have = new Set(rules.map((r) => r.id));
    expect([...ids].filter((id) => !groups.has(id) && !have.has(id))).toEqual([]);
    expect(rules.filter((r) => r.id.startsWith("k8s-pss-")).length).toBe(19);
    expect(have.has("k8s-readiness-probe") && have.has("k8s-liveness-probe")).toBe(true);
  });
});
