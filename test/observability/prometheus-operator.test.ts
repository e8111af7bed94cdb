// With observability.prometheusOperator: ServiceMonitors for the server's metrics and the collector's own, a
// PodMonitor for postgres_exporter (in-cluster database), and the alert rules as a PrometheusRule holding exactly the
// ConfigMap's groups. Each monitor selects an object the plan renders, on a port name that object has.
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { RuleGroup } from "../../components/observability";
import { NS, runStack, type ProgramRun } from "../support/harness";
import { named, type Workload } from "../support/k8s";
import { T, podTemplates, selects } from "../support/workload";

const API = "monitoring.coreos.com/v1";
const type = (kind: string): string => `kubernetes:${API}:${kind}`;

interface Monitor {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector: { matchNames: string[] };
    endpoints?: { port: string; path: string; honorLabels?: boolean }[];
    podMetricsEndpoints?: { port: string; path: string }[];
  };
}
interface Service { metadata: { name: string; labels: Record<string, string> }; spec: { ports: { name: string; port: number }[] } }

let dev: ProgramRun;
let prod: ProgramRun;
let devPlain: ProgramRun;

beforeAll(async () => {
  const operator = { "observability.prometheusOperator": "true", "observability.monitorLabel": "release=kube-prometheus-stack" };
  dev = await runStack("dev", operator);
  prod = await runStack("prod", operator);
  devPlain = await runStack("dev");
});

const monitors = (run: ProgramRun, kind: string): Monitor[] => run.ofType(type(kind)).map((r) => run.inputs(r) as unknown as Monitor);
const monitor = (run: ProgramRun, kind: string, name: string): Monitor => {
  const found = monitors(run, kind).filter((m) => m.metadata.name === name);
  expect(found, `${kind} ${name}`).toHaveLength(1);
  return found[0] as Monitor;
};
const services = (run: ProgramRun): Service[] => run.ofType(T.service).map((r) => run.inputs(r) as unknown as Service);

describe("without the operator", () => {
  it("no monitoring.coreos.com object at all (the default)", () => {
    expect(devPlain.resources.filter((r) => r.type.includes(API))).toEqual([]);
  });
});

describe.each(["dev", "prod"])("%s with the operator", (stack) => {
  const run = (): ProgramRun => (stack === "dev" ? dev : prod);

  it("ServiceMonitors for the server (the collector's exporter port) and the collector (its telemetry port), in the namespace", () => {
    const server = monitor(run(), "ServiceMonitor", "agents-server");
    const collector = monitor(run(), "ServiceMonitor", "agents-otel-collector");
    expect(server.apiVersion).toBe(API);
    expect(server.spec.endpoints).toEqual([{ port: "metrics", path: "/metrics", interval: "30s", honorLabels: true }]);
    expect(collector.spec.endpoints).toEqual([{ port: "telemetry", path: "/metrics", interval: "30s" }]);
    for (const m of [server, collector]) {
      expect(m.metadata.namespace).toBe(NS);
      expect(m.spec.namespaceSelector).toEqual({ matchNames: [NS] });
      // Exactly the collector's Service, which has the named port.
      const selected = services(run()).filter((s) => selects(m.spec.selector, s.metadata.labels));
      expect(selected.map((s) => s.metadata.name)).toEqual(["agents-otel-collector"]);
      const port = m.spec.endpoints?.[0]?.port;
      expect(selected[0]?.spec.ports.map((p) => p.name)).toContain(port);
    }
    const ports = Object.fromEntries((selectedPorts(run())).map((p) => [p.name, p.port]));
    expect(ports).toMatchObject({ metrics: 8889, telemetry: 8888 });
  });

  it("a PrometheusRule with exactly the rules ConfigMap's groups", () => {
    const rule = run().inputs(run().one(type("PrometheusRule"))) as unknown as { metadata: { name: string }; spec: { groups: RuleGroup[] } };
    expect(rule.metadata.name).toBe("agents-alert-rules");
    const configMap = named<{ data: Record<string, string> }>(run(), "kubernetes:core/v1:ConfigMap", "agents-alert-rules");
    const file = parse(configMap.data["agent-platform-alerts.yaml"] ?? "") as { groups: RuleGroup[] };
    expect(rule.spec.groups).toEqual(file.groups);
    expect(rule.spec.groups.flatMap((g) => g.rules).length).toBeGreaterThan(5);
  });

  it("every object carries the selector label the operator's Prometheus selects by", () => {
    const objects = run().resources.filter((r) => r.type.includes(API)).map((r) => run().inputs(r) as unknown as Monitor);
    expect(objects.length).toBe(stack === "dev" ? 4 : 3);
    for (const object of objects) expect(object.metadata.labels.release, object.metadata.name).toBe("kube-prometheus-stack");
  });
});

function selectedPorts(run: ProgramRun): { name: string; port: number }[] {
  return services(run).find((s) => s.metadata.name === "agents-otel-collector")?.spec.ports ?? [];
}

describe("postgres_exporter PodMonitor", () => {
  it("dev (in-cluster database): selects exactly the exporter's pods, on their metrics port", () => {
    const podMonitor = monitor(dev, "PodMonitor", "agents-postgres-exporter");
    const pods = podTemplates(dev).filter((t) => t.namespace === NS && selects(podMonitor.spec.selector, t.labels));
    expect(pods.map((t) => `${t.kind}/${t.name}`)).toEqual(["Deployment/agents-postgres-exporter"]);
    expect(podMonitor.spec.podMetricsEndpoints).toEqual([{ port: "metrics", path: "/metrics", interval: "30s" }]);
    const container = named<Workload>(dev, T.deployment, "agents-postgres-exporter").spec.template.spec.containers[0];
    expect(container?.ports).toEqual([{ name: "metrics", containerPort: 9187, protocol: "TCP" }]);
  });

  it("prod (RDS): no exporter and no PodMonitor: RDS metrics come from CloudWatch", () => {
    expect(monitors(prod, "PodMonitor")).toEqual([]);
    expect(prod.ofType(T.deployment).map((d) => (prod.inputs(d).metadata as { name: string }).name)).not.toContain("agents-postgres-exporter");
  });
});

describe("one discovery mechanism at a time", () => {
  const annotations = (run: ProgramRun, kind: string, name: string): Record<string, string> =>
    (named<Workload>(run, kind, name).spec.template.metadata as { annotations?: Record<string, string> }).annotations ?? {};

  it.each([
    [T.deployment, "agents-otel-collector"],
    [T.deployment, "agents-postgres-exporter"],
  ])("%s %s: prometheus.io annotations without the operator, none to follow with it (no series scraped twice)", (kind, name) => {
    expect(annotations(devPlain, kind, name)["prometheus.io/scrape"]).toBe("true");
    expect(annotations(devPlain, kind, name)["prometheus.io/port"]).toMatch(/^\d+$/);
    expect(annotations(dev, kind, name)["prometheus.io/scrape"]).toBe("false");
    expect(annotations(dev, kind, name)["prometheus.io/port"]).toBeUndefined();
  });
});
