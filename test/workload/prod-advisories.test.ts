// Issue 16, the pod-level part: the pack on the prod and dev plans, with their reviewed configs, reports nothing for
// the rules this work fixed, and the secrets still taken from the environment are only those the bootstrap and
// backup Jobs' rotation work changes (the admin password's delivery), plus the two reviewed Letta exceptions.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Finding, PackConfig } from "../../tools/policy/model";
import { policyDir } from "../../tools/policy/pack-config";
import { readPackConfigFile } from "../../tools/policy/pack-config-file";
import { resourcesOfExport } from "../../tools/policy/state";
import { toDeployment } from "../../tools/plan/state-export";
import { runStack } from "../support/harness";
import { runPack } from "../policy/support/cases";

type Env = "dev" | "prod";
const configOf = (env: Env): PackConfig => readPackConfigFile(join(policyDir(), "config", `${env}.json`)) as PackConfig;
const FIXED = ["k8s-recommended-labels", "k8s-priority-class", "k8s-dedicated-service-account", "k8s-probes-distinct", "rds-non-default-port", "s3-replication", "s3-access-logging"];

const findings = new Map<Env, Finding[]>();
beforeAll(async () => {
  for (const env of ["dev", "prod"] as const) {
    const run = await runStack(env);
    const resources = resourcesOfExport(JSON.parse(JSON.stringify(toDeployment(run.captured, "test"))) as unknown, env);
    findings.set(env, (await runPack(resources, configOf(env))).evaluation.findings.filter((f) => f.kind === "violation"));
  }
}, 180_000);

const of = (env: Env, policy: string) => (findings.get(env) ?? []).filter((f) => f.policy === policy).map((f) => `${f.name ?? ""}: ${f.message.split("\n")[1] ?? ""}`);

describe.each(["dev", "prod"] as const)("the %s plan", (env) => {
  it.each(FIXED)("has no %s finding", (policy) => {
    expect(of(env, policy)).toEqual([]);
  });
});

describe("the prod plan", () => {
  it("takes secrets from the environment only in the bootstrap and backup Jobs (the admin password's delivery, changed separately)", () => {
    const resources = new Set((findings.get("prod") ?? []).filter((f) => f.policy === "k8s-secrets-not-in-env").map((f) => f.name));
    // A subset: the rotation work may clear some or all of them.
    const allowed = ["agents-backup-jobs-backup", "agents-backup-jobs-restore", "agents-backup-jobs-restore-drill", "agents-database-jobs-bootstrap"];
    for (const name of resources) expect(allowed, String(name)).toContain(name);
  });

  it("keeps the reviewed exceptions at 8 or fewer, each with a reason", () => {
    const config = configOf("prod") as Record<string, { exclude?: { resource: string; reason: string }[] }>;
    const excludes = Object.values(config).flatMap((c) => c.exclude ?? []);
    expect(excludes.length).toBeLessThanOrEqual(8);
    for (const e of excludes) expect(e.reason.length, e.resource).toBeGreaterThan(80);
    const secretsInEnv = (config["k8s-secrets-not-in-env"]?.exclude ?? []).map((e) => e.resource);
    expect(secretsInEnv).toEqual([
      "urn:pulumi:*::agent-platform::*kubernetes:apps/v1:Deployment::*-server-deployment",
      "urn:pulumi:*::agent-platform::*kubernetes:batch/v1:Job::*-database-jobs-migrations",
    ]);
  });
});
