/**
 * The offline runner (`npm run policy`) on a `pulumi stack export` file written by hand, not by our plan: another
 * project, a passphrase-encrypted secret, the legacy BucketV2 token, a replaced resource pending deletion. Plus its
 * exit codes, and the generated pack configs and docs/policy.md are current.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../policy/rules";
import { analyze } from "../../tools/policy/analyze";
import type { Finding } from "../../tools/policy/model";
import { packConfigFor, policyDir, readExclusions, renderPackConfig } from "../../tools/policy/pack-config";
import { renderPolicyDocs } from "../../tools/policy/render-docs";
import { readStateFile, REDACTED_SECRET } from "../../tools/policy/state";

const FIXTURE = join(__dirname, "fixtures", "hand-written-export.json");
const P = "urn:pulumi:staging::shop::";

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "../../tools/policy/cli.ts"), ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const pairs = (findings: Finding[]): string[] =>
  [...new Set(findings.filter((f) => f.kind === "violation" && f.enforcementLevel === "mandatory").map((f) => `${f.policy} ${f.urn ?? ""}`))].sort();

describe("the offline runner on a hand-written stack export", () => {
  it("reads it as the CLI would: secrets unwrapped (an undecryptable ciphertext redacted to \"[secret]\"), the pending delete dropped", () => {
    const resources = readStateFile(FIXTURE);
    expect(resources.map((r) => r.name)).toEqual(["shop-staging", "default_7_48_0", "orders", "orders-versioning", "orders-db", "web"]);
    expect(resources.find((r) => r.name === "orders-db")?.inputs["password"]).toBe(REDACTED_SECRET);
    expect(resources.find((r) => r.name === "orders")?.provider).toBe("urn:pulumi:staging::shop::pulumi:providers:aws::default_7_48_0::a1");
    expect(resources.find((r) => r.name === "orders-versioning")?.propertyDependencies).toEqual({ bucket: [`${P}aws:s3/bucketV2:BucketV2::orders`] });
  });

  it("exits 1 and reports each mandatory violation on the resource that has it", () => {
    const run = cli("--file", FIXTURE, "--json");
    expect(run.status, run.stderr).toBe(1);
    const found = pairs((JSON.parse(run.stdout) as { findings: Finding[] }).findings);
    const db = `${P}aws:rds/instance:Instance::orders-db`;
    const bucket = `${P}aws:s3/bucketV2:BucketV2::orders`;
    const web = `${P}kubernetes:apps/v1:Deployment::web`;
    // Every mandatory finding the fixture should draw, and no other. Each is a real defect of what the export declares.
    const expected = [
      // orders-db: public, unencrypted, a 1-day backup window, no subnet group (default VPC), no deletion protection,
      // skipFinalSnapshot true, single-AZ, no logs exported, and a password input (a ciphertext, still a plain input).
      ...["rds-encrypted", "rds-not-public", "rds-in-vpc", "rds-backups", "rds-deletion-protection", "rds-final-snapshot", "rds-multi-az", "rds-logging", "rds-managed-master-password"].map((rule) => `${rule} ${db}`),
      // orders: versioning Suspended, and no public access block, ownership controls, KMS encryption, lifecycle or TLS-only policy.
      ...["s3-versioning", "s3-public-access-block", "s3-ownership-enforced", "s3-sse-kms", "s3-lifecycle", "s3-tls-only-policy"].map((rule) => `${rule} ${bucket}`),
      // web: a privileged nginx:latest container with no securityContext hardening, resources or readiness probe, the
      // "default" ServiceAccount's token mounted, two replicas without a PDB, and no NetworkPolicy in namespace "shop".
      ...[
        "k8s-pss-privileged", "k8s-pss-allow-privilege-escalation", "k8s-pss-run-as-non-root", "k8s-pss-seccomp-profile-restricted", "k8s-pss-capabilities-restricted",
        "k8s-readonly-root-fs", "k8s-sa-token-automount", "k8s-resources", "k8s-readiness-probe", "k8s-image-tag", "k8s-pdb-exists", "k8s-netpol-default-deny", "k8s-netpol-coverage",
      ].map((rule) => `${rule} ${web}`),
    ].sort();
    expect(found).toEqual(expected);
    expect(found.filter((p) => p.includes("old-db")), "a resource pending deletion is not judged").toEqual([]);
  }, 60_000);

  it("gives the same verdicts as the in-process run on the same resources (the CLI adds nothing and drops nothing)", async () => {
    const run = cli("--file", FIXTURE, "--json");
    const fromCli = (JSON.parse(run.stdout) as { findings: (Finding & { level: string })[] }).findings;
    expect(fromCli.every((f) => f.level === f.enforcementLevel)).toBe(true);
    expect(fromCli.map(({ level, ...f }) => (void level, f))).toEqual((await analyze(readStateFile(FIXTURE))).evaluation.findings);
  }, 60_000);

  it("prints violations grouped by severity, worst first, naming resource and type", () => {
    const run = cli("--file", FIXTURE);
    expect(run.status).toBe(1);
    const critical = run.stdout.indexOf("CRITICAL (");
    const high = run.stdout.indexOf("HIGH (");
    expect(critical).toBeGreaterThanOrEqual(0);
    expect(high).toBeGreaterThan(critical);
    expect(run.stdout).toContain("[mandatory] rds-not-public  orders-db (aws:rds/instance:Instance)");
    expect(run.stdout).toMatch(new RegExp(`Policy pack agent-platform: ${rules.length} rules over 6 resources: \\d+ mandatory`));
  }, 60_000);

  it("an exclusion with a reason in --config (alias of --policy-pack-config) removes exactly that finding", () => {
    const dir = mkdtempSync(join(tmpdir(), "policy-config-"));
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ "rds-not-public": { exclude: [{ resource: "orders-db", reason: "a reviewed test exception with a long enough reason" }] } }));
    const run = cli("--file", FIXTURE, "--config", config, "--json");
    const found = pairs((JSON.parse(run.stdout) as { findings: Finding[] }).findings);
    expect(found).not.toContain(`rds-not-public ${P}aws:rds/instance:Instance::orders-db`);
    expect(found).toContain(`rds-encrypted ${P}aws:rds/instance:Instance::orders-db`);
  }, 60_000);

  it.each([
    ["a missing file", ["--file", "/nonexistent/state.json"], /cannot read \/nonexistent\/state\.json/],
    ["no --file", [], /--file is required/],
    ["an unknown flag", ["--frobnicate"], /Unknown option '--frobnicate'/],
  ])("exits 2 on %s", (_what, args, message) => {
    const run = cli(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  }, 60_000);

  it.each([
    ["not JSON", "{", /is not JSON/],
    ["an export of another version", JSON.stringify({ version: 2, deployment: { resources: [] } }), /not a `pulumi stack export` file of deployment version 3 \(version: 2\)/],
  ])("exits 2 on a state file that is %s", (_what, text, message) => {
    const dir = mkdtempSync(join(tmpdir(), "policy-state-"));
    writeFileSync(join(dir, "state.json"), text);
    const run = cli("--file", join(dir, "state.json"));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  }, 60_000);

  it.each([
    ["an unknown rule, with the near name", { "rds-encrypt": "mandatory" }, /"rds-encrypt" is not a policy of pack agent-platform; did you mean "rds-encrypted"\?/],
    ["a bad level, named with the allowed ones", { "rds-encrypted": "sometimes" }, /"rds-encrypted" is "sometimes", which is not an enforcement level; allowed: advisory, mandatory, remediate, disabled/],
    ["a bad level for all", { all: "strict" }, /"all" is "strict", which is not an enforcement level; allowed: advisory, mandatory, remediate, disabled/],
    ["a bad level inside an object", { "rds-encrypted": { enforcementLevel: 3 } }, /"rds-encrypted"\.enforcementLevel is 3, which is not an enforcement level; allowed: advisory/],
    ["an exclusion without a real reason", { "rds-encrypted": { exclude: [{ resource: "orders-db", reason: "n/a" }] } }, /rds-encrypted\.exclude\.0\.reason is "n\/a": must NOT have fewer than 20 characters/],
    ["a setting of the wrong type (checked against the rule's configSchema)", { "rds-backups": { minRetentionDays: "seven" } }, /rds-backups\.minRetentionDays is "seven": must be (number|integer)/],
  ])("exits 2 on a pack config with %s", (_what, config, message) => {
    const dir = mkdtempSync(join(tmpdir(), "policy-config-"));
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
    const run = cli("--file", FIXTURE, "--config", join(dir, "config.json"));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  }, 60_000);
});

describe("the runner is strict where the CLI is, and never prints a secret", () => {
  const write = (doc: unknown): string => {
    const dir = mkdtempSync(join(tmpdir(), "policy-strict-"));
    writeFileSync(join(dir, "state.json"), JSON.stringify(doc));
    return join(dir, "state.json");
  };
  const base = JSON.parse(readFileSync(FIXTURE, "utf8")) as { deployment: { resources: Record<string, unknown>[] } };

  it("every problem of a pack config in one run", () => {
    const dir = mkdtempSync(join(tmpdir(), "policy-config-"));
    writeFileSync(join(dir, "config.json"), JSON.stringify({ all: "strict", "rds-backups": { minRetentionDays: "seven" }, "no-such-rule": "advisory" }));
    const run = cli("--file", FIXTURE, "--config", join(dir, "config.json"));
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(3);
  }, 60_000);

  it("a secret whose plaintext is not JSON: names the resource and property, never the value", () => {
    const doc = structuredClone(base);
    const db = doc.deployment.resources.find((r) => String(r["urn"]).endsWith("::orders-db"))!;
    (db["inputs"] as Record<string, unknown>)["password"] = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: "hunter2-not-json" };
    const run = cli("--file", write(doc));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("urn:pulumi:staging::shop::aws:rds/instance:Instance::orders-db inputs.password: the secret's plaintext is not JSON");
    expect(run.stderr + run.stdout).not.toContain("hunter2");
  }, 60_000);

  it("a secret that is JSON is unwrapped; a good file passes the same check", () => {
    const doc = structuredClone(base);
    const db = doc.deployment.resources.find((r) => String(r["urn"]).endsWith("::orders-db"))!;
    (db["inputs"] as Record<string, unknown>)["password"] = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify("hunter2") };
    expect(readStateFile(write(doc)).find((r) => r.name === "orders-db")?.inputs["password"]).toBe("hunter2");
  });

  it("rejects a URN held twice (naming both entries), not the replaced resource pending deletion", () => {
    const doc = structuredClone(base);
    const web = doc.deployment.resources.find((r) => String(r["urn"]).endsWith("::web"))!;
    doc.deployment.resources.push(structuredClone(web));
    const run = cli("--file", write(doc));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/deployment\.resources\[\d+\] and \[\d+\] have the same URN urn:pulumi:staging::shop::kubernetes:apps\/v1:Deployment::web/);
    const replaced = structuredClone(base);
    replaced.deployment.resources.push({ ...structuredClone(web), delete: true });
    expect(readStateFile(write(replaced)).filter((r) => r.name === "web"), "a replaced copy pending deletion shares the URN legitimately").toHaveLength(1);
  }, 60_000);

  it("rejects a malformed URN as the CLI does", () => {
    const doc = structuredClone(base);
    doc.deployment.resources[0]!["urn"] = "shop-staging";
    const run = cli("--file", write(doc));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('deployment.resources[0] has an invalid URN "shop-staging"');
  }, 60_000);

  it("config files pair with packs: a second config for one pack is a usage error", () => {
    const run = cli("--file", FIXTURE, "--policy-pack-config", join(policyDir(), "config", "prod.json"), "--config", join(policyDir(), "config", "dev.json"));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("2 --policy-pack-config file(s) for 1 policy pack(s)");
  }, 60_000);

  it("a folder that is not a policy pack is named", () => {
    const run = cli("--file", FIXTURE, "--policy-pack", tmpdir());
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("is not a policy pack: it has no PulumiPolicy.yaml");
  }, 60_000);
});

describe("generated files are current (npm run gen:policy)", () => {
  it.each(["dev", "prod"] as const)("policy/config/%s.json", (env) => {
    expect(readFileSync(join(policyDir(), "config", `${env}.json`), "utf8")).toBe(renderPackConfig(packConfigFor(env, rules, readExclusions())));
  });

  it("docs/policy.md lists every rule from its metadata", () => {
    const text = readFileSync(join(policyDir(), "..", "docs", "policy.md"), "utf8");
    expect(text).toBe(renderPolicyDocs());
    for (const r of rules) expect(text).toContain(`| \`${r.id}\` |`);
  });
});
