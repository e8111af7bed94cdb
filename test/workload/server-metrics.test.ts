// The AgentServer component's scrape settings, for an agent server that does serve Prometheus metrics itself (Letta
// does not: the plans annotate it prometheus.io/scrape "false", see test/observability/collector-plan.test.ts).
import * as k8s from "@pulumi/kubernetes";
import { describe, expect, it } from "vitest";
import { AgentServer, createNetworkPolicies } from "../../components/workload";
import { captureProgram } from "../../tools/plan/capture";
import { unwrapSecrets } from "../../tools/plan/wire";

interface Rendered { metadata: { name: string; annotations?: Record<string, string> }; spec: { template: { metadata: { annotations?: Record<string, string> } }; ingress?: unknown[] } }

describe("AgentServer with its own metrics endpoint", () => {
  it("annotates the pods for that port and path, and its NetworkPolicy admits Prometheus's namespace there", async () => {
    const captured = await captureProgram({
      project: "agent-platform", stack: "test", config: {}, secretKeys: [],
      program: () => {
        const provider = new k8s.Provider("cluster", {});
        const server = new AgentServer("s", {
          namespace: "ns", instance: "agents", image: "example/agent:1.0.0", provider, prometheusScrape: { port: 9464, path: "/metrics" },
          resources: { cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "1", memoryLimit: "1Gi" },
          autoscaling: { minReplicas: 1, maxReplicas: 2, cpuTargetPercent: 70, memoryTargetPercent: 80 },
          credentialsSecret: { name: "creds", keys: [] }, databaseSecretName: "db", pool: { size: 1, maxOverflow: 0, uvicornWorkers: 1 },
          redis: { host: "redis", port: 6379 },
        });
        createNetworkPolicies("np", {
          namespace: "ns", instance: "agents", serverSelector: server.selector, jobSelector: { job: "x" }, serverPort: 8283, ingressFrom: undefined,
          database: { cidr: "10.0.0.0/16" }, databasePort: 5433, cache: { cidr: "10.0.0.0/16" }, serverScrape: { namespace: "monitoring", port: 9464 }, provider,
        }, {});
        return {};
      },
    });
    const rendered = (type: string, name: string): Rendered =>
      unwrapSecrets(captured.resources.find((r) => r.type === type && (unwrapSecrets(r.inputs) as Rendered).metadata.name === name)?.inputs) as Rendered;
    const deployment = rendered("kubernetes:apps/v1:Deployment", "agents-server");
    expect(deployment.spec.template.metadata.annotations).toEqual({ "prometheus.io/scrape": "true", "prometheus.io/port": "9464", "prometheus.io/path": "/metrics" });
    const policy = rendered("kubernetes:networking.k8s.io/v1:NetworkPolicy", "agents-server");
    expect(policy.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ port: 9464, protocol: "TCP" }] }]);
    // No telemetry settings: the server exports nothing, and still logs JSON.
    const container = (deployment.spec.template as unknown as { spec: { containers: { env: { name: string; value?: string }[] }[] } }).spec.containers[0];
    const names = (container?.env ?? []).map((e) => e.name);
    expect(names).toContain("LETTA_LOGGING_JSON_LOGGING");
    expect(names).not.toContain("LETTA_OTEL_EXPORTER_OTLP_ENDPOINT");
  });
});
