// The log line "Failed to initialize Redis" becomes an alert (docs/decisions/0054-log-line-alerts.md): the server pod's
// log-watch sidecar tails Letta's own log file, counts matching records and sends only the count to the collector;
// the collector turns any delta into cumulative before its Prometheus exporter. Checked on the rendered plans.
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCollectorConfig } from "../../components/observability/collector-config";
import type { CollectorConfig, CountConnectorConfig, FileLogReceiverConfig } from "../../components/observability/collector-model";
import { REDIS_INIT_FAILURES } from "../../components/observability/log-watch";
import { alertRules } from "../../components/observability/alert-rules";
import { runStack, type ProgramRun } from "../support/harness";
import { envOf, named } from "../support/k8s";
import { serverContainer, serverDeployment } from "../support/workload";

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
  dev = await runStack("dev");
  prod = await runStack("prod");
}, 120_000);

const logWatchConfigOf = (run: ProgramRun): CollectorConfig =>
  parse(named<{ data: Record<string, string> }>(run, "kubernetes:core/v1:ConfigMap", "agents-server-log-watch").data["config.yaml"] ?? "") as CollectorConfig;

describe("the log-watch sidecar", () => {
  it.each(["dev", "prod"])("%s: tails the file the server logs to, from the server's HOME volume, read-only", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const spec = serverDeployment(run).spec.template.spec;
    const sidecar = (spec.initContainers ?? []).find((c) => c.name === "log-watch");
    expect(sidecar?.restartPolicy).toBe("Always");
    const home = envOf(serverContainer(run)).get("HOME")?.value;
    const serverHome = serverContainer(run).volumeMounts?.find((m) => m.mountPath === home);
    expect(sidecar?.volumeMounts).toContainEqual({ name: serverHome?.name, mountPath: home, readOnly: true });
    const receiver = logWatchConfigOf(run).receivers.filelog as FileLogReceiverConfig;
    expect(receiver.include).toEqual([`${home}/.letta/logs/Letta.log`]);
    // Sends to the collector the server itself sends to.
    expect((logWatchConfigOf(run).exporters.otlp as { endpoint: string }).endpoint).toBe(envOf(serverContainer(run)).get("LETTA_OTEL_EXPORTER_OTLP_ENDPOINT")?.value);
    // The gate runs after it, last.
    expect((spec.initContainers ?? []).map((c) => c.name).slice(-2)).toEqual(["log-watch", "wait-for-redis"]);
  });

  it("counts exactly the records that carry Letta's message, plain or JSON-logged, and nothing else", () => {
    const count = logWatchConfigOf(prod).connectors.count as CountConnectorConfig;
    const conditions = count.logs[REDIS_INIT_FAILURES.otel]?.conditions ?? [];
    expect(conditions).toHaveLength(1);
    const pattern = /^IsMatch\(body, (".*")\)$/.exec(conditions[0] ?? "")?.[1];
    const regex = new RegExp(JSON.parse(pattern ?? '""') as string);
    expect(regex.test("Failed to initialize Redis: Error 111 connecting to 127.0.0.1:6379. Connection refused.")).toBe(true);
    expect(regex.test('{"level": "WARNING", "message": "Failed to initialize Redis: Timeout connecting to server"}')).toBe(true);
    expect(regex.test("Redis client initialized")).toBe(false);
    // Only counts leave the pod: the logs pipeline ends in the connector, the metrics pipeline in the OTLP exporter.
    expect(logWatchConfigOf(prod).service.pipelines).toMatchObject({ logs: { exporters: ["count"] }, metrics: { receivers: ["count"], exporters: ["otlp"] } });
  });

  it("the alert reads the counter the collector serves, by the labels the sidecar sets", () => {
    const rule = alertRules({ connectionBudget: 100 }).flatMap((g) => g.rules).find((r) => r.alert === "AgentServerRedisUnavailable");
    expect(rule?.expr).toContain(`${REDIS_INIT_FAILURES.prometheus}{`);
    const attributes = (logWatchConfigOf(prod).processors["resource/pod"] as { attributes: { key: string; value: string }[] }).attributes;
    expect(attributes.map((a) => a.key)).toEqual(["k8s.namespace.name", "k8s.pod.name", "k8s.deployment.name", "k8s.container.name"]);
    expect(attributes.find((a) => a.key === "k8s.deployment.name")?.value).toBe("agents-server");
  });
});

describe("metrics temporality on the Prometheus path", () => {
  it("the server exports cumulative, and the collector turns any delta cumulative before the Prometheus exporter", () => {
    expect(envOf(serverContainer(prod)).get("LETTA_OTEL_PREFERRED_TEMPORALITY")?.value).toBe("2");
    // The collector configuration the prod plan renders, and the one the builder makes for the debug backend.
    const rendered = parse(named<{ data: Record<string, string> }>(prod, "kubernetes:core/v1:ConfigMap", "agents-otel-collector").data["config.yaml"] ?? "") as CollectorConfig;
    for (const config of [rendered, buildCollectorConfig({ backend: { kind: "debug" } }).config]) {
      const toPrometheus = Object.values(config.service.pipelines).filter((p) => p.exporters.includes("prometheus"));
      expect(toPrometheus).toHaveLength(1);
      expect(toPrometheus[0]?.processors).toContain("deltatocumulative");
      expect(config.processors.deltatocumulative).toBeDefined();
    }
  });
});
