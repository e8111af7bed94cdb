/**
 * The pack on the program itself: the dev and prod plans have no mandatory violation, and switching each secure
 * setting off (through config, or by editing the exported state the way a hand edit or a careless change would)
 * makes the matching rule fire on the resource that changed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { rules } from "../../policy/rules";
import type { AnalyzedResource, Finding, PackConfig } from "../../tools/policy/model";
import { policyDir } from "../../tools/policy/pack-config";
import { readPackConfigFile } from "../../tools/policy/pack-config-file";
import { resourcesOfExport } from "../../tools/policy/state";
import { toDeployment } from "../../tools/plan/state-export";
import { runStack } from "../support/harness";
import { runPack } from "./support/cases";
import { join } from "node:path";

type Env = "dev" | "prod";
const configOf = (env: Env): PackConfig => readPackConfigFile(join(policyDir(), "config", `${env}.json`)) as PackConfig;

async function exported(env: Env, overrides: Record<string, string> = {}): Promise<AnalyzedResource[]> {
  const run = await runStack(env, overrides);
  return resourcesOfExport(JSON.parse(JSON.stringify(toDeployment(run.captured, "test"))) as unknown, env);
}

const mandatory = (findings: Finding[]): string[] =>
  findings.filter((f) => f.kind === "violation" && f.enforcementLevel === "mandatory").map((f) => `${f.policy} on ${f.name ?? "(stack)"}: ${f.message}`);

/**
 * Rules that target a type the plans contain but apply to none of those resources by design: the reason each resource
 * gives through ctx.notApplicable (the evaluator records them) must match the pattern listed here, so a rule skipped
 * for another reason is caught, and so is an entry gone stale (the rule now evaluates something).
 */
const NOT_APPLICABLE_IN_PLAN: Record<string, RegExp> = {
  // No Service of type LoadBalancer: the server is exposed through the Ingress, every Service is ClusterIP.
  "k8s-lb-tls": /^spec\.type is (unset \(ClusterIP\)|"ClusterIP"): no load balancer, so no listener to terminate TLS on$/,
};

const stacks = new Map<Env, AnalyzedResource[]>();
beforeAll(async () => {
  stacks.set("dev", await exported("dev"));
  stacks.set("prod", await exported("prod"));
}, 120_000);
const stack = (env: Env): AnalyzedResource[] => structuredClone(stacks.get(env) ?? []);

describe.each(["dev", "prod"] as const)("the %s plan", (env) => {
  it("has no mandatory violation", async () => {
    expect(mandatory((await runPack(stack(env), configOf(env))).evaluation.findings)).toEqual([]);
  });

  it("is evaluated by the rules that target what it contains (no rule silently skipped)", async () => {
    const { evaluation } = await runPack(stack(env), configOf(env));
    const types = new Set(stack(env).map((r) => r.type));
    // A rule disabled in this environment evaluates nothing by design.
    const applicable = rules.filter((r) => r.enforcement[env] !== "disabled" && r.targets.some((t) => types.has(t)));
    expect(applicable.length).toBeGreaterThan(20);
    const skipped: string[] = [];
    const stale: string[] = [];
    for (const id of Object.keys(NOT_APPLICABLE_IN_PLAN)) {
      if (!applicable.some((r) => r.id === id)) stale.push(`${id}: targets nothing the plan contains`);
    }
    for (const r of applicable) {
      const listed = NOT_APPLICABLE_IN_PLAN[r.id];
      const evaluated = evaluation.evaluated.get(r.id) ?? 0;
      if (evaluated > 0) {
        if (listed) stale.push(`${r.id}: listed as not applicable, but evaluated ${evaluated} resource(s)`);
        continue;
      }
      // Resources of other types: the server's fast path for a typed policy (server.js:246-255) or the adapter's
      // own type check; not a skip of what the rule targets.
      const reasons = (evaluation.notApplicable.get(r.id) ?? []).filter((reason) => !/^(Policy only applies to resources of type |applies to )/.test(reason));
      if (reasons.length === 0) {
        skipped.push(`${r.id}: no reason given`);
        continue;
      }
      // Each reason is a reviewed exclusion (policy/exclusions.json) or the listed reason the plan is out of scope.
      const unexplained = reasons.filter((reason) => !reason.startsWith("excluded:") && !(listed?.test(reason) ?? false));
      if (unexplained.length > 0) skipped.push(`${r.id}: ${unexplained.join("; ")}`);
    }
    expect(skipped, "rules that evaluated nothing for a reason not accounted for").toEqual([]);
    expect(stale, "stale NOT_APPLICABLE_IN_PLAN entries").toEqual([]);
  });
});

/** Applies `edit` to the inputs and outputs of the one resource of `type` whose name matches. */
function edit(resources: AnalyzedResource[], type: string, name: RegExp, change: (props: Record<string, unknown>) => void): string {
  const found = resources.filter((r) => r.type === type && name.test(r.name));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${String(name)}, found ${found.map((r) => r.name).join(", ") || "none"}`);
  const target = found[0] as AnalyzedResource;
  change(target.inputs);
  if (target.outputs && target.outputs !== target.inputs) change(target.outputs);
  return target.urn;
}

function remove(resources: AnalyzedResource[], type: string, name: RegExp): AnalyzedResource[] {
  const kept = resources.filter((r) => !(r.type === type && name.test(r.name)));
  if (kept.length !== resources.length - 1) throw new Error(`expected to remove one ${type} named ${String(name)}`);
  return kept;
}

type Obj = Record<string, unknown>;
const at = (o: unknown, path: string): Obj => path.split(".").reduce<Obj>((cur, k) => (cur[k] ?? (cur[k] = {})) as Obj, o as Obj);
const firstContainer = (props: Obj, podPath: string): Obj => ((at(props, podPath)["containers"] as Obj[])[0] as Obj);

const DEPLOY = "kubernetes:apps/v1:Deployment";
const CRON = "kubernetes:batch/v1:CronJob";

describe("prod: switching a secure setting off in the state makes its rule fire", () => {
  const cases: [string, string, (rs: AnalyzedResource[]) => { resources: AnalyzedResource[]; urn?: string }][] = [
    ["server container may escalate privileges", "k8s-pss-allow-privilege-escalation",
      (rs) => ({ resources: rs, urn: edit(rs, DEPLOY, /-server-deployment$/, (p) => { at(firstContainer(p, "spec.template.spec"), "securityContext")["allowPrivilegeEscalation"] = true; }) })],
    ["server root filesystem writable", "k8s-readonly-root-fs",
      (rs) => ({ resources: rs, urn: edit(rs, DEPLOY, /-server-deployment$/, (p) => { delete at(firstContainer(p, "spec.template.spec"), "securityContext")["readOnlyRootFilesystem"]; }) })],
    ["server pod may run as root", "k8s-pss-run-as-non-root",
      (rs) => ({ resources: rs, urn: edit(rs, DEPLOY, /-server-deployment$/, (p) => { at(p, "spec.template.spec.securityContext")["runAsNonRoot"] = false; }) })],
    ["backup job without memory limit", "k8s-resources",
      (rs) => ({ resources: rs, urn: edit(rs, CRON, /-backup$/, (p) => { delete at(firstContainer(p, "spec.jobTemplate.spec.template.spec"), "resources.limits")["memory"]; }) })],
    ["server image tagged latest", "k8s-image-tag",
      (rs) => ({ resources: rs, urn: edit(rs, DEPLOY, /-server-deployment$/, (p) => { firstContainer(p, "spec.template.spec")["image"] = "letta/letta:latest"; }) })],
    ["RDS publicly accessible", "rds-not-public",
      (rs) => ({ resources: rs, urn: edit(rs, "aws:rds/instance:Instance", /./, (p) => { p["publiclyAccessible"] = true; }) })],
    ["RDS storage unencrypted", "rds-encrypted",
      (rs) => ({ resources: rs, urn: edit(rs, "aws:rds/instance:Instance", /./, (p) => { p["storageEncrypted"] = false; }) })],
    ["RDS backups off", "rds-backups",
      (rs) => ({ resources: rs, urn: edit(rs, "aws:rds/instance:Instance", /./, (p) => { p["backupRetentionPeriod"] = 0; }) })],
    ["Redis without TLS", "redis-in-transit-encryption",
      (rs) => ({ resources: rs, urn: edit(rs, "aws:elasticache/replicationGroup:ReplicationGroup", /./, (p) => { p["transitEncryptionMode"] = "preferred"; }) })],
    ["EKS endpoint open to the world", "eks-private-endpoint",
      (rs) => ({ resources: rs, urn: edit(rs, "aws:eks/cluster:Cluster", /./, (p) => { at(p, "vpcConfig")["endpointPublicAccess"] = true; at(p, "vpcConfig")["publicAccessCidrs"] = ["0.0.0.0/0"]; }) })],
    ["EKS secrets not envelope-encrypted", "eks-secrets-encryption",
      (rs) => ({ resources: rs, urn: edit(rs, "aws:eks/cluster:Cluster", /./, (p) => { delete p["encryptionConfig"]; }) })],
    ["KMS key rotation off", "kms-rotation",
      (rs) => ({ resources: rs, urn: edit(rs, "aws:kms/key:Key", /-backup-storage-key$/, (p) => { p["enableKeyRotation"] = false; }) })],
    ["backup bucket versioning suspended", "s3-versioning",
      (rs) => {
        edit(rs, "aws:s3/bucketVersioning:BucketVersioning", /-backups-versioning$/, (p) => { at(p, "versioningConfiguration")["status"] = "Suspended"; });
        // Bucket rules report on the bucket the side resource belongs to.
        return { resources: rs, urn: rs.find((r) => r.type === "aws:s3/bucket:Bucket" && /-backups$/.test(r.name))?.urn ?? "no bucket" };
      }],
    ["backup bucket public access block removed", "s3-public-access-block",
      (rs) => ({ resources: remove(rs, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", /-backups-public-access$/) })],
    ["namespace default-deny NetworkPolicy removed", "k8s-netpol-default-deny",
      (rs) => ({ resources: remove(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy", /default-deny/) })],
    ["IRSA trust for any ServiceAccount", "irsa-trust-scoped",
      (rs) => ({ resources: rs, urn: edit(rs, "aws:iam/role:Role", /-backup-irsa$/, (p) => {
        const doc = JSON.parse(String(p["assumeRolePolicy"])) as { Statement: { Condition: Obj }[] };
        for (const s of doc.Statement) s.Condition = { StringLike: Object.fromEntries(Object.entries((s.Condition["StringEquals"] ?? {}) as Obj).map(([k]) => [k, "*"])) };
        p["assumeRolePolicy"] = JSON.stringify(doc);
      }) })],
  ];

  it.each(cases)("%s: %s", async (_what, rule, mutate) => {
    const { resources, urn } = mutate(stack("prod"));
    const fired = (await runPack(resources, configOf("prod"))).evaluation.findings.filter((f) => f.policy === rule && f.kind === "violation");
    expect(fired.length, `${rule} did not fire`).toBeGreaterThan(0);
    expect(fired.every((f) => f.enforcementLevel === "mandatory")).toBe(true);
    if (urn) expect(fired.map((f) => f.urn)).toContain(urn);
  });
});

describe("prod: switching a secure setting off through config makes its rule fire", () => {
  it.each([
    [{ "database.multiAz": "false" }, "rds-multi-az"],
    [{ "database.deletionProtection": "false" }, "rds-deletion-protection"],
    [{ "database.deletionProtection": "false" }, "rds-final-snapshot"],
    [{ "cache.automaticFailover": "false" }, "redis-failover"],
  ])("%j fires %s (mandatory in prod)", async (overrides, rule) => {
    const resources = await exported("prod", overrides);
    const fired = (await runPack(resources, configOf("prod"))).evaluation.findings.filter((f) => f.policy === rule && f.kind === "violation");
    expect(fired.length, `${rule} did not fire`).toBeGreaterThan(0);
    expect(fired[0]?.enforcementLevel).toBe("mandatory");
  }, 60_000);

  it("the same weakening in a dev stack is advisory (policy/config/dev.json)", async () => {
    const resources = await exported("prod", { "database.multiAz": "false" });
    const fired = (await runPack(resources, configOf("dev"))).evaluation.findings.filter((f) => f.policy === "rds-multi-az");
    expect(fired.map((f) => f.enforcementLevel)).toEqual(["advisory"]);
  }, 60_000);
});
