/**
 * Every fixture case through the pack's own @pulumi/policy server, and the meta-test of coverage (kube-linter's check-bats-tests,
 * Polaris' "the check ran at least once"): each rule has a passing and a failing case, and evaluated a resource;
 * every failing case names its failure (a message the violation must contain), and every not-applicable case the
 * reason the rule gave.
 */
import { describe, expect, it } from "vitest";
import { rules } from "../../policy/rules";
import { packConfigFor, readExclusions } from "../../tools/policy/pack-config";
import { allCases } from "./cases";
import { cronJob, job, podSpecWith, T } from "./fixtures/k8s";
import { runCase, type PolicyCase } from "./support/cases";

const envConfig = { dev: packConfigFor("dev", rules, {}), prod: packConfigFor("prod", rules, {}) };

describe.each(rules.map((r) => [r.id, r] as const))("rule %s", (id) => {
  const cases = allCases.filter((c) => c.rule === id);
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const result = await runCase(c, envConfig[c.environment ?? "prod"]);
    const violations = result.findings.filter((f) => f.kind === "violation");
    const undecided = result.findings.filter((f) => f.kind === "undecided");
    const shown = JSON.stringify(result.findings, null, 1);
    switch (c.expect) {
      case "pass":
        expect(result.evaluated.get(id) ?? 0, "the rule evaluated the fixture").toBeGreaterThan(0);
        expect(result.findings, shown).toEqual([]);
        break;
      case "fail":
        expect(violations.length, shown).toBeGreaterThan(0);
        if (c.message !== undefined) expect(violations.map((v) => v.message).join("\n")).toMatch(c.message);
        if (c.level !== undefined) expect(violations.every((v) => v.enforcementLevel === c.level), shown).toBe(true);
        break;
      case "undecided":
        expect(violations, shown).toEqual([]);
        expect(undecided.length, shown).toBeGreaterThan(0);
        expect(undecided.every((u) => u.enforcementLevel === "advisory")).toBe(true);
        break;
      case "not-applicable":
        expect(result.findings, shown).toEqual([]);
        expect(result.evaluated.get(id) ?? 0).toBe(0);
        if (c.reason !== undefined) expect((result.notApplicable.get(id) ?? []).join("\n")).toMatch(c.reason);
        break;
    }
  });

  it("has a passing and a failing case that evaluated a resource", () => {
    expect(cases.filter((c) => c.expect === "pass").length, `${id} needs a passing case`).toBeGreaterThan(0);
    expect(cases.filter((c) => c.expect === "fail").length, `${id} needs a failing case`).toBeGreaterThan(0);
  });

  it("names the failure of every failing case (message), so none fails for an unrelated reason", () => {
    const unnamed = cases.filter((c) => c.expect === "fail" && c.message === undefined).map((c) => c.name);
    expect(unnamed, `${id}: give these fail cases a message that proves the reason their name states`).toEqual([]);
  });

  it("names the reason of every not-applicable case (reason), so none is skipped for an unrelated reason", () => {
    const unexplained = cases.filter((c) => c.expect === "not-applicable" && c.reason === undefined).map((c) => c.name);
    expect(unexplained, `${id}: give these not-applicable cases the reason (ctx.notApplicable) their name states`).toEqual([]);
  });
});

/**
 * Kinds a rule leaves alone because they are not among its targets: the evaluator never calls the rule for them, so
 * there is no notApplicable reason to check; the targets themselves say so, and the fixture draws no finding.
 */
const withoutReadiness = () => podSpecWith((c) => delete c["readinessProbe"]);
const NOT_TARGETED: Pick<PolicyCase, "rule" | "name" | "resources">[] = [
  { rule: "k8s-no-default-namespace", name: "cluster-scoped Namespace", resources: [{ type: T.namespace, name: "ns", props: { metadata: { name: "agents" } } }] },
  { rule: "k8s-readiness-probe", name: "batch kinds are skipped (Job)", resources: [{ type: T.job, name: "migrate", props: job(withoutReadiness()) }] },
  { rule: "k8s-readiness-probe", name: "batch kinds are skipped (CronJob)", resources: [{ type: T.cronJob, name: "backup", props: cronJob(withoutReadiness()) }] },
  { rule: "k8s-cronjob-backup", name: "standalone Jobs", resources: [{ type: T.job, name: "migrate", props: job() }] },
];

describe.each(NOT_TARGETED.map((c) => [`${c.rule}: ${c.name}`, c] as const))("not a target of the rule: %s", (_name, c) => {
  it("the rule's targets exclude the kind, and the fixture draws no finding", async () => {
    const rule = rules.find((r) => r.id === c.rule);
    expect(rule, c.rule).toBeDefined();
    for (const r of c.resources) expect(rule?.targets, r.type).not.toContain(r.type);
    const result = await runCase({ ...c, expect: "not-applicable" }, envConfig.prod);
    expect(result.findings).toEqual([]);
    expect(result.evaluated.get(c.rule) ?? 0).toBe(0);
  });
});

describe("the catalogue", () => {
  it("every case names a rule of the pack", () => {
    const ids = new Set(rules.map((r) => r.id));
    expect(allCases.filter((c) => !ids.has(c.rule)).map((c) => `${c.rule}: ${c.name}`)).toEqual([]);
  });

  it("rule ids are unique and metadata is complete", () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of rules) {
      expect(r.id, r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.description.length, r.id).toBeGreaterThan(20);
      expect(r.remediation.length, r.id).toBeGreaterThan(20);
      expect(r.references.length, r.id).toBeGreaterThan(0);
      expect(r.targets.length, r.id).toBeGreaterThan(0);
    }
  });

  it("the reviewed exclusions name existing rules", () => {
    expect(() => packConfigFor("prod", rules, readExclusions())).not.toThrow();
  });
});
