// The alert rules (components/observability/alert-rules.ts), checked by the real promtool (Debian package
// `prometheus`; a missing promtool fails every test here, never skips):
// - `promtool check rules` accepts the rules file of every combination of backends;
// - every rule has a severity, a summary, a description and a runbook link; alert names are unique;
// - `promtool test rules` runs the scenarios of test/observability/cases.ts: each alert fires on series that should
//   fire it, with exactly the labels and annotations expected, and stays quiet on series that should not. Each alert's
//   scenarios run against a rules file holding that alert's rule alone (alert_rule_test checks one alert name, and the
//   multi-day scenarios would otherwise evaluate every rule thousands of times); a healthy platform runs against the
//   whole file;
// - the unit tests can fail: copies of the rules that never fire, always fire, or have one threshold moved across
//   the scenarios' values make promtool test rules exit non-zero, naming the alert.
import { parse, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import {
  alertRules, alertRulesYaml, DEFAULT_RUNBOOK_BASE_URL, DEFAULT_THRESHOLDS,
} from "../../components/observability/alert-rules";
import type { AlertingRule, AlertRulesOptions, AlertThresholds, RuleGroup } from "../../components/observability/alert-rules";
import { CASES, HEALTHY, NS, OPTIONS, RUNBOOK } from "./cases";
import type { AlertCase, Scenario } from "./cases";
import { cleanupPromtoolDirs, promtool, requirePromtool, writeFiles } from "./promtool";
import type { PromtoolResult } from "./promtool";

const SERVER_ALERTS = ["AgentServerLatencyHigh", "AgentServerErrorRateHigh", "AgentServerCpuNearLimit", "AgentServerMemoryNearLimit", "AgentServerHpaAtMax", "AgentServerRedisUnavailable", "AgentPodRestartLooping"];
const BACKUP_ALERTS = ["AgentBackupTooOld", "AgentBackupMissing", "AgentRestoreDrillFailed", "AgentRestoreDrillOverdue"];
const RDS_ALERTS = ["AgentRdsCpuHigh", "AgentRdsFreeableMemoryLow", "AgentRdsFreeStorageLow", "AgentRdsFreeStorageCritical", "AgentRdsConnectionsNearBudget"];
const CACHE_ALERTS = ["AgentElastiCacheEngineCpuHigh", "AgentElastiCacheCpuHigh", "AgentElastiCacheMemoryHigh"];
const IN_CLUSTER_DB_ALERTS = ["AgentPostgresConnectionsNearBudget"];

const allRules = (groups: RuleGroup[]): AlertingRule[] => groups.flatMap((g) => g.rules);
const names = (groups: RuleGroup[]): string[] => allRules(groups).map((r) => r.alert);

/** A rules file with the named alert's rule alone, or the whole set. */
function rulesFile(groups: RuleGroup[], alert?: string): string {
  const kept = alert === undefined ? groups : groups.map((g) => ({ ...g, rules: g.rules.filter((r) => r.alert === alert) })).filter((g) => g.rules.length > 0);
  if (alert !== undefined) expect(allRules(kept).map((r) => r.alert)).toEqual([alert]);
  return stringify({ groups: kept }, { lineWidth: 0 });
}

/** A promtool unit-test file: every scenario's checks, about `alert` (or the alert each check names). */
function testFile(scenarios: Scenario[], alerts: string[], evaluationInterval = "1m"): string {
  return stringify({
    rule_files: ["rules.yaml"],
    evaluation_interval: evaluationInterval,
    tests: scenarios.map((s) => ({
      name: s.name,
      interval: s.interval ?? "1m",
      input_series: s.input,
      alert_rule_test: s.checks.flatMap((c) => alerts.map((alertname) => ({ eval_time: c.at, alertname, exp_alerts: c.alerts }))),
    })),
  }, { lineWidth: 0 });
}

function runUnitTests(rules: string, tests: string): Promise<PromtoolResult> {
  const dir = writeFiles({ "rules.yaml": rules, "tests.yaml": tests });
  return promtool(dir, ["test", "rules", "tests.yaml"]);
}

function runCase(c: AlertCase, groups: RuleGroup[], scenarios: Scenario[]): Promise<PromtoolResult> {
  return runUnitTests(rulesFile(groups, c.alert), testFile(scenarios, [c.alert], c.evaluationInterval));
}

/** The rule set with one alert's expression replaced. */
function withExpr(groups: RuleGroup[], alert: string, expr: (old: string) => string): RuleGroup[] {
  const copy = structuredClone(groups);
  const rule = allRules(copy).find((r) => r.alert === alert);
  if (rule === undefined) throw new Error(`no rule ${alert}`);
  rule.expr = expr(rule.expr);
  return copy;
}

const passed = (r: PromtoolResult): void => {
  expect(r.output).not.toContain("FAILED");
  expect(r.status, r.output).toBe(0);
};
/** promtool test rules failed on `alert`: the expected alert did not fire (got:[]) or an unexpected one did (exp:[]). */
const failedOn = (r: PromtoolResult, alert: string, how: "got:[]" | "exp:[]"): void => {
  expect(r.status, r.output).not.toBe(0);
  expect(r.output).toContain(`alertname: ${alert},`);
  expect(r.output).toContain(how);
};

// No beforeAll for promtool: a failing hook shows its tests as skipped. Each test that runs promtool fails on its own.
afterAll(cleanupPromtoolDirs);

describe("promtool itself", () => {
  it("a missing promtool is a failure that says what .ci/run must install", () => {
    expect(() => requirePromtool("/nonexistent/promtool")).toThrow(/\.ci\/run must install the Debian package `prometheus`/);
  });
});

describe("promtool check rules", () => {
  const combos: [string, AlertRulesOptions, string[]][] = [];
  for (const rds of [false, true]) {
    for (const elasticache of [false, true]) {
      for (const inClusterDatabase of [false, true]) {
        for (const backups of [false, true]) {
          const expected = [
            ...SERVER_ALERTS, ...(backups ? BACKUP_ALERTS : []), ...(rds ? RDS_ALERTS : []),
            ...(inClusterDatabase ? IN_CLUSTER_DB_ALERTS : []), ...(elasticache ? CACHE_ALERTS : []),
          ];
          combos.push([`rds=${rds} elasticache=${elasticache} inClusterDatabase=${inClusterDatabase} backups=${backups}`,
            { connectionBudget: 160, rds, elasticache, inClusterDatabase, backups }, expected]);
        }
      }
    }
  }
  combos.push(["every backend, with AWS identifiers, the ms histogram and no route exclusion", {
    ...OPTIONS, latencyExcludedRoutes: "",
    httpMetric: { name: "http_server_duration_milliseconds", unit: "milliseconds", statusCodeLabel: "http_status_code" },
  }, [...SERVER_ALERTS, ...BACKUP_ALERTS, ...RDS_ALERTS, ...IN_CLUSTER_DB_ALERTS, ...CACHE_ALERTS]]);

  it.concurrent.each(combos)("%s", async (_, opts, expected) => {
    const yaml = alertRulesYaml(opts);
    const r = await promtool(writeFiles({ "rules.yaml": yaml }), ["check", "rules", "rules.yaml"]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain(`SUCCESS: ${expected.length} rules found`);
    expect([...names(alertRules(opts))].sort()).toEqual([...expected].sort());
    expect(parse(yaml)).toEqual({ groups: alertRules(opts) });
  });
});

describe("every rule", () => {
  const groups = alertRules(OPTIONS);

  it("has a severity of warning or critical, a summary, a description and its runbook link", () => {
    for (const rule of allRules(groups)) {
      expect(["warning", "critical"], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary.trim(), rule.alert).not.toBe("");
      expect(rule.annotations.description.trim(), rule.alert).not.toBe("");
      expect(rule.annotations.runbook_url, rule.alert).toBe(`${RUNBOOK}#${rule.alert.toLowerCase()}`);
      expect(rule.labels, rule.alert).toMatchObject({ namespace: NS, platform_instance: "agents" });
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smhd]$/);
    }
  });

  it("has a unique alert name; group names are unique too", () => {
    const alertNames = names(groups);
    expect(new Set(alertNames).size).toBe(alertNames.length);
    expect(alertNames).toHaveLength(20);
    expect(new Set(groups.map((g) => g.name)).size).toBe(groups.length);
  });
});

describe("options", () => {
  it("default to agent-platform/agents, the placeholder runbook, the OTel stable histogram and no backends", () => {
    const groups = alertRules({ connectionBudget: 100 });
    expect(names(groups)).toEqual(SERVER_ALERTS);
    const rules = allRules(groups);
    expect(rules[0]?.annotations.runbook_url).toBe(`${DEFAULT_RUNBOOK_BASE_URL}#agentserverlatencyhigh`);
    expect(DEFAULT_RUNBOOK_BASE_URL).toBe("https://github.com/your-org/agent-platform/blob/main/docs/runbooks.md");
    expect(rules[0]?.expr).toContain('http_server_request_duration_seconds_bucket{k8s_namespace_name="agent-platform", k8s_deployment_name="agents-server", http_route!~');
    expect(rules[0]?.expr).toMatch(/ > 0\.2$/);
    expect(rules.find((r) => r.alert === "AgentServerHpaAtMax")?.expr).toContain('horizontalpodautoscaler="agents-server"');
    expect(DEFAULT_THRESHOLDS).toMatchObject({ latencyP95Seconds: 0.2, errorRatio: 0.01, cpuLimitRatio: 0.8, memoryLimitRatio: 0.8, backupMaxAgeHours: 26, connectionBudgetRatio: 0.9 });
  });

  it("name the CronJobs, Deployment pods and HPA after the instance, in its namespace", () => {
    const rules = allRules(alertRules({ connectionBudget: 100, namespace: "team-a", instance: "blue", backups: true }));
    const exprs = rules.map((r) => r.expr).join("\n");
    expect(exprs).toContain('cronjob="blue-backup"');
    expect(exprs).toContain('owner_name="blue-restore-drill"');
    expect(exprs).toContain('pod=~"blue-server-[a-z0-9]+-[a-z0-9]+"');
    expect(exprs).toContain('horizontalpodautoscaler="blue-server"');
    expect(exprs).not.toContain("agent-platform");
    expect(rules.every((r) => r.labels.namespace === "team-a" && r.labels.platform_instance === "blue")).toBe(true);
  });

  it("without backups, nothing watches the backup CronJobs (no absent() that would fire forever)", () => {
    const yaml = alertRulesYaml({ ...OPTIONS, backups: false });
    expect(yaml).not.toContain("kube_cronjob");
    expect(yaml).not.toContain("absent(");
  });

  it("put the connection threshold at 90% of the budget", () => {
    const rules = allRules(alertRules({ ...OPTIONS, connectionBudget: 1000 }));
    expect(rules.find((r) => r.alert === "AgentRdsConnectionsNearBudget")?.expr).toMatch(/ > 900$/);
    expect(rules.find((r) => r.alert === "AgentPostgresConnectionsNearBudget")?.expr).toMatch(/ > 900$/);
  });

  it.each<[string, AlertRulesOptions, RegExp]>([
    ["a namespace that is not a DNS label", { connectionBudget: 10, namespace: 'x"}' }, /namespace "x\\"}" is not a DNS-1123 label/],
    ["an instance that is not a DNS label", { connectionBudget: 10, instance: "Agents" }, /instance/],
    ["a budget of zero", { connectionBudget: 0 }, /connectionBudget 0 must be a positive integer/],
    ["a fractional budget", { connectionBudget: 1.5 }, /connectionBudget/],
    ["a runbook URL with a fragment", { connectionBudget: 10, runbookBaseUrl: "https://x.example/runbooks.md#top" }, /runbookBaseUrl/],
    ["a runbook URL that is not http(s)", { connectionBudget: 10, runbookBaseUrl: "docs/runbooks.md" }, /runbookBaseUrl/],
    ["a histogram name that is not a metric name", { connectionBudget: 10, httpMetric: { name: "http-duration" } }, /httpMetric\.name/],
    ["a negative threshold", { connectionBudget: 10, thresholds: { errorRatio: -1 } }, /thresholds\.errorRatio/],
    ["an unknown threshold", { connectionBudget: 10, thresholds: { nope: 1 } as Partial<AlertThresholds> }, /thresholds "nope"/],
    ["an RDS identifier that could inject PromQL", { connectionBudget: 10, rds: true, rdsInstanceIdentifier: 'db"} or vector(1)' }, /rdsInstanceIdentifier/],
    ["a matcher label that is not a label name", { connectionBudget: 10, serverMetricMatchers: { "k8s.namespace": "x" } }, /serverMetricMatchers label/],
  ])("refuse %s", (_, opts, message) => {
    expect(() => alertRules(opts)).toThrow(message);
  });
});

describe("promtool test rules", () => {
  const groups = alertRules(OPTIONS);

  it("every alert has scenarios that fire it and scenarios that leave it quiet, and every scenario names a real alert", () => {
    expect(CASES.map((c) => c.alert).sort()).toEqual(names(groups).sort());
    for (const c of CASES) {
      expect(c.fires.length, c.alert).toBeGreaterThan(0);
      expect(c.quiet.length, c.alert).toBeGreaterThan(0);
      for (const s of c.fires) expect(s.checks.some((k) => k.alerts.length > 0), `${c.alert}: ${s.name}`).toBe(true);
      for (const s of c.quiet) expect(s.checks.every((k) => k.alerts.length === 0), `${c.alert}: ${s.name}`).toBe(true);
      for (const s of [...c.fires, ...c.quiet]) {
        for (const k of s.checks) {
          for (const a of k.alerts) {
            expect(Object.keys(a.exp_labels)).toContain("severity");
            expect(Object.keys(a.exp_annotations).sort()).toEqual(["description", "runbook_url", "summary"]);
          }
        }
      }
    }
  });

  it.concurrent.each(CASES)("$alert: fires on the firing scenarios, quiet on the others", async (c) => {
    passed(await runCase(c, groups, [...c.fires, ...c.quiet]));
  });

  it("a healthy platform fires no alert at all (the whole rules file)", async () => {
    passed(await runUnitTests(rulesFile(groups), testFile([HEALTHY], names(groups))));
  });

  it("the old-semconv millisecond histogram: p95 380 ms fires, with the value in ms", async () => {
    const ms = alertRules({ ...OPTIONS, httpMetric: { name: "http_server_duration_milliseconds", unit: "milliseconds", statusCodeLabel: "http_status_code" } });
    const labels = 'k8s_namespace_name="agent-platform", k8s_deployment_name="agents-server", http_route="/v1/tools/"';
    const bucket = (le: string, perMinute: number): { series: string; values: string } =>
      ({ series: `http_server_duration_milliseconds_bucket{${labels}, le="${le}"}`, values: `0+${perMinute}x40` });
    const scenario: Scenario = {
      name: "p95 380 ms",
      input: [bucket("100", 0), bucket("200", 50), bucket("400", 100), bucket("+Inf", 100)],
      checks: [{ at: "20m", alerts: [{
        exp_labels: { severity: "warning", component: "server", namespace: NS, platform_instance: "agents" },
        exp_annotations: {
          summary: "p95 latency of agents-server above 200ms",
          description: 'The 95th percentile of request latency of agents-server in agent-platform has been 380.0ms for 10 minutes (threshold 200ms). Routes matching http_route=~".*/messages.*|.*/chat/completions.*" are left out: they wait on an LLM.',
          runbook_url: `${RUNBOOK}#agentserverlatencyhigh`,
        },
      }] }],
    };
    expect(allRules(ms)[0]?.expr).toMatch(/http_server_duration_milliseconds_bucket\{.*\}\[5m\]\)\)\) > 200$/);
    passed(await runUnitTests(rulesFile(ms, "AgentServerLatencyHigh"), testFile([scenario], ["AgentServerLatencyHigh"])));
  });
});

describe("the unit tests can fail", () => {
  const groups = alertRules(OPTIONS);
  const latency = CASES.find((c) => c.alert === "AgentServerLatencyHigh");

  it("a copy of the rules file with the latency threshold flipped from 0.2 to 0.5 fails the firing scenario", async () => {
    if (latency === undefined) throw new Error("no latency case");
    const original = alertRulesYaml(OPTIONS);
    const flipped = original.replace("[5m]))) > 0.2\n", "[5m]))) > 0.5\n");
    expect(flipped).not.toBe(original);
    const tests = testFile(latency.fires, [latency.alert]);
    passed(await runUnitTests(original, tests));
    failedOn(await runUnitTests(flipped, tests), latency.alert, "got:[]");
  });

  it.concurrent.each(CASES)("$alert: a copy whose expression never holds fails the firing scenarios", async (c) => {
    failedOn(await runCase(c, withExpr(groups, c.alert, () => "vector(1) < 0"), c.fires), c.alert, "got:[]");
  });

  it.concurrent.each(CASES)("$alert: a copy whose expression always holds fails the quiet scenarios", async (c) => {
    failedOn(await runCase(c, withExpr(groups, c.alert, (e) => `(${e}) or on () vector(1)`), c.quiet), c.alert, "exp:[]");
  });

  const lowered = CASES.filter((c) => c.quietFiresWith !== undefined);
  const raised = CASES.filter((c) => c.firesQuietWith !== undefined);

  it("thresholds are moved for every alert that has one", () => {
    const withoutThreshold = ["AgentServerHpaAtMax", "AgentServerRedisUnavailable", "AgentRestoreDrillFailed"];
    expect(lowered.map((c) => c.alert).sort()).toEqual(names(groups).filter((n) => !withoutThreshold.includes(n)).sort());
    expect(raised.map((c) => c.alert).sort()).toEqual(lowered.map((c) => c.alert).sort());
  });

  it.concurrent.each(lowered)("$alert: with the threshold moved below the quiet scenario's value, the quiet scenario fails", async (c) => {
    const moved = alertRules({ ...OPTIONS, thresholds: c.quietFiresWith });
    failedOn(await runCase(c, moved, c.quiet.slice(0, 1)), c.alert, "exp:[]");
  });

  it.concurrent.each(raised)("$alert: with the threshold moved above the firing scenario's value, the firing scenario fails", async (c) => {
    const moved = alertRules({ ...OPTIONS, thresholds: c.firesQuietWith });
    failedOn(await runCase(c, moved, c.fires.slice(0, 1)), c.alert, "got:[]");
  });
});
