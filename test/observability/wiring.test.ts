// The alert rules the program ships match the stack: backends present, budget from the config.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runStack } from "../support/harness";
import { named } from "../support/k8s";

interface RulesFile { groups: { rules: { alert: string; expr: string }[] }[] }
const rulesOf = (data: Record<string, string>): RulesFile => parse(data["agent-platform-alerts.yaml"] ?? "") as RulesFile;

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

  it("dev: in-cluster database alerts, no AWS or backup alerts", async () => {
    const dev = await runStack("dev");
    const names = rulesOf(named<{ data: Record<string, string> }>(dev, "kubernetes:core/v1:ConfigMap", "agents-alert-rules").data).groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(names).toContain("AgentPostgresConnectionsNearBudget");
    expect(names.filter((n) => /Rds|ElastiCache|Backup|RestoreDrill/.test(n))).toEqual([]);
  });
});
