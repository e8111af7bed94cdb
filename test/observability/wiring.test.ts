// The alert rules the program ships match the stack: backends present, budget from the config, and the request
// metrics the collector derives from the server's spans; the file passes the real promtool.
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runStack } from "../support/harness";
import { named } from "../support/k8s";
import { cleanupPromtoolDirs, promtool, writeFiles } from "./promtool";

interface RulesFile { groups: { rules: { alert: string; expr: string }[] }[] }
const FILE = "agent-platform-alerts.yaml";
const rulesOf = (data: Record<string, string>): RulesFile => parse(data[FILE] ?? "") as RulesFile;

afterAll(() => cleanupPromtoolDirs());

describe("alert rules ConfigMap", () => {
  it("prod: RDS, ElastiCache and backup alerts naming the stack's resources, the budget from the config", async () => {
    const prod = await runStack("prod");
    const rules = rulesOf(named<{ data: Record<string, string> }>(prod, "kubernetes:core/v1:ConfigMap", "agents-alert-rules").data);
    const alerts = rules.groups.flatMap((g) => g.rules);
    const names = alerts.map((r) => r.alert);
    expect(names).toEqual(expect.arrayContaining(["AgentRdsCpuHigh", "AgentElastiCacheMemoryHigh", "AgentBackupTooOld", "AgentRestoreDrillFailed", "AgentRdsConnectionsNearBudget"]));
    expect(names).not.toContain("AgentPostgresConnectionsNearBudget");
    const budget = alerts.find((r) => r.alert === "AgentRdsConnectionsNearBudget");
    expect(budget?.expr).toContain("agents-prod");
    // 10 × 1 × (10 + 5) + 10 = 160 connections; the alert fires at 90% of it.
    expect(budget?.expr).toMatch(/> 144\b/);
  });

  it("links every alert to observability.runbookBaseUrl#<alert name>, and to a placeholder until it is set", async () => {
    const base = "https://github.com/acme/agent-platform/blob/main/docs/runbooks.md";
    const urls = async (overrides: Record<string, string>) => (await runStack("prod", overrides)).ofType("kubernetes:core/v1:ConfigMap")
      .map((c) => (c.inputs as { data?: Record<string, string> }).data?.[FILE]).filter((d): d is string => d !== undefined)
      .flatMap((d) => (parse(d) as { groups: { rules: { alert: string; annotations: { runbook_url: string } }[] }[] }).groups.flatMap((g) => g.rules));
    const set = await urls({ "observability.runbookBaseUrl": base });
    expect(set.length).toBeGreaterThan(10);
    for (const r of set) expect(r.annotations.runbook_url).toBe(`${base}#${r.alert.toLowerCase()}`);
    for (const r of await urls({})) expect(r.annotations.runbook_url).toMatch(/^https:\/\/github\.com\/your-org\//);
  });

  it("dev: in-cluster database alerts, no AWS or backup alerts", async () => {
    const dev = await runStack("dev");
    const names = rulesOf(named<{ data: Record<string, string> }>(dev, "kubernetes:core/v1:ConfigMap", "agents-alert-rules").data).groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(names).toContain("AgentPostgresConnectionsNearBudget");
    expect(names.filter((n) => /Rds|ElastiCache|Backup|RestoreDrill/.test(n))).toEqual([]);
  });

  it.each(["dev", "prod"])("%s: latency and error alerts read the collector's span metrics of the server's Deployment; promtool accepts the file", async (stack) => {
    const run = await runStack(stack);
    const data = named<{ data: Record<string, string> }>(run, "kubernetes:core/v1:ConfigMap", "agents-alert-rules").data;
    const alerts = rulesOf(data).groups.flatMap((g) => g.rules);
    const latency = alerts.find((r) => r.alert === "AgentServerLatencyHigh")?.expr ?? "";
    const errors = alerts.find((r) => r.alert === "AgentServerErrorRateHigh")?.expr ?? "";
    expect(latency).toContain('traces_span_metrics_duration_seconds_bucket{k8s_namespace_name="agent-platform", k8s_deployment_name="agents-server", span_name!~');
    expect(errors).toContain('http_status_code=~"5.."');
    const result = await promtool(writeFiles({ [FILE]: data[FILE] ?? "" }), ["check", "rules", FILE]);
    expect(result.status, result.output).toBe(0);
  });
});
