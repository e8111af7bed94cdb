// The Grafana dashboard (components/observability/dashboard.ts) as the dev and prod plans ship it: a ConfigMap the
// Grafana sidecar loads, unique panel ids, a PromQL expression on every panel that promtool parses, and only
// metrics the alert rules read or a deployed exporter produces.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { exporterMetricNames, metricNames, platformDashboard, type Dashboard } from "../../components/observability";
import { runStack, type ProgramRun } from "../support/harness";
import { named } from "../support/k8s";
import { cleanupPromtoolDirs, promtool, writeFiles } from "./promtool";
import { OPTIONS } from "./cases";

interface ConfigMap { metadata: { labels: Record<string, string> }; data: Record<string, string> }

let dev: ProgramRun;
let prod: ProgramRun;

beforeAll(async () => {
  dev = await runStack("dev");
  prod = await runStack("prod");
});
afterAll(() => cleanupPromtoolDirs());

const dashboardOf = (run: ProgramRun): Dashboard => JSON.parse(named<ConfigMap>(run, "kubernetes:core/v1:ConfigMap", "agents-dashboard").data["agent-platform.json"] ?? "null") as Dashboard;
const rulesExprs = (run: ProgramRun): string[] =>
  (parse(named<ConfigMap>(run, "kubernetes:core/v1:ConfigMap", "agents-alert-rules").data["agent-platform-alerts.yaml"] ?? "") as { groups: { rules: { expr: string }[] }[] })
    .groups.flatMap((g) => g.rules.map((r) => r.expr));
const exprs = (dashboard: Dashboard): string[] => dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));

/** Metrics a dashboard reads that neither the alert rules nor a deployed exporter produce. */
function unknownMetrics(dashboard: Dashboard, rules: string[]): string[] {
  const known = new Set([...rules.flatMap(metricNames), ...exporterMetricNames()]);
  return [...new Set(exprs(dashboard).flatMap(metricNames))].filter((m) => !known.has(m)).sort();
}

const runs = (): [string, ProgramRun][] => [["dev", dev], ["prod", prod]];
const runOf = (stack: string): ProgramRun => runs().find(([s]) => s === stack)?.[1] as ProgramRun;

describe.each(["dev", "prod"])("dashboard of the %s plan", (stack) => {
  it("ships as a ConfigMap labelled grafana_dashboard: \"1\", holding one JSON dashboard", () => {
    const configMap = named<ConfigMap>(runOf(stack), "kubernetes:core/v1:ConfigMap", "agents-dashboard");
    expect(configMap.metadata.labels.grafana_dashboard).toBe("1");
    expect(Object.keys(configMap.data)).toEqual(["agent-platform.json"]);
    const dashboard = dashboardOf(runOf(stack));
    expect(dashboard.uid).toBe("agent-platform-agents");
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(["datasource"]);
  });

  it("has unique panel ids, and every panel at least one PromQL expression on the Prometheus variable", () => {
    const { panels } = dashboardOf(runOf(stack));
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      expect(new Set(panel.targets.map((t) => t.refId)).size, panel.title).toBe(panel.targets.length);
      for (const target of panel.targets) {
        expect(target.expr.trim(), panel.title).not.toBe("");
        expect(target.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
      }
    }
  });

  it("panels do not overlap on the grid", () => {
    const cells = new Set<string>();
    for (const { gridPos: g, title } of dashboardOf(runOf(stack)).panels) {
      for (let x = g.x; x < g.x + g.w; x++) for (let y = g.y; y < g.y + g.h; y++) {
        expect(cells.has(`${x},${y}`), title).toBe(false);
        cells.add(`${x},${y}`);
      }
    }
  });

  it("reads only metrics the shipped alert rules read or a deployed exporter produces", () => {
    const dashboard = dashboardOf(runOf(stack));
    expect(unknownMetrics(dashboard, rulesExprs(runOf(stack)))).toEqual([]);
    // The request panels read the very histogram the latency and error alerts read.
    const http = "traces_span_metrics_duration_seconds";
    expect(rulesExprs(runOf(stack)).some((e) => metricNames(e).includes(`${http}_bucket`))).toBe(true);
    expect(exprs(dashboard).some((e) => metricNames(e).includes(`${http}_bucket`))).toBe(true);
    expect(exprs(dashboard).some((e) => metricNames(e).includes(`${http}_count`))).toBe(true);
  });

  it("every expression parses with the real promtool", async () => {
    const rules = dashboardOf(runOf(stack)).panels.flatMap((p) => p.targets.map((t) => ({ record: `dashboard:panel_${p.id}:${t.refId.toLowerCase()}`, expr: t.expr })));
    const dir = writeFiles({ "dashboard.yaml": stringify({ groups: [{ name: "dashboard", rules }] }, { lineWidth: 0 }) });
    const result = await promtool(dir, ["check", "rules", "dashboard.yaml"]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});

describe("panels follow the stack", () => {
  const titles = (run: ProgramRun): string[] => dashboardOf(run).panels.map((p) => p.title);
  const common = ["Request rate", "Latency p50 / p95 / p99", "5xx error ratio", "CPU use / limit", "Memory working set / limit", "Replicas and HPA bounds"];

  it("prod: RDS, ElastiCache and backup age", () => {
    expect(titles(prod)).toEqual([...common, "Database connections (RDS)", "Database health (RDS)", "Redis health (ElastiCache)", "Backup age"]);
  });

  it("dev: the in-cluster database (postgres_exporter) and Redis (kube-state-metrics); no backups in dev", () => {
    expect(titles(dev)).toEqual([...common, "Database connections (in-cluster)", "Database health (in-cluster)", "Redis health (in-cluster)"]);
  });

  it("latency shows p50, p95 and p99, and turns red at the latency alert's threshold (200 ms)", () => {
    const latency = dashboardOf(prod).panels.find((p) => p.title.startsWith("Latency"));
    expect(latency?.targets.map((t) => t.legendFormat)).toEqual(["p50", "p95", "p99"]);
    expect(latency?.targets.map((t) => t.expr.slice(0, 24))).toEqual(["histogram_quantile(0.5, ", "histogram_quantile(0.95,", "histogram_quantile(0.99,"]);
    expect(latency?.fieldConfig.defaults.thresholds.steps.at(-1)).toEqual({ color: "red", value: 0.2 });
  });

  it("database connections are drawn against the planned connection budget (160 in prod)", () => {
    const connections = dashboardOf(prod).panels.find((p) => p.title === "Database connections (RDS)");
    expect(connections?.targets.map((t) => t.expr)).toContain("vector(160)");
    expect(connections?.targets[0]?.expr).toContain('dimension_DBInstanceIdentifier="agents-prod"');
  });
});

describe("the dashboard selects the series the alerts select", () => {
  it("postgres_exporter matchers, an RDS identifier and a replication group id reach both, validated the same way", () => {
    const opts = { ...OPTIONS, inClusterDatabase: true, rds: false, postgresExporterMatchers: { job: "pg" }, elasticache: true, elasticacheReplicationGroupId: "agents-cache" };
    const exprs = platformDashboard(opts).panels.flatMap((p) => p.targets.map((t) => t.expr));
    const pg = exprs.filter((e) => e.includes("pg_stat_activity_count") || e.includes("pg_up"));
    expect(pg.length).toBe(2);
    for (const e of pg) expect(e).toContain('job="pg"');
    expect(exprs.filter((e) => e.includes("aws_elasticache_")).every((e) => e.includes('dimension_CacheClusterId=~"agents-cache(-[0-9]+)+"'))).toBe(true);
    // A bad id is refused by the dashboard too, not passed into PromQL.
    expect(() => platformDashboard({ ...OPTIONS, rds: true, rdsInstanceIdentifier: 'x"} or vector(1) #' })).toThrow(/rdsInstanceIdentifier/);
  });
});

describe("the consistency check can fail", () => {
  it("a panel reading a metric nothing produces is reported", () => {
    const dashboard = platformDashboard(OPTIONS);
    const first = dashboard.panels[0];
    if (first?.targets[0]) first.targets[0].expr = 'sum(rate(letta_requests_total{namespace="agent-platform"}[5m]))';
    expect(unknownMetrics(dashboard, [])).toContain("letta_requests_total");
  });

  it("metricNames reads selectors, bare names and offsets, not functions, labels, strings or durations", () => {
    expect(metricNames('sum by (pod) (rate(a_total{job="x", le=~"0.5"}[5m])) / on (pod) group_left (node) b offset 5m > bool 1e3')).toEqual(["a_total", "b"]);
    expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(h_bucket{route!~".*/messages.*"}[5m])))')).toEqual(["h_bucket"]);
    expect(metricNames('time() - max(kube_cronjob_status_last_successful_time{cronjob="agents-backup"})')).toEqual(["kube_cronjob_status_last_successful_time"]);
    expect(metricNames('absent(up{job="x"}) or vector(0) unless c')).toEqual(["c", "up"]);
  });
});
