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
import { UNKNOWN } from "../../policy/lib/values";
import type { Finding } from "../../tools/policy/evaluate";
import { packConfigFor, policyDir, readExclusions, renderPackConfig } from "../../tools/policy/pack-config";
import { renderPolicyDocs } from "../../tools/policy/render-docs";
import { readStateFile } from "../../tools/policy/state";

const FIXTURE = join(__dirname, "fixtures", "hand-written-export.json");
const P = "urn:pulumi:staging::shop::";

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "../../tools/policy/cli.ts"), ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const pairs = (findings: Finding[]): string[] =>
  [...new Set(findings.filter((f) => f.kind === "violation" && f.enforcementLevel === "mandatory").map((f) => `${f.policy} ${f.urn ?? ""}`))].sort();

describe("the offline runner on a hand-written stack export", () => {
  it("reads it as the engine would: secrets unwrapped (an undecryptable ciphertext is unknown, not a value), the pending delete dropped", () => {
    const resources = readStateFile(FIXTURE);
    expect(resources.map((r) => r.name)).toEqual(["shop-staging", "default_7_48_0", "orders", "orders-versioning", "orders-db", "web"]);
    expect(resources.find((r) => r.name === "orders-db")?.inputs["password"]).toBe(UNKNOWN.string);
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

  it("gives the same verdicts as the evaluator on the same resources (the CLI adds nothing and drops nothing)", () => {
    const run = cli("--file", FIXTURE, "--json");
    const fromCli = (JSON.parse(run.stdout) as { findings: Finding[] }).findings;
    expect(fromCli).toEqual(analyze(readStateFile(FIXTURE)).evaluation.findings);
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

  it("an exclusion with a reason in --config removes exactly that finding", () => {
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
    ["an unknown rule", { "no-such-rule": "mandatory" }, /"no-such-rule" is not a rule of the pack/],
    ["a bad level", { "rds-encrypted": "sometimes" }, /rds-encrypted/],
    ["an exclusion without a real reason", { "rds-encrypted": { exclude: [{ resource: "orders-db", reason: "n/a" }] } }, /reason of at least 20 characters/],
    ["a setting of the wrong type (checked against the rule's configSchema)", { "rds-backups": { minRetentionDays: "seven" } }, /rds-backups\.minRetentionDays: must be (number|integer)/],
  ])("exits 2 on a pack config with %s", (_what, config, message) => {
    const dir = mkdtempSync(join(tmpdir(), "policy-config-"));
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
    const run = cli("--file", FIXTURE, "--config", join(dir, "config.json"));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
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
