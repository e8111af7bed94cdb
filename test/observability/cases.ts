// promtool unit-test scenarios for every alert of components/observability/alert-rules.ts: input series that must
// fire the alert (with the exact labels and annotations expected, and, where the rule has a `for`, a check that it
// is still only pending earlier) and input series that must leave it quiet, most of them just short of the threshold
// or just outside the rule's selector. Values follow promtool's expanding notation: "a+bxn" is a, a+b, … (n+1 values).
import type { AlertRulesOptions, AlertThresholds, Severity } from "../../components/observability/alert-rules";

export const NS = "agent-platform";
export const INSTANCE = "agents";
export const RUNBOOK = "https://git.example.com/platform/agent-platform/blob/main/docs/runbooks.md";
export const BUDGET = 160;

/** The options every scenario runs against: all backends, so every alert exists. */
export const OPTIONS: AlertRulesOptions = {
  namespace: NS, instance: INSTANCE, runbookBaseUrl: RUNBOOK, connectionBudget: BUDGET,
  rds: true, elasticache: true, inClusterDatabase: true, backups: true,
  rdsInstanceIdentifier: "agents-prod-db", elasticacheReplicationGroupId: "agents-prod-cache",
};

export interface InputSeries { series: string; values: string }
export interface ExpectedAlert { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }
export interface Check { at: string; alerts: ExpectedAlert[] }
export interface Scenario { name: string; interval?: string; input: InputSeries[]; checks: Check[] }
export interface AlertCase {
  alert: string;
  /** promtool's evaluation_interval for this alert's test file. Default 1m. */
  evaluationInterval?: string;
  fires: Scenario[];
  quiet: Scenario[];
  /** A threshold change under which the first quiet scenario fires: the quiet scenario sits just below the default. */
  quietFiresWith?: Partial<AlertThresholds>;
  /** A threshold change under which the first firing scenario stays quiet: it sits just above the default. */
  firesQuietWith?: Partial<AlertThresholds>;
}

function series(metric: string, labels: Record<string, string>, values: string): InputSeries {
  return { series: `${metric}{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ")}}`, values };
}

function expected(
  severity: Severity, component: string, labels: Record<string, string>, anchor: string, summary: string, description: string,
): ExpectedAlert {
  return {
    exp_labels: { ...labels, severity, component, namespace: NS, platform_instance: INSTANCE },
    exp_annotations: { summary, description, runbook_url: `${RUNBOOK}#${anchor}` },
  };
}

const quietAt = (at: string): Check[] => [{ at, alerts: [] }];

// ---- server: the OTel HTTP histogram ------------------------------------------------------------------------------
const server = { k8s_namespace_name: NS, k8s_deployment_name: "agents-server" };
const route = "/v1/agents/{agent_id}";
const messages = "/v1/agents/{agent_id}/messages";
const bucket = (labels: Record<string, string>, le: string, values: string): InputSeries =>
  series("http_server_request_duration_seconds_bucket", { ...labels, le }, values);
/** Per-minute request counts that fall at or under 0.1 s, 0.2 s, 0.4 s and in total. */
const histogram = (labels: Record<string, string>, perMinute: [number, number, number, number]): InputSeries[] =>
  (["0.1", "0.2", "0.4", "+Inf"] as const).map((le, i) => bucket(labels, le, `0+${perMinute[i] ?? 0}x40`));
const count = (labels: Record<string, string>, status: string, perMinute: number): InputSeries =>
  series("http_server_request_duration_seconds_count", { ...labels, http_request_method: "POST", http_response_status_code: status }, `0+${perMinute}x40`);
const excludedText = ' Routes matching http_route=~".*/messages.*|.*/chat/completions.*" are left out: they wait on an LLM.';

// ---- server: cAdvisor and kube-state-metrics ----------------------------------------------------------------------
const POD = "agents-server-5d8f7c9b6d-x7k2p";
const node = "ip-10-0-1-23.eu-west-1.compute.internal";
const cpu = (pod: string, container: string | undefined, values: string, namespace = NS): InputSeries =>
  series("container_cpu_usage_seconds_total", { namespace, pod, ...(container === undefined ? {} : { container }), id: `/kubepods/burstable/${pod}`, cpu: "total" }, values);
const workingSet = (pod: string, container: string, values: string): InputSeries =>
  series("container_memory_working_set_bytes", { namespace: NS, pod, container, id: `/kubepods/burstable/${pod}/${container}` }, values);
const limit = (pod: string, container: string, resource: "cpu" | "memory", value: number): InputSeries =>
  series("kube_pod_container_resource_limits", { namespace: NS, pod, container, resource, unit: resource === "cpu" ? "core" : "byte", node, uid: "0d5c6f" }, `${value}x40`);
const hpa = (metric: string, value: number, namespace = NS): InputSeries =>
  series(`kube_horizontalpodautoscaler_${metric}`, { namespace, horizontalpodautoscaler: "agents-server" }, `${value}x40`);
const restarts = (pod: string, container: string, values: string, namespace = NS): InputSeries =>
  series("kube_pod_container_status_restarts_total", { namespace, pod, container, uid: "7f3a1b" }, values);

// ---- backups: kube-state-metrics CronJobs and Jobs ----------------------------------------------------------------
const cron = (metric: string, cronjob: string, values: string): InputSeries =>
  series(`kube_cronjob_${metric}`, { namespace: NS, cronjob }, values);
const DRILL_JOB = "agents-restore-drill-29106000";
const jobSeries = (job: string, owner: string, failed: boolean, startedAt: number): InputSeries[] => [
  series("kube_job_owner", { namespace: NS, job_name: job, owner_kind: "CronJob", owner_name: owner, owner_is_controller: "true" }, "1x200"),
  series("kube_job_failed", { namespace: NS, job_name: job, condition: "true" }, `${failed ? 1 : 0}x200`),
  series("kube_job_failed", { namespace: NS, job_name: job, condition: "false" }, `${failed ? 0 : 1}x200`),
  series("kube_job_status_start_time", { namespace: NS, job_name: job }, `${startedAt}x200`),
];
const ksmUp = series("up", { job: "kube-state-metrics" }, "1x60");

// ---- AWS through YACE ---------------------------------------------------------------------------------------------
const aws = { region: "eu-west-1", account_id: "123456789012" };
const rds = (metric: string, id: string, value: number): InputSeries =>
  series(`aws_rds_${metric}_average`, { dimension_DBInstanceIdentifier: id, name: `arn:aws:rds:eu-west-1:123456789012:db:${id}`, ...aws }, `${value}x40`);
const cache = (metric: string, id: string, value: number): InputSeries =>
  series(`aws_elasticache_${metric}_average`, { dimension_CacheClusterId: id, dimension_CacheNodeId: "0001", name: `arn:aws:elasticache:eu-west-1:123456789012:cluster:${id}`, ...aws }, `${value}x40`);
const RDS_ID = { dimension_DBInstanceIdentifier: "agents-prod-db" };
const NODE_ID = { dimension_CacheClusterId: "agents-prod-cache-001" };
const GiB = 2 ** 30;
const MiB = 2 ** 20;

// ---- in-cluster PostgreSQL through postgres_exporter --------------------------------------------------------------
const pg = (namespace: string, datname: string, state: string, value: number): InputSeries =>
  series("pg_stat_activity_count", { namespace, datname, state, usename: "letta", service: "agents-postgres-exporter" }, `${value}x40`);

export const CASES: AlertCase[] = [
  {
    alert: "AgentServerLatencyHigh",
    fires: [{
      name: "p95 380 ms: half the requests between 0.2 s and 0.4 s",
      input: histogram({ ...server, http_route: route }, [0, 50, 100, 100]),
      checks: [
        { at: "5m", alerts: [] },
        { at: "20m", alerts: [expected("warning", "server", {}, "agentserverlatencyhigh", "p95 latency of agents-server above 200ms",
          `The 95th percentile of request latency of agents-server in agent-platform has been 380ms for 10 minutes (threshold 200ms).${excludedText}`)] },
      ],
    }],
    quiet: [{
      name: "p95 190 ms; the slow LLM routes and another namespace's server left out",
      input: [
        ...histogram({ ...server, http_route: route }, [50, 100, 100, 100]),
        ...histogram({ ...server, http_route: messages }, [0, 0, 0, 1000]),
        ...histogram({ ...server, http_route: "/v1/chat/completions" }, [0, 0, 0, 1000]),
        ...histogram({ ...server, k8s_namespace_name: "other", http_route: route }, [0, 0, 0, 1000]),
      ],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { latencyP95Seconds: 0.15 },
    firesQuietWith: { latencyP95Seconds: 0.4 },
  },
  {
    alert: "AgentServerErrorRateHigh",
    fires: [{
      name: "2% of requests answered 500",
      input: [count({ ...server, http_route: route }, "200", 98), count({ ...server, http_route: route }, "500", 2)],
      checks: [
        { at: "5m", alerts: [] },
        { at: "20m", alerts: [expected("critical", "server", {}, "agentservererrorratehigh", "agents-server answers more than 1% of requests with 5xx",
          "2% of the requests to agents-server in agent-platform have ended in a 5xx status for 10 minutes (threshold 1%).")] },
      ],
    }],
    quiet: [{
      name: "0.5% answered 503; another namespace's server at 50%",
      input: [
        count({ ...server, http_route: route }, "200", 995), count({ ...server, http_route: route }, "503", 5),
        count({ ...server, k8s_namespace_name: "other", http_route: route }, "200", 50),
        count({ ...server, k8s_namespace_name: "other", http_route: route }, "500", 50),
      ],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { errorRatio: 0.004 },
    firesQuietWith: { errorRatio: 0.03 },
  },
  {
    alert: "AgentServerCpuNearLimit",
    fires: [{
      name: "0.9 cores of a 1-core limit",
      input: [cpu(POD, "server", "0+54x40"), limit(POD, "server", "cpu", 1)],
      checks: [
        { at: "10m", alerts: [] },
        { at: "20m", alerts: [expected("warning", "server", { pod: POD, container: "server" }, "agentservercpunearlimit",
          `agents-server pod ${POD} uses over 80% of its CPU limit`,
          `Container server of pod ${POD} in agent-platform has used 90% of its CPU limit for 15 minutes (threshold 80%); it is being throttled or close to it.`)] },
      ],
    }],
    quiet: [{
      name: "0.7 cores; Redis at its limit and the pod-level cgroup series left out",
      input: [
        cpu(POD, "server", "0+42x40"), limit(POD, "server", "cpu", 1),
        cpu(POD, undefined, "0+120x40"),
        cpu("agents-redis-0", "redis", "0+60x40"), limit("agents-redis-0", "redis", "cpu", 1),
      ],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { cpuLimitRatio: 0.6 },
    firesQuietWith: { cpuLimitRatio: 0.95 },
  },
  {
    alert: "AgentServerMemoryNearLimit",
    fires: [{
      name: "900 MB working set of a 1 GB limit",
      input: [workingSet(POD, "server", "900000000x40"), limit(POD, "server", "memory", 1e9)],
      checks: [
        { at: "10m", alerts: [] },
        { at: "20m", alerts: [expected("warning", "server", { pod: POD, container: "server" }, "agentservermemorynearlimit",
          `agents-server pod ${POD} uses over 80% of its memory limit`,
          `Container server of pod ${POD} in agent-platform has had a working set of 90% of its memory limit for 15 minutes (threshold 80%); at the limit it is OOM-killed.`)] },
      ],
    }],
    quiet: [{
      name: "700 MB of 1 GB; Redis at its limit left out",
      input: [
        workingSet(POD, "server", "700000000x40"), limit(POD, "server", "memory", 1e9),
        workingSet("agents-redis-0", "redis", "1000000000x40"), limit("agents-redis-0", "redis", "memory", 1e9),
      ],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { memoryLimitRatio: 0.6 },
    firesQuietWith: { memoryLimitRatio: 0.95 },
  },
  {
    alert: "AgentServerHpaAtMax",
    fires: [{
      name: "10 of at most 10 replicas",
      input: [hpa("status_current_replicas", 10), hpa("spec_max_replicas", 10), hpa("spec_min_replicas", 2)],
      checks: [
        { at: "10m", alerts: [] },
        { at: "20m", alerts: [expected("warning", "server", { horizontalpodautoscaler: "agents-server" }, "agentserverhpaatmax",
          "HPA agents-server has been at its maximum replicas for 15 minutes",
          "HorizontalPodAutoscaler agents-server in agent-platform has run 10 replicas, its maximum, for 15 minutes: it cannot add capacity. Raise server.maxReplicas within the connection budget, or find what drives the load.")] },
      ],
    }],
    quiet: [{
      name: "9 of at most 10; another namespace's HPA at its maximum",
      input: [
        hpa("status_current_replicas", 9), hpa("spec_max_replicas", 10), hpa("spec_min_replicas", 2),
        hpa("status_current_replicas", 5, "other"), hpa("spec_max_replicas", 5, "other"), hpa("spec_min_replicas", 1, "other"),
      ],
      checks: quietAt("30m"),
    }, {
      name: "a fixed size: minimum = maximum = current",
      input: [hpa("status_current_replicas", 2), hpa("spec_max_replicas", 2), hpa("spec_min_replicas", 2)],
      checks: quietAt("30m"),
    }],
  },
  {
    alert: "AgentServerRedisUnavailable",
    fires: [{
      name: "one \"Failed to initialize Redis\" record counted by the log-watch sidecar",
      input: [
        series("letta_redis_init_failures_total", { ...server, k8s_pod_name: POD }, "0x5 1x20"),
        series("letta_redis_init_failures_total", { ...server, k8s_pod_name: "agents-server-abc-2" }, "0x25"),
      ],
      checks: [
        { at: "4m", alerts: [] },
        { at: "7m", alerts: [expected("critical", "server", { k8s_pod_name: POD }, "agentserverredisunavailable",
          `agents-server pod ${POD} runs without Redis`,
          `Pod ${POD} of agents-server in agent-platform logged "Failed to initialize Redis": it now uses a no-op client until the process restarts, so conversation locks, request de-duplication and stream resume are silently off. Once Redis answers PING, delete the pod.`)] },
      ],
    }],
    quiet: [{
      name: "no failure; another namespace's failure left out",
      input: [
        series("letta_redis_init_failures_total", { ...server, k8s_pod_name: POD }, "0x25"),
        series("letta_redis_init_failures_total", { k8s_namespace_name: "other", k8s_deployment_name: "agents-server", k8s_pod_name: "x" }, "0x5 1x20"),
      ],
      checks: quietAt("10m"),
    }],
  },
  {
    alert: "AgentPodRestartLooping",
    fires: [{
      name: "Redis restarting every minute",
      input: [restarts("agents-redis-0", "redis", "0+1x40"), restarts(POD, "server", "0x40")],
      checks: [
        { at: "3m", alerts: [] },
        { at: "20m", alerts: [expected("warning", "workload", { pod: "agents-redis-0", container: "redis" }, "agentpodrestartlooping",
          "Container redis of pod agents-redis-0 is restarting repeatedly",
          "Container redis of pod agents-redis-0 in agent-platform restarted 15 times in the last 15 minutes (threshold 3).")] },
      ],
    }],
    quiet: [{
      name: "one restart in the last 15 minutes; another namespace's crash loop left out",
      input: [restarts(POD, "server", "0x10 1x10 2x20"), restarts("other-0", "app", "0+1x40", "other")],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { restartsPer15m: 0 },
    firesQuietWith: { restartsPer15m: 20 },
  },
  {
    alert: "AgentBackupTooOld",
    fires: [{
      name: "last success 27 hours ago",
      input: [cron("status_last_successful_time", "agents-backup", "0x1700"), cron("created", "agents-backup", "0x1700")],
      checks: [
        { at: "26h5m", alerts: [] },
        { at: "27h", alerts: [expected("critical", "backup", { cronjob: "agents-backup" }, "agentbackuptooold",
          "The last successful backup of agents is older than 26h",
          "The last successful run of CronJob agents-backup in agent-platform finished 1d 3h 0m 0s ago (threshold 26h): a loss now would lose more than a day of data. Check the CronJob's recent Jobs and their logs.")] },
      ],
    }],
    quiet: [{
      name: "last success 25 hours ago; the drill's older success is not the backup's",
      input: [
        cron("status_last_successful_time", "agents-backup", "7200x1700"), cron("created", "agents-backup", "0x1700"),
        cron("status_last_successful_time", "agents-restore-drill", "0x1700"),
      ],
      checks: quietAt("27h"),
    }],
    quietFiresWith: { backupMaxAgeHours: 24 },
    firesQuietWith: { backupMaxAgeHours: 28 },
  },
  {
    alert: "AgentBackupMissing",
    fires: [{
      name: "created 27 hours ago, never succeeded",
      input: [cron("created", "agents-backup", "0x1700")],
      checks: [
        { at: "26h20m", alerts: [] },
        { at: "27h", alerts: [expected("critical", "backup", { cronjob: "agents-backup" }, "agentbackupmissing",
          "No successful backup of agents on record",
          "kube-state-metrics reports no successful run of CronJob agents-backup in agent-platform: the CronJob has not succeeded in the 26h since it was created, does not exist, or no kube-state-metrics of v2.4 or later is scraped. The age of the backups cannot be known.")] },
      ],
    }, {
      name: "no CronJob series at all (deleted, or kube-state-metrics not scraped)",
      input: [ksmUp],
      checks: [
        { at: "20m", alerts: [] },
        { at: "40m", alerts: [expected("critical", "backup", { cronjob: "agents-backup" }, "agentbackupmissing",
          "No successful backup of agents on record",
          "kube-state-metrics reports no successful run of CronJob agents-backup in agent-platform: the CronJob has not succeeded in the 26h since it was created, does not exist, or no kube-state-metrics of v2.4 or later is scraped. The age of the backups cannot be known.")] },
      ],
    }],
    quiet: [{
      name: "created 20 hours ago, first run not yet due",
      input: [cron("created", "agents-backup", "0x1300")],
      checks: quietAt("20h"),
    }, {
      name: "a success on record",
      input: [cron("status_last_successful_time", "agents-backup", "3600x1700"), cron("created", "agents-backup", "0x1700")],
      checks: quietAt("27h"),
    }],
    quietFiresWith: { backupMaxAgeHours: 19 },
    firesQuietWith: { backupMaxAgeHours: 28 },
  },
  {
    alert: "AgentRestoreDrillFailed",
    fires: [{
      name: "the newest drill failed after an earlier success",
      input: [...jobSeries(DRILL_JOB, "agents-restore-drill", true, 5000), cron("status_last_successful_time", "agents-restore-drill", "1000x200")],
      checks: [{ at: "3h", alerts: [expected("warning", "backup", { job_name: DRILL_JOB }, "agentrestoredrillfailed",
        "The restore drill of agents failed",
        `Restore-drill Job ${DRILL_JOB} of CronJob agents-restore-drill in agent-platform failed, and no drill has succeeded since it started: the latest backup is not known to restore. Read the Job's logs.`)] }],
    }, {
      name: "the first drill failed, none ever succeeded",
      input: jobSeries(DRILL_JOB, "agents-restore-drill", true, 5000),
      checks: [{ at: "3h", alerts: [expected("warning", "backup", { job_name: DRILL_JOB }, "agentrestoredrillfailed",
        "The restore drill of agents failed",
        `Restore-drill Job ${DRILL_JOB} of CronJob agents-restore-drill in agent-platform failed, and no drill has succeeded since it started: the latest backup is not known to restore. Read the Job's logs.`)] }],
    }],
    quiet: [{
      name: "a failed drill, then a later successful one",
      input: [...jobSeries(DRILL_JOB, "agents-restore-drill", true, 5000), cron("status_last_successful_time", "agents-restore-drill", "9000x200")],
      checks: quietAt("3h"),
    }, {
      name: "a failed backup Job (not a drill) and a drill Job that did not fail",
      input: [...jobSeries("agents-backup-29105000", "agents-backup", true, 4000), ...jobSeries(DRILL_JOB, "agents-restore-drill", false, 5000)],
      checks: quietAt("3h"),
    }],
  },
  {
    alert: "AgentRestoreDrillOverdue",
    evaluationInterval: "5m",
    fires: [{
      name: "last success 8 days and an hour ago",
      interval: "5m",
      input: [cron("status_last_successful_time", "agents-restore-drill", "0x2400"), cron("created", "agents-restore-drill", "0x2400")],
      checks: [
        { at: "8d10m", alerts: [] },
        { at: "8d1h", alerts: [expected("warning", "backup", { cronjob: "agents-restore-drill" }, "agentrestoredrilloverdue",
          "No successful restore drill of agents in 8 days",
          "No run of CronJob agents-restore-drill in agent-platform has succeeded in the last 8 days (or kube-state-metrics reports none): the backups are not known to restore.")] },
      ],
    }, {
      name: "created 9 days ago, never succeeded",
      interval: "5m",
      input: [cron("created", "agents-restore-drill", "0x2700")],
      checks: [{ at: "9d", alerts: [expected("warning", "backup", { cronjob: "agents-restore-drill" }, "agentrestoredrilloverdue",
        "No successful restore drill of agents in 8 days",
        "No run of CronJob agents-restore-drill in agent-platform has succeeded in the last 8 days (or kube-state-metrics reports none): the backups are not known to restore.")] }],
    }],
    quiet: [{
      name: "last success 7 days ago",
      interval: "5m",
      input: [cron("status_last_successful_time", "agents-restore-drill", "86400x2400"), cron("created", "agents-restore-drill", "0x2400")],
      checks: quietAt("8d"),
    }, {
      name: "created 7 days ago, first run not yet due",
      interval: "5m",
      input: [cron("created", "agents-restore-drill", "0x2100")],
      checks: quietAt("7d"),
    }],
    quietFiresWith: { restoreDrillMaxAgeDays: 6 },
    firesQuietWith: { restoreDrillMaxAgeDays: 10 },
  },
  {
    alert: "AgentRdsCpuHigh",
    fires: [{
      name: "92% CPU",
      input: [rds("cpuutilization", "agents-prod-db", 92)],
      checks: [
        { at: "10m", alerts: [] },
        { at: "20m", alerts: [expected("warning", "database", RDS_ID, "agentrdscpuhigh", "RDS instance agents-prod-db CPU above 80%",
          "RDS instance agents-prod-db has averaged 92% CPU for 15 minutes (threshold 80%).")] },
      ],
    }],
    quiet: [{
      name: "75% CPU; another account's database at 99% left out",
      input: [rds("cpuutilization", "agents-prod-db", 75), rds("cpuutilization", "other-db", 99)],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { rdsCpuPercent: 70 },
    firesQuietWith: { rdsCpuPercent: 95 },
  },
  {
    alert: "AgentRdsFreeableMemoryLow",
    fires: [{
      name: "200 MiB freeable",
      input: [rds("freeable_memory", "agents-prod-db", 200 * MiB)],
      checks: [
        { at: "10m", alerts: [] },
        { at: "20m", alerts: [expected("warning", "database", RDS_ID, "agentrdsfreeablememorylow", "RDS instance agents-prod-db is low on memory",
          "RDS instance agents-prod-db has had 200MiB of freeable memory for 15 minutes (threshold 256 MiB): expect swapping and a cold cache.")] },
      ],
    }],
    quiet: [{
      name: "512 MiB freeable; another database with 1 MiB left out",
      input: [rds("freeable_memory", "agents-prod-db", 512 * MiB), rds("freeable_memory", "other-db", MiB)],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { rdsFreeableMemoryBytes: GiB },
    firesQuietWith: { rdsFreeableMemoryBytes: 100 * MiB },
  },
  {
    alert: "AgentRdsFreeStorageLow",
    fires: [{
      name: "8 GiB free",
      input: [rds("free_storage_space", "agents-prod-db", 8 * GiB)],
      checks: [
        { at: "10m", alerts: [] },
        { at: "20m", alerts: [expected("warning", "database", RDS_ID, "agentrdsfreestoragelow", "RDS instance agents-prod-db has less than 10 GiB of free storage",
          "RDS instance agents-prod-db has 8GiB of free storage (threshold 10 GiB). Storage autoscaling grows it below 10% free, at most every 6 hours and up to database.maxAllocatedStorageGb.")] },
      ],
    }],
    quiet: [{
      name: "12 GiB free",
      input: [rds("free_storage_space", "agents-prod-db", 12 * GiB), rds("free_storage_space", "other-db", GiB)],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { rdsFreeStorageWarningBytes: 16 * GiB },
    firesQuietWith: { rdsFreeStorageWarningBytes: 4 * GiB },
  },
  {
    alert: "AgentRdsFreeStorageCritical",
    fires: [{
      name: "1.5 GiB free",
      input: [rds("free_storage_space", "agents-prod-db", 1.5 * GiB)],
      checks: [
        { at: "3m", alerts: [] },
        { at: "10m", alerts: [expected("critical", "database", RDS_ID, "agentrdsfreestoragecritical", "RDS instance agents-prod-db is about to run out of storage",
          "RDS instance agents-prod-db has 1.5GiB of free storage (threshold 2 GiB); when it reaches zero the instance stops accepting writes. Raise database.maxAllocatedStorageGb or the allocated storage now.")] },
      ],
    }],
    quiet: [{
      name: "3 GiB free (low, not critical)",
      input: [rds("free_storage_space", "agents-prod-db", 3 * GiB)],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { rdsFreeStorageCriticalBytes: 4 * GiB },
    firesQuietWith: { rdsFreeStorageCriticalBytes: GiB },
  },
  {
    alert: "AgentRdsConnectionsNearBudget",
    fires: [{
      name: "150 connections of a budget of 160",
      input: [rds("database_connections", "agents-prod-db", 150)],
      checks: [
        { at: "5m", alerts: [] },
        { at: "20m", alerts: [expected("warning", "database", RDS_ID, "agentrdsconnectionsnearbudget", "RDS instance agents-prod-db connections near the planned budget",
          "RDS instance agents-prod-db has held 150 connections for 10 minutes, over 90% of the planned budget of 160 (threshold 144).")] },
      ],
    }],
    quiet: [{
      name: "140 connections",
      input: [rds("database_connections", "agents-prod-db", 140), rds("database_connections", "other-db", 4000)],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { connectionBudgetRatio: 0.8 },
    firesQuietWith: { connectionBudgetRatio: 0.95 },
  },
  {
    alert: "AgentElastiCacheEngineCpuHigh",
    fires: [{
      name: "engine thread at 85% on the primary, 40% on the replica",
      input: [cache("engine_cpuutilization", "agents-prod-cache-001", 85), cache("engine_cpuutilization", "agents-prod-cache-002", 40)],
      checks: [
        { at: "10m", alerts: [] },
        { at: "20m", alerts: [expected("warning", "cache", NODE_ID, "agentelasticacheenginecpuhigh", "ElastiCache node agents-prod-cache-001 engine CPU above 80%",
          "The engine thread of ElastiCache node agents-prod-cache-001 has averaged 85% CPU for 15 minutes (threshold 80%); commands queue behind it.")] },
      ],
    }],
    quiet: [{
      name: "60% on both nodes; another replication group at 99% left out",
      input: [
        cache("engine_cpuutilization", "agents-prod-cache-001", 60), cache("engine_cpuutilization", "agents-prod-cache-002", 60),
        cache("engine_cpuutilization", "other-cache-001", 99),
      ],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { elasticacheEngineCpuPercent: 50 },
    firesQuietWith: { elasticacheEngineCpuPercent: 90 },
  },
  {
    alert: "AgentElastiCacheCpuHigh",
    fires: [{
      name: "host CPU at 90%",
      input: [cache("cpuutilization", "agents-prod-cache-001", 90)],
      checks: [
        { at: "10m", alerts: [] },
        { at: "20m", alerts: [expected("warning", "cache", NODE_ID, "agentelasticachecpuhigh", "ElastiCache node agents-prod-cache-001 host CPU above 80%",
          "The host of ElastiCache node agents-prod-cache-001 has averaged 90% CPU for 15 minutes (threshold 80%).")] },
      ],
    }],
    quiet: [{
      name: "host CPU at 60%",
      input: [cache("cpuutilization", "agents-prod-cache-001", 60), cache("cpuutilization", "other-cache-001", 99)],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { elasticacheCpuPercent: 50 },
    firesQuietWith: { elasticacheCpuPercent: 95 },
  },
  {
    alert: "AgentElastiCacheMemoryHigh",
    fires: [{
      name: "92% of memory used for data",
      input: [cache("database_memory_usage_percentage", "agents-prod-cache-001", 92)],
      checks: [
        { at: "10m", alerts: [] },
        { at: "20m", alerts: [expected("warning", "cache", NODE_ID, "agentelasticachememoryhigh", "ElastiCache node agents-prod-cache-001 memory above 80%",
          "ElastiCache node agents-prod-cache-001 has used 92% of its memory for data for 15 minutes (threshold 80%); near 100% it evicts keys or refuses writes.")] },
      ],
    }],
    quiet: [{
      name: "70% used",
      input: [cache("database_memory_usage_percentage", "agents-prod-cache-001", 70), cache("database_memory_usage_percentage", "other-cache-001", 99)],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { elasticacheMemoryPercent: 60 },
    firesQuietWith: { elasticacheMemoryPercent: 95 },
  },
  {
    alert: "AgentPostgresConnectionsNearBudget",
    fires: [{
      name: "100 active + 50 idle connections to letta (the postgres database's 30 not counted)",
      input: [pg(NS, "letta", "active", 100), pg(NS, "letta", "idle", 50), pg(NS, "postgres", "active", 30)],
      checks: [
        { at: "5m", alerts: [] },
        { at: "20m", alerts: [expected("warning", "database", { datname: "letta" }, "agentpostgresconnectionsnearbudget",
          "PostgreSQL connections to letta near the planned budget",
          "The in-cluster PostgreSQL in agent-platform has held 150 connections to database letta for 10 minutes, over 90% of the planned budget of 160 (threshold 144).")] },
      ],
    }],
    quiet: [{
      name: "140 connections; another namespace's letta database left out",
      input: [pg(NS, "letta", "active", 90), pg(NS, "letta", "idle", 50), pg(NS, "postgres", "active", 30), pg("other", "letta", "active", 500)],
      checks: quietAt("30m"),
    }],
    quietFiresWith: { connectionBudgetRatio: 0.8 },
    firesQuietWith: { connectionBudgetRatio: 0.95 },
  },
];

/** A healthy platform, every metric present: no alert fires at 30 minutes. */
export const HEALTHY: Scenario = {
  name: "a healthy platform",
  input: [
    ...histogram({ ...server, http_route: route }, [80, 100, 100, 100]),
    count({ ...server, http_route: route }, "200", 100),
    cpu(POD, "server", "0+30x40"), limit(POD, "server", "cpu", 1),
    workingSet(POD, "server", "500000000x40"), limit(POD, "server", "memory", 1e9),
    hpa("status_current_replicas", 3), hpa("spec_max_replicas", 10), hpa("spec_min_replicas", 2),
    restarts(POD, "server", "0x40"), restarts("agents-redis-0", "redis", "0x40"),
    cron("status_last_successful_time", "agents-backup", "0x40"), cron("created", "agents-backup", "0x40"),
    cron("status_last_successful_time", "agents-restore-drill", "0x40"), cron("created", "agents-restore-drill", "0x40"),
    ...jobSeries(DRILL_JOB, "agents-restore-drill", false, 0),
    rds("cpuutilization", "agents-prod-db", 20), rds("freeable_memory", "agents-prod-db", 2 * GiB),
    rds("free_storage_space", "agents-prod-db", 40 * GiB), rds("database_connections", "agents-prod-db", 40),
    cache("engine_cpuutilization", "agents-prod-cache-001", 10), cache("cpuutilization", "agents-prod-cache-001", 15),
    cache("database_memory_usage_percentage", "agents-prod-cache-001", 20),
    pg(NS, "letta", "active", 20), pg(NS, "letta", "idle", 20),
  ],
  checks: quietAt("30m"),
};
