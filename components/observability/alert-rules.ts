// Prometheus alerting rules for one platform instance: the agent server, its pods, the backups and the data tier.
//
// The rules are plain objects in the Prometheus rules-file shape ({ groups: [{ name, rules: [...] }] }), so the same
// value serves a rules file (alertRulesYaml), a ConfigMap the Prometheus server mounts, or the `spec` of a Prometheus
// Operator PrometheusRule (spec: { groups: alertRules(opts) }). Nothing here creates a resource: wiring is elsewhere.
//
// Where the series come from (what a Prometheus must scrape for the rules to see anything):
// - The server's HTTP histogram: the Letta server exports OpenTelemetry metrics over OTLP to an OTel collector whose
//   `prometheus` (or `prometheusremotewrite`) exporter hands them to Prometheus. With the collector's default
//   suffixing, the stable HTTP semantic-convention histogram `http.server.request.duration` (unit s) becomes
//   `http_server_request_duration_seconds_{bucket,count,sum}` with the label `http_response_status_code` and
//   `http_route`. The Python instrumentation emits that histogram when the server runs with
//   OTEL_SEMCONV_STABILITY_OPT_IN=http (or http/dup); without it, it emits the old `http.server.duration` (ms), which
//   becomes `http_server_duration_milliseconds_*` with `http_status_code`: pass `httpMetric` for that family, or for
//   Letta's own `hist_endpoint_e2e_ms` (labels endpoint_path, status_code). The server's series are selected by
//   `k8s_namespace_name` and `k8s_deployment_name`, which the collector adds with its k8sattributes processor and
//   `resource_to_telemetry_conversion: { enabled: true }` on the exporter; pass `serverMetricMatchers` otherwise.
// - Container CPU and memory: the kubelet's cAdvisor endpoint (container_cpu_usage_seconds_total,
//   container_memory_working_set_bytes, with namespace/pod/container labels).
// - Limits, HPA, restarts, CronJobs and Jobs: kube-state-metrics v2.4 or later (kube_cronjob_status_last_successful_time
//   first appeared in v2.4; kube_job_failed, kube_job_owner, kube_pod_container_resource_limits are v2 names).
// - RDS and ElastiCache: CloudWatch metrics through YACE (prometheus-community/yet-another-cloudwatch-exporter) with its
//   default naming: aws_<service>_<metric in snake case>_<statistic>, the dimensions as dimension_<Name> labels
//   (aws_rds_cpuutilization_average{dimension_DBInstanceIdentifier="…"}). The Average statistic must be exported.
// - In-cluster PostgreSQL connections: postgres_exporter's pg_stat_activity_count{datname, state}, scraped with a
//   `namespace` target label (a ServiceMonitor/PodMonitor, or kubernetes_sd relabelling, adds it).
// A missing exporter makes its alerts silent, not firing: only the backup rules watch for absent series.
import { stringify } from "yaml";
import { num, sel, type Matcher } from "./promql";
import { REDIS_INIT_FAILURES } from "./log-watch";

/** Alert severities: critical pages someone now; warning goes to a queue worked in business hours. */
export type Severity = "warning" | "critical";

/** A Prometheus duration as rules files accept it. */
export type Duration = `${number}${"s" | "m" | "h" | "d"}`;

/** The labels every rule carries: routing by severity, component and platform instance. */
export interface AlertLabels {
  severity: Severity;
  /** The part of the platform the alert is about: server, workload, backup, database or cache. */
  component: string;
  /** The platform's namespace; on every alert, including those about AWS resources, so routing can use it. */
  namespace: string;
  /** The platform instance (opts.instance). */
  platform_instance: string;
}

/** The annotations every rule carries (values may use Prometheus template syntax). */
export interface AlertAnnotations {
  summary: string;
  description: string;
  /** opts.runbookBaseUrl + "#" + the alert name in lower case (the GitHub anchor of a heading named like the alert). */
  runbook_url: string;
}

/** One alerting rule of a rules file. */
export interface AlertingRule {
  alert: string;
  expr: string;
  /** How long the expression must hold before the alert fires; absent means it fires on the first evaluation. */
  for?: Duration;
  labels: AlertLabels;
  annotations: AlertAnnotations;
}

/** One rule group of a rules file (also the shape of a PrometheusRule's spec.groups[]). */
export interface RuleGroup {
  name: string;
  rules: AlertingRule[];
}

/** A whole Prometheus rules file. */
export interface RulesFile {
  groups: RuleGroup[];
}

/** The server's HTTP request-duration histogram, as Prometheus sees it. */
export interface HttpMetric {
  /** Base name of the histogram, without _bucket/_count/_sum. */
  name: string;
  /** The unit of the histogram's buckets (le). */
  unit: "seconds" | "milliseconds";
  /** Label holding the HTTP response status code. */
  statusCodeLabel: string;
  /** Label holding the route template, for latencyExcludedRoutes. */
  routeLabel: string;
}

/** Thresholds of the alerts; every one can be overridden on its own through opts.thresholds. */
export interface AlertThresholds {
  /** p95 request latency, seconds (whatever the histogram's unit). Default 0.2 (200 ms). */
  latencyP95Seconds: number;
  /** Share of requests answered with a 5xx status. Default 0.01 (1%). */
  errorRatio: number;
  /** Share of the server container's CPU limit. Default 0.8. */
  cpuLimitRatio: number;
  /** Share of the server container's memory limit (working set). Default 0.8. */
  memoryLimitRatio: number;
  /** Container restarts in 15 minutes above which a restart loop is reported. Default 3. */
  restartsPer15m: number;
  /** Age of the last successful backup, hours. Default 26 (a daily backup plus two hours of slack). */
  backupMaxAgeHours: number;
  /** Age of the last successful restore drill, days. Default 8 (a weekly drill plus a day). */
  restoreDrillMaxAgeDays: number;
  /** RDS CPUUtilization, percent. Default 80. */
  rdsCpuPercent: number;
  /** RDS FreeableMemory below which to warn, bytes. Default 256 MiB. */
  rdsFreeableMemoryBytes: number;
  /** RDS FreeStorageSpace below which to warn, bytes. Default 10 GiB. */
  rdsFreeStorageWarningBytes: number;
  /** RDS FreeStorageSpace below which to page, bytes. Default 2 GiB. */
  rdsFreeStorageCriticalBytes: number;
  /** ElastiCache EngineCPUUtilization (the Redis/Valkey main thread), percent. Default 80. */
  elasticacheEngineCpuPercent: number;
  /** ElastiCache CPUUtilization (the host), percent. Default 80. */
  elasticacheCpuPercent: number;
  /** ElastiCache DatabaseMemoryUsagePercentage, percent. Default 80. */
  elasticacheMemoryPercent: number;
  /** Share of opts.connectionBudget at which connections are "near the budget". Default 0.9. */
  connectionBudgetRatio: number;
}

export const DEFAULT_THRESHOLDS: Readonly<AlertThresholds> = Object.freeze({
  latencyP95Seconds: 0.2,
  errorRatio: 0.01,
  cpuLimitRatio: 0.8,
  memoryLimitRatio: 0.8,
  restartsPer15m: 3,
  backupMaxAgeHours: 26,
  restoreDrillMaxAgeDays: 8,
  rdsCpuPercent: 80,
  rdsFreeableMemoryBytes: 256 * 2 ** 20,
  rdsFreeStorageWarningBytes: 10 * 2 ** 30,
  rdsFreeStorageCriticalBytes: 2 * 2 ** 30,
  elasticacheEngineCpuPercent: 80,
  elasticacheCpuPercent: 80,
  elasticacheMemoryPercent: 80,
  connectionBudgetRatio: 0.9,
});

/** A placeholder: the repository's real address is not known here. Pass opts.runbookBaseUrl. */
export const DEFAULT_RUNBOOK_BASE_URL = "https://github.com/your-org/agent-platform/blob/main/docs/runbooks.md";

export const DEFAULT_HTTP_METRIC: Readonly<HttpMetric> = Object.freeze({
  name: "http_server_request_duration_seconds",
  unit: "seconds",
  statusCodeLabel: "http_response_status_code",
  routeLabel: "http_route",
});

/** Routes whose latency is the LLM's, not the server's (agent messages, streaming, chat completions). */
export const DEFAULT_LATENCY_EXCLUDED_ROUTES = ".*/messages.*|.*/chat/completions.*";

export interface AlertRulesOptions {
  /** Namespace the platform runs in. Default "agent-platform". */
  namespace?: string;
  /** Platform instance name: the server is Deployment/HPA `<instance>-server`, the CronJobs `<instance>-backup` and `<instance>-restore-drill`. Default "agents". */
  instance?: string;
  /**
   * Runbook document; each alert links to `<runbookBaseUrl>#<alert name in lower case>`. Default
   * DEFAULT_RUNBOOK_BASE_URL, a placeholder (https://github.com/your-org/agent-platform/blob/main/docs/runbooks.md):
   * pass the real address.
   */
  runbookBaseUrl?: string;
  /**
   * The planned maximum of PostgreSQL connections (e.g. worstCaseConnections() from components/config, the number the
   * config's budget check allows). The connection alerts fire above connectionBudgetRatio (90%) of it. Required.
   */
  connectionBudget: number;
  /** The database is Amazon RDS: RDS CPU, memory, storage and connection alerts (YACE metrics). Default false. */
  rds?: boolean;
  /** The cache is ElastiCache: engine CPU, host CPU and memory alerts (YACE metrics). Default false. */
  elasticache?: boolean;
  /** The database is the in-cluster StatefulSet: the connection alert from postgres_exporter. Default false. */
  inClusterDatabase?: boolean;
  /** The backup and restore-drill CronJobs exist (config backup.enabled): the backup alerts. Default false. */
  backups?: boolean;
  /** RDS DBInstanceIdentifier to watch. Default: every instance the exporter reports (dimension_DBInstanceIdentifier!=""). */
  rdsInstanceIdentifier?: string;
  /** ElastiCache replication group id; its nodes' CacheClusterIds are `<id>-NNN` (or `<id>-NNNN-NNN`). Default: every cluster the exporter reports. */
  elasticacheReplicationGroupId?: string;
  /** The server's request-duration histogram. Default DEFAULT_HTTP_METRIC (http_server_request_duration_seconds, stable OTel HTTP semconv). */
  httpMetric?: Partial<HttpMetric>;
  /** Label matchers selecting the server's HTTP series. Default { k8s_namespace_name: namespace, k8s_deployment_name: "<instance>-server" }. */
  serverMetricMatchers?: Record<string, string>;
  /**
   * Regular expression of routes left out of the latency alert (not the error-rate alert): endpoints that wait on an
   * LLM take seconds by design. Default DEFAULT_LATENCY_EXCLUDED_ROUTES; "" leaves none out.
   */
  latencyExcludedRoutes?: string;
  /** Database whose connections are counted. Default "letta". */
  database?: string;
  /** Label matchers selecting postgres_exporter's series (besides datname). Default { namespace }. */
  postgresExporterMatchers?: Record<string, string>;
  /** Overrides of single thresholds. Default DEFAULT_THRESHOLDS. */
  thresholds?: Partial<AlertThresholds>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const AWS_ID = /^[a-zA-Z][a-zA-Z0-9-]*$/;


function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(4))}%`;
}

function bytes(n: number): string {
  for (const [unit, size] of [["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10]] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} bytes`;
}

function fail(field: string, value: unknown, why: string): never {
  throw new Error(`alertRules: ${field} ${JSON.stringify(value)} ${why}`);
}

function check(field: string, value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) fail(field, value, `is not ${what}`);
  return value;
}

function matchersOf(field: string, record: Record<string, string>): Matcher[] {
  return Object.entries(record).map(([label, value]): Matcher => [check(`${field} label`, label, LABEL_NAME, "a label name"), "=", value]);
}

interface Resolved {
  namespace: string;
  instance: string;
  runbookBaseUrl: string;
  budget: number;
  t: AlertThresholds;
}

/** The thresholds: DEFAULT_THRESHOLDS with opts.thresholds over them (checked). */
export function resolveThresholds(overrides: Partial<AlertThresholds> = {}): AlertThresholds {
  const t: AlertThresholds = { ...DEFAULT_THRESHOLDS };
  for (const [key, value] of Object.entries(overrides) as [keyof AlertThresholds, number | undefined][]) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_THRESHOLDS)) fail("thresholds", key, "is not a known threshold");
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) fail(`thresholds.${key}`, value, "must be a finite number ≥ 0");
    t[key] = value;
  }
  return t;
}

/**
 * The alerting rule groups for one platform instance: the server, its pods, and (as opts says they exist) the
 * backups, RDS, ElastiCache and the in-cluster database. Throws on an option that could not make a valid rule.
 */
export function alertRules(opts: AlertRulesOptions): RuleGroup[] {
  const namespace = check("namespace", opts.namespace ?? "agent-platform", DNS_LABEL, "a DNS-1123 label");
  const instance = check("instance", opts.instance ?? "agents", DNS_LABEL, "a DNS-1123 label");
  const runbookBaseUrl = opts.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL;
  if (!/^https?:\/\/[^\s#"'{}]+$/.test(runbookBaseUrl)) fail("runbookBaseUrl", runbookBaseUrl, "must be an http(s) URL without a fragment");
  const budget = opts.connectionBudget;
  if (!Number.isInteger(budget) || budget <= 0) fail("connectionBudget", budget, "must be a positive integer");
  const r: Resolved = { namespace, instance, runbookBaseUrl, budget, t: resolveThresholds(opts.thresholds) };

  const rule = (
    component: string, alert: string, severity: Severity, expr: string, forDuration: Duration | undefined,
    summary: string, description: string,
  ): AlertingRule => ({
    alert,
    expr,
    ...(forDuration === undefined ? {} : { for: forDuration }),
    labels: { severity, component, namespace, platform_instance: instance },
    annotations: { summary, description, runbook_url: `${runbookBaseUrl}#${alert.toLowerCase()}` },
  });

  const groups: RuleGroup[] = [
    { name: `agent-platform.${instance}.server`, rules: serverRules(r, opts, rule) },
    { name: `agent-platform.${instance}.workload`, rules: workloadRules(r, rule) },
  ];
  if (opts.backups === true) groups.push({ name: `agent-platform.${instance}.backup`, rules: backupRules(r, rule) });
  const data = [
    ...(opts.rds === true ? rdsRules(r, opts, rule) : []),
    ...(opts.inClusterDatabase === true ? inClusterDatabaseRules(r, opts, rule) : []),
  ];
  if (data.length > 0) groups.push({ name: `agent-platform.${instance}.database`, rules: data });
  if (opts.elasticache === true) groups.push({ name: `agent-platform.${instance}.cache`, rules: elasticacheRules(r, opts, rule) });

  const names = groups.flatMap((g) => g.rules.map((x) => x.alert));
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new Error(`alertRules: alert ${duplicate} is defined twice`);
  return groups;
}

/** The rules as a Prometheus rules file (`promtool check rules` accepts it; a ConfigMap can carry it as is). */
export function alertRulesYaml(opts: AlertRulesOptions): string {
  const file: RulesFile = { groups: alertRules(opts) };
  return stringify(file, { lineWidth: 0 });
}

type RuleFactory = (
  component: string, alert: string, severity: Severity, expr: string, forDuration: Duration | undefined,
  summary: string, description: string,
) => AlertingRule;

/** The server's series as the rules (and the dashboard) select them. */
export interface ServerSeries {
  /** The request-duration histogram. */
  http: HttpMetric;
  /** Matchers of the server's HTTP series. */
  server: Matcher[];
  /** `server`, minus the routes left out of latency. */
  latency: Matcher[];
  /** The routes left out of latency ("" for none). */
  excludedRoutes: string;
  /** The server container's cAdvisor and kube-state-metrics series. */
  pods: Matcher[];
  /** The server's HPA in kube-state-metrics. */
  hpa: Matcher[];
}

/** The server's series for these options (opts.namespace, opts.instance, opts.httpMetric, … with their defaults). */
export function serverSeries(opts: Pick<AlertRulesOptions, "namespace" | "instance" | "httpMetric" | "serverMetricMatchers" | "latencyExcludedRoutes">): ServerSeries {
  const namespace = opts.namespace ?? "agent-platform";
  const server = `${opts.instance ?? "agents"}-server`;
  const http: HttpMetric = { ...DEFAULT_HTTP_METRIC, ...opts.httpMetric };
  check("httpMetric.name", http.name, METRIC_NAME, "a metric name");
  check("httpMetric.statusCodeLabel", http.statusCodeLabel, LABEL_NAME, "a label name");
  check("httpMetric.routeLabel", http.routeLabel, LABEL_NAME, "a label name");
  if (http.unit !== "seconds" && http.unit !== "milliseconds") fail("httpMetric.unit", http.unit, "must be seconds or milliseconds");
  const serverMatchers = matchersOf("serverMetricMatchers", opts.serverMetricMatchers ?? { k8s_namespace_name: namespace, k8s_deployment_name: server });
  const excluded = opts.latencyExcludedRoutes ?? DEFAULT_LATENCY_EXCLUDED_ROUTES;
  return {
    http,
    server: serverMatchers,
    latency: excluded === "" ? serverMatchers : [...serverMatchers, [http.routeLabel, "!~", excluded]],
    excludedRoutes: excluded,
    // Server pods are <instance>-server-<pod-template-hash>-<suffix>: nothing else in the namespace matches.
    pods: [["namespace", "=", namespace], ["pod", "=~", `${server}-[a-z0-9]+-[a-z0-9]+`], ["container", "=", "server"]],
    hpa: [["namespace", "=", namespace], ["horizontalpodautoscaler", "=", server]],
  };
}

function serverRules(r: Resolved, opts: AlertRulesOptions, rule: RuleFactory): AlertingRule[] {
  const { namespace, instance, t } = r;
  const server = `${instance}-server`;
  const { http, server: serverMatchers, latency: latencyMatchers, excludedRoutes: excluded, pods, hpa } = serverSeries({ ...opts, namespace, instance });
  const ms = http.unit === "milliseconds";
  const latencyThreshold = ms ? t.latencyP95Seconds * 1000 : t.latencyP95Seconds;
  const thresholdText = `${Number((t.latencyP95Seconds * 1000).toFixed(3))}ms`;
  const shownLatency = ms ? `{{ $value | printf "%.1f" }}ms` : "{{ $value | humanizeDuration }}";
  const excludedText = excluded === "" ? "" : ` Routes matching ${http.routeLabel}=~"${excluded}" are left out: they wait on an LLM.`;

  const byContainer = "by (namespace, pod, container)";
  const limit = (resource: string): string =>
    `max ${byContainer} (${sel("kube_pod_container_resource_limits", [...pods, ["resource", "=", resource]])})`;

  const byHpa = "by (namespace, horizontalpodautoscaler)";
  const onHpa = "on (namespace, horizontalpodautoscaler)";
  const hpaMetric = (m: string): string => `max ${byHpa} (${sel(`kube_horizontalpodautoscaler_${m}`, hpa)})`;

  return [
    rule("server", "AgentServerLatencyHigh", "warning",
      `histogram_quantile(0.95, sum by (le) (rate(${sel(`${http.name}_bucket`, latencyMatchers)}[5m]))) > ${num(latencyThreshold)}`, "10m",
      `p95 latency of ${server} above ${thresholdText}`,
      `The 95th percentile of request latency of ${server} in ${namespace} has been ${shownLatency} for 10 minutes (threshold ${thresholdText}).${excludedText}`),
    rule("server", "AgentServerErrorRateHigh", "critical",
      `sum(rate(${sel(`${http.name}_count`, [...serverMatchers, [http.statusCodeLabel, "=~", "5.."]])}[5m]))` +
        ` / sum(rate(${sel(`${http.name}_count`, serverMatchers)}[5m])) > ${num(t.errorRatio)}`, "10m",
      `${server} answers more than ${percent(t.errorRatio)} of requests with 5xx`,
      `{{ $value | humanizePercentage }} of the requests to ${server} in ${namespace} have ended in a 5xx status for 10 minutes (threshold ${percent(t.errorRatio)}).`),
    rule("server", "AgentServerCpuNearLimit", "warning",
      `sum ${byContainer} (rate(${sel("container_cpu_usage_seconds_total", pods)}[5m])) / on (namespace, pod, container) ${limit("cpu")} > ${num(t.cpuLimitRatio)}`, "15m",
      `${server} pod {{ $labels.pod }} uses over ${percent(t.cpuLimitRatio)} of its CPU limit`,
      `Container server of pod {{ $labels.pod }} in ${namespace} has used {{ $value | humanizePercentage }} of its CPU limit for 15 minutes (threshold ${percent(t.cpuLimitRatio)}); it is being throttled or close to it.`),
    rule("server", "AgentServerMemoryNearLimit", "warning",
      `max ${byContainer} (${sel("container_memory_working_set_bytes", pods)}) / on (namespace, pod, container) ${limit("memory")} > ${num(t.memoryLimitRatio)}`, "15m",
      `${server} pod {{ $labels.pod }} uses over ${percent(t.memoryLimitRatio)} of its memory limit`,
      `Container server of pod {{ $labels.pod }} in ${namespace} has had a working set of {{ $value | humanizePercentage }} of its memory limit for 15 minutes (threshold ${percent(t.memoryLimitRatio)}); at the limit it is OOM-killed.`),
    // An HPA whose minimum equals its maximum is always "at its maximum": that is a fixed size, not saturation.
    rule("server", "AgentServerHpaAtMax", "warning",
      `(${hpaMetric("status_current_replicas")} >= ${onHpa} ${hpaMetric("spec_max_replicas")})` +
        ` unless ${onHpa} (${hpaMetric("spec_min_replicas")} >= ${onHpa} ${hpaMetric("spec_max_replicas")})`, "15m",
      `HPA ${server} has been at its maximum replicas for 15 minutes`,
      `HorizontalPodAutoscaler ${server} in ${namespace} has run {{ $value | printf "%.0f" }} replicas, its maximum, for 15 minutes: it cannot add capacity. Raise server.maxReplicas within the connection budget, or find what drives the load.`),
    // Letta gives up on Redis for the life of the process after one failed start (redis_client.py:663-681); the
    // log-watch sidecar counts that log line. Fires on the first one: the pod stays degraded until it restarts.
    rule("server", "AgentServerRedisUnavailable", "critical",
      `max by (k8s_pod_name) (increase(${sel(REDIS_INIT_FAILURES.prometheus, serverMatchers)}[15m])) > 0`, undefined,
      `${server} pod {{ $labels.k8s_pod_name }} runs without Redis`,
      `Pod {{ $labels.k8s_pod_name }} of ${server} in ${namespace} logged "Failed to initialize Redis": it now uses a no-op client until the process restarts, so conversation locks, request de-duplication and stream resume are silently off. Once Redis answers PING, delete the pod.`),
  ];
}

function workloadRules(r: Resolved, rule: RuleFactory): AlertingRule[] {
  const { namespace, t } = r;
  return [
    rule("workload", "AgentPodRestartLooping", "warning",
      `max by (namespace, pod, container) (increase(${sel("kube_pod_container_status_restarts_total", [["namespace", "=", namespace]])}[15m])) > ${num(t.restartsPer15m)}`, "5m",
      `Container {{ $labels.container }} of pod {{ $labels.pod }} is restarting repeatedly`,
      `Container {{ $labels.container }} of pod {{ $labels.pod }} in ${namespace} restarted {{ $value | printf "%.0f" }} times in the last 15 minutes (threshold ${num(t.restartsPer15m)}).`),
  ];
}

function backupRules(r: Resolved, rule: RuleFactory): AlertingRule[] {
  const { namespace, instance, t } = r;
  const backup = `${instance}-backup`;
  const drill = `${instance}-restore-drill`;
  const ns: Matcher = ["namespace", "=", namespace];
  const cron = (metric: string, name: string): string => sel(metric, [ns, ["cronjob", "=", name]]);
  const backupAge = t.backupMaxAgeHours * 3600;
  const drillAge = t.restoreDrillMaxAgeDays * 86400;
  // No successful run on record: fires when the CronJob is older than the allowed age (a new one gets the time for
  // its first run), and when kube-state-metrics reports no such CronJob at all (deleted, or not scraped).
  const neverSucceeded = (name: string, age: number): string =>
    `absent(${cron("kube_cronjob_status_last_successful_time", name)}) and on () (` +
    `time() - max(${cron("kube_cronjob_created", name)}) > ${num(age)} or on () absent(${cron("kube_cronjob_created", name)}))`;
  const lastSuccessAge = (name: string): string =>
    `time() - max by (namespace, cronjob) (${cron("kube_cronjob_status_last_successful_time", name)})`;
  const job = (metric: string, extra: Matcher[] = []): string => sel(metric, [ns, ...extra]);
  const onJob = "on (namespace, job_name)";

  return [
    rule("backup", "AgentBackupTooOld", "critical",
      `${lastSuccessAge(backup)} > ${num(backupAge)}`, "10m",
      `The last successful backup of ${instance} is older than ${num(t.backupMaxAgeHours)}h`,
      `The last successful run of CronJob ${backup} in ${namespace} finished {{ $value | humanizeDuration }} ago (threshold ${num(t.backupMaxAgeHours)}h): a loss now would lose more than a day of data. Check the CronJob's recent Jobs and their logs.`),
    rule("backup", "AgentBackupMissing", "critical",
      neverSucceeded(backup, backupAge), "30m",
      `No successful backup of ${instance} on record`,
      `kube-state-metrics reports no successful run of CronJob ${backup} in ${namespace}: the CronJob has not succeeded in the ${num(t.backupMaxAgeHours)}h since it was created, does not exist, or no kube-state-metrics of v2.4 or later is scraped. The age of the backups cannot be known.`),
    // The newest drill failed: a failed drill Job (the Job's Failed condition, not its count of failed pods, which a
    // retried success also has) that started after the last successful drill, or with no successful drill at all.
    rule("backup", "AgentRestoreDrillFailed", "warning",
      `(max by (namespace, job_name) (${job("kube_job_status_start_time")})` +
        ` and ${onJob} (max by (namespace, job_name) (${job("kube_job_failed", [["condition", "=", "true"]])}) == 1)` +
        ` and ${onJob} ${job("kube_job_owner", [["owner_kind", "=", "CronJob"], ["owner_name", "=", drill]])})` +
        ` > on (namespace) group_left () (max by (namespace) (${cron("kube_cronjob_status_last_successful_time", drill)})` +
        ` or label_replace(vector(0), "namespace", ${JSON.stringify(namespace)}, "", ""))`, undefined,
      `The restore drill of ${instance} failed`,
      `Restore-drill Job {{ $labels.job_name }} of CronJob ${drill} in ${namespace} failed, and no drill has succeeded since it started: the latest backup is not known to restore. Read the Job's logs.`),
    rule("backup", "AgentRestoreDrillOverdue", "warning",
      `(${lastSuccessAge(drill)} > ${num(drillAge)}) or (${neverSucceeded(drill, drillAge)})`, "30m",
      `No successful restore drill of ${instance} in ${num(t.restoreDrillMaxAgeDays)} days`,
      `No run of CronJob ${drill} in ${namespace} has succeeded in the last ${num(t.restoreDrillMaxAgeDays)} days (or kube-state-metrics reports none): the backups are not known to restore.`),
  ];
}

/** The RDS instance's CloudWatch series (through YACE), per instance: the alerts and the dashboard read the same. */
export function rdsSeries(opts: Pick<AlertRulesOptions, "rdsInstanceIdentifier">): (name: string, agg?: "max" | "min") => string {
  const id = opts.rdsInstanceIdentifier;
  const m: Matcher = id === undefined
    ? ["dimension_DBInstanceIdentifier", "!=", ""]
    : ["dimension_DBInstanceIdentifier", "=", check("rdsInstanceIdentifier", id, AWS_ID, "an RDS instance identifier")];
  return (name, agg = "max") => `${agg} by (dimension_DBInstanceIdentifier) (${sel(`aws_rds_${name}_average`, [m])})`;
}

/** The ElastiCache nodes' CloudWatch series (through YACE), per node: the alerts and the dashboard read the same. */
export function elasticacheSeries(opts: Pick<AlertRulesOptions, "elasticacheReplicationGroupId">): (name: string) => string {
  const id = opts.elasticacheReplicationGroupId;
  const m: Matcher = id === undefined
    ? ["dimension_CacheClusterId", "!=", ""]
    // Node ids: <group>-001 (cluster mode disabled) or <group>-0001-001 (cluster mode enabled).
    : ["dimension_CacheClusterId", "=~", `${check("elasticacheReplicationGroupId", id, AWS_ID, "a replication group id")}(-[0-9]+)+`];
  return (name) => `max by (dimension_CacheClusterId) (${sel(`aws_elasticache_${name}_average`, [m])})`;
}

/** Matchers of postgres_exporter's series (in-cluster database): the alerts and the dashboard read the same. */
export function postgresExporterSeries(opts: Pick<AlertRulesOptions, "postgresExporterMatchers">, namespace: string): Matcher[] {
  return matchersOf("postgresExporterMatchers", opts.postgresExporterMatchers ?? { namespace });
}

function rdsRules(r: Resolved, opts: AlertRulesOptions, rule: RuleFactory): AlertingRule[] {
  const { t, budget } = r;
  const metric = rdsSeries(opts);
  const db = "RDS instance {{ $labels.dimension_DBInstanceIdentifier }}";
  const near = Math.floor(budget * t.connectionBudgetRatio);
  return [
    rule("database", "AgentRdsCpuHigh", "warning",
      `${metric("cpuutilization", "max")} > ${num(t.rdsCpuPercent)}`, "15m",
      `${db} CPU above ${num(t.rdsCpuPercent)}%`,
      `${db} has averaged {{ $value | printf "%.0f" }}% CPU for 15 minutes (threshold ${num(t.rdsCpuPercent)}%).`),
    rule("database", "AgentRdsFreeableMemoryLow", "warning",
      `${metric("freeable_memory", "min")} < ${num(t.rdsFreeableMemoryBytes)}`, "15m",
      `${db} is low on memory`,
      `${db} has had {{ $value | humanize1024 }}B of freeable memory for 15 minutes (threshold ${bytes(t.rdsFreeableMemoryBytes)}): expect swapping and a cold cache.`),
    rule("database", "AgentRdsFreeStorageLow", "warning",
      `${metric("free_storage_space", "min")} < ${num(t.rdsFreeStorageWarningBytes)}`, "15m",
      `${db} has less than ${bytes(t.rdsFreeStorageWarningBytes)} of free storage`,
      `${db} has {{ $value | humanize1024 }}B of free storage (threshold ${bytes(t.rdsFreeStorageWarningBytes)}). Storage autoscaling grows it below 10% free, at most every 6 hours and up to database.maxAllocatedStorageGb.`),
    rule("database", "AgentRdsFreeStorageCritical", "critical",
      `${metric("free_storage_space", "min")} < ${num(t.rdsFreeStorageCriticalBytes)}`, "5m",
      `${db} is about to run out of storage`,
      `${db} has {{ $value | humanize1024 }}B of free storage (threshold ${bytes(t.rdsFreeStorageCriticalBytes)}); when it reaches zero the instance stops accepting writes. Raise database.maxAllocatedStorageGb or the allocated storage now.`),
    rule("database", "AgentRdsConnectionsNearBudget", "warning",
      `${metric("database_connections", "max")} > ${num(near)}`, "10m",
      `${db} connections near the planned budget`,
      `${db} has held {{ $value | printf "%.0f" }} connections for 10 minutes, over ${percent(t.connectionBudgetRatio)} of the planned budget of ${num(budget)} (threshold ${num(near)}).`),
  ];
}

function inClusterDatabaseRules(r: Resolved, opts: AlertRulesOptions, rule: RuleFactory): AlertingRule[] {
  const { namespace, t, budget } = r;
  const database = opts.database ?? "letta";
  const matchers = postgresExporterSeries(opts, namespace);
  const near = Math.floor(budget * t.connectionBudgetRatio);
  return [
    rule("database", "AgentPostgresConnectionsNearBudget", "warning",
      `sum by (datname) (${sel("pg_stat_activity_count", [...matchers, ["datname", "=", database]])}) > ${num(near)}`, "10m",
      `PostgreSQL connections to ${database} near the planned budget`,
      `The in-cluster PostgreSQL in ${namespace} has held {{ $value | printf "%.0f" }} connections to database ${database} for 10 minutes, over ${percent(t.connectionBudgetRatio)} of the planned budget of ${num(budget)} (threshold ${num(near)}).`),
  ];
}

function elasticacheRules(r: Resolved, opts: AlertRulesOptions, rule: RuleFactory): AlertingRule[] {
  const { t } = r;
  const metric = elasticacheSeries(opts);
  const node = "ElastiCache node {{ $labels.dimension_CacheClusterId }}";
  return [
    rule("cache", "AgentElastiCacheEngineCpuHigh", "warning",
      `${metric("engine_cpuutilization")} > ${num(t.elasticacheEngineCpuPercent)}`, "15m",
      `${node} engine CPU above ${num(t.elasticacheEngineCpuPercent)}%`,
      `The engine thread of ${node} has averaged {{ $value | printf "%.0f" }}% CPU for 15 minutes (threshold ${num(t.elasticacheEngineCpuPercent)}%); commands queue behind it.`),
    rule("cache", "AgentElastiCacheCpuHigh", "warning",
      `${metric("cpuutilization")} > ${num(t.elasticacheCpuPercent)}`, "15m",
      `${node} host CPU above ${num(t.elasticacheCpuPercent)}%`,
      `The host of ${node} has averaged {{ $value | printf "%.0f" }}% CPU for 15 minutes (threshold ${num(t.elasticacheCpuPercent)}%).`),
    rule("cache", "AgentElastiCacheMemoryHigh", "warning",
      `${metric("database_memory_usage_percentage")} > ${num(t.elasticacheMemoryPercent)}`, "15m",
      `${node} memory above ${num(t.elasticacheMemoryPercent)}%`,
      `${node} has used {{ $value | printf "%.0f" }}% of its memory for data for 15 minutes (threshold ${num(t.elasticacheMemoryPercent)}%); near 100% it evicts keys or refuses writes.`),
  ];
}
