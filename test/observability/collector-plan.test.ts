// The OpenTelemetry collector as the program renders it (dev and prod plans, and dev with a ClickHouse backend):
// a hardened Deployment probed on health_check, its ConfigMap, Service and NetworkPolicy, the server pointed at it,
// credentials only through a Secret, and every object valid against the Kubernetes schema.
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { CollectorConfig } from "../../components/observability";
import { isKubernetesObject, kubernetesObject } from "../../tools/plan/manifests";
import { isSecretValue } from "../../tools/plan/wire";
import { NS, runStack, type ProgramRun } from "../support/harness";
import { envOf, named, type Container, type Workload } from "../support/k8s";
import { validateKubernetesObject } from "../support/kubernetes-schema";
import { SERVER, T, networkPolicies, networkPolicy, podTemplates, selects, serverContainer, serverDeployment, type NetworkPolicy, expectRestricted } from "../support/workload";

const COLLECTOR = "agents-otel-collector";
const CLICKHOUSE_PASSWORD = "ch-secret-0123456789";

let dev: ProgramRun;
let prod: ProgramRun;
let clickhouse: ProgramRun;

beforeAll(async () => {
  dev = await runStack("dev");
  prod = await runStack("prod");
  clickhouse = await runStack("dev", {
    "observability.backend": "clickhouse", "observability.clickhouseEndpoint": "tcp://clickhouse.example.com:9440?secure=true",
  }, { "observability.clickhousePassword": CLICKHOUSE_PASSWORD });
});

interface Service { metadata: { name: string; labels: Record<string, string> }; spec: { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string }[] } }
interface HttpProbe { httpGet: { path: string; port: string } }

const collectorDeployment = (run: ProgramRun): Workload => named<Workload>(run, T.deployment, COLLECTOR);
const collectorContainer = (run: ProgramRun): Container => {
  const containers = collectorDeployment(run).spec.template.spec.containers;
  expect(containers.map((c) => c.name)).toEqual(["otel-collector"]);
  return containers[0] as Container;
};
const collectorConfig = (run: ProgramRun): CollectorConfig =>
  parse(named<{ data: Record<string, string> }>(run, "kubernetes:core/v1:ConfigMap", COLLECTOR).data["config.yaml"] ?? "") as CollectorConfig;
const runs = (): [string, ProgramRun][] => [["dev", dev], ["prod", prod], ["clickhouse", clickhouse]];

describe("collector Deployment", () => {
  it.each(["dev", "prod", "clickhouse"])("%s: pinned contrib image, restricted securityContext, no API token", (variant) => {
    const run = runs().find(([v]) => v === variant)?.[1] as ProgramRun;
    const pod = collectorDeployment(run).spec.template.spec;
    const container = collectorContainer(run);
    // The dev stacks (dev, clickhouse) pull from Docker Hub by digest; prod through the stack's ECR pull-through cache.
    const cache = variant !== "prod" ? "" : String.raw`\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/agents-[a-z0-9-]+\/docker-hub\/`;
    expect(container.image).toMatch(new RegExp(String.raw`^${cache}otel\/opentelemetry-collector-contrib:0\.\d+\.\d+@sha256:[0-9a-f]{64}$`));
    expectRestricted(pod.securityContext, container.securityContext, 10001);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.serviceAccountName).toBe(COLLECTOR);
  });

  it.each([["dev", 1, false], ["prod", 2, true]] as const)("%s: %i replicas; a PodDisruptionBudget: %s", (stack, replicas, pdb) => {
    const run = stack === "dev" ? dev : prod;
    expect(collectorDeployment(run).spec.replicas).toBe(replicas);
    expect(run.ofType(T.pdb).some((p) => (run.inputs(p).metadata as { name: string }).name === COLLECTOR)).toBe(pdb);
  });

  it("prod: spread over zones and hosts; the budget lets a drain evict an unhealthy pod", () => {
    const deployment = collectorDeployment(prod);
    const constraints = deployment.spec.template.spec.topologySpreadConstraints ?? [];
    expect(constraints.map((c) => c.topologyKey)).toEqual(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
    for (const c of constraints) expect(c.labelSelector.matchLabels).toEqual(deployment.spec.selector?.matchLabels);
    const pdb = named<{ spec: { maxUnavailable: number; unhealthyPodEvictionPolicy: string; selector: { matchLabels: Record<string, string> } } }>(prod, T.pdb, COLLECTOR);
    expect(pdb.spec).toEqual({ maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow", selector: { matchLabels: deployment.spec.selector?.matchLabels } });
  });

  it("requests and limits on CPU, memory and ephemeral storage; GOMEMLIMIT below the memory limit", () => {
    const container = collectorContainer(dev);
    expect(container.resources?.requests).toEqual({ cpu: "100m", memory: "256Mi", "ephemeral-storage": "64Mi" });
    expect(container.resources?.limits).toEqual({ cpu: "1", memory: "512Mi", "ephemeral-storage": "1536Mi" });
    expect(envOf(container).get("GOMEMLIMIT")?.value).toBe("358MiB");
  });

  it("readiness asks the health_check extension's status, liveness only that its port is open (distinct checks)", () => {
    const container = collectorContainer(dev);
    const health = (container.ports ?? []).find((p) => p.name === "health");
    expect(health?.containerPort).toBe(13133);
    expect((container.readinessProbe as unknown as HttpProbe).httpGet).toEqual({ path: "/", port: "health" });
    // A starting or draining collector (503) leaves the Service; only a dead listener restarts it.
    expect(container.livenessProbe).toMatchObject({ tcpSocket: { port: "health" } });
    expect(container.livenessProbe?.httpGet).toBeUndefined();
    expect(collectorConfig(dev).extensions.health_check).toEqual({ endpoint: "${env:MY_POD_IP}:13133" });
    expect(envOf(container).get("MY_POD_IP")?.valueFrom).toEqual({ fieldRef: { fieldPath: "status.podIP" } });
  });

  it("reads the ConfigMap's config.yaml, and restarts when it changes", () => {
    const container = collectorContainer(dev);
    const pod = collectorDeployment(dev).spec.template.spec;
    expect(container.args).toEqual(["--config=/etc/otelcol/config.yaml"]);
    const mount = (container.volumeMounts ?? []).find((m) => m.mountPath === "/etc/otelcol");
    expect(pod.volumes?.find((v) => v.name === mount?.name)?.configMap?.name).toBe(COLLECTOR);
    const annotations = (collectorDeployment(dev).spec.template.metadata as { annotations?: Record<string, string> }).annotations ?? {};
    const devHash = annotations["checksum/config"];
    const clickhouseHash = ((collectorDeployment(clickhouse).spec.template.metadata as { annotations?: Record<string, string> }).annotations ?? {})["checksum/config"];
    expect(devHash).toMatch(/^[0-9a-f]{16}$/);
    expect(clickhouseHash).not.toBe(devHash);
  });

  it("the file backend writes to an emptyDir, with a size limit", () => {
    const pod = collectorDeployment(dev).spec.template.spec;
    expect(collectorConfig(dev).exporters.file).toMatchObject({ path: "/var/lib/otelcol/telemetry.jsonl" });
    const mount = (collectorContainer(dev).volumeMounts ?? []).find((m) => m.mountPath === "/var/lib/otelcol");
    expect(pod.volumes?.find((v) => v.name === mount?.name)?.emptyDir).toEqual({ sizeLimit: "1Gi" });
  });

  it("is annotated for Prometheus on the exporter port 8889; the server is annotated as serving no metrics", () => {
    const annotations = (collectorDeployment(dev).spec.template.metadata as { annotations?: Record<string, string> }).annotations ?? {};
    expect(annotations).toMatchObject({ "prometheus.io/scrape": "true", "prometheus.io/port": "8889", "prometheus.io/path": "/metrics" });
    expect((collectorContainer(dev).ports ?? []).find((p) => p.containerPort === 8889)?.name).toBe("metrics");
    const server = (serverDeployment(dev).spec.template.metadata as { annotations?: Record<string, string> }).annotations ?? {};
    expect(server).toEqual({ "prometheus.io/scrape": "false", "agent-platform/password-generations": "server-1.app-1" });
  });
});

describe("the server sends to the collector", () => {
  it.each(["dev", "prod"])("%s: LETTA_OTEL_EXPORTER_OTLP_ENDPOINT is the collector Service's gRPC port", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const service = named<Service>(run, T.service, COLLECTOR);
    const grpc = service.spec.ports.find((p) => p.name === "otlp-grpc");
    expect(grpc?.port).toBe(4317);
    expect(envOf(serverContainer(run)).get("LETTA_OTEL_EXPORTER_OTLP_ENDPOINT")?.value).toBe(`http://${COLLECTOR}.${NS}.svc.cluster.local:4317`);
    // The Service selects the collector's pods, whose container port serves it.
    expect(selects({ matchLabels: service.spec.selector }, collectorDeployment(run).spec.template.metadata.labels)).toBe(true);
    expect((collectorContainer(run).ports ?? []).find((p) => p.name === grpc?.targetPort)?.containerPort).toBe(4317);
  });

  it.each(["dev", "prod"])("%s: the server's pod identity as resource attributes, its environment name, JSON logs", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const env = envOf(serverContainer(run));
    expect(env.get("OTEL_RESOURCE_ATTRIBUTES")?.value).toBe(`k8s.namespace.name=$(POD_NAMESPACE),k8s.pod.name=$(POD_NAME),k8s.deployment.name=${SERVER},k8s.container.name=server`);
    expect(env.get("POD_NAMESPACE")?.valueFrom).toEqual({ fieldRef: { fieldPath: "metadata.namespace" } });
    expect(env.get("POD_NAME")?.valueFrom).toEqual({ fieldRef: { fieldPath: "metadata.name" } });
    // Kubernetes expands $(VAR) only for variables defined earlier in the list.
    const names = (serverContainer(run).env ?? []).map((e) => e.name);
    expect(names.indexOf("POD_NAMESPACE")).toBeLessThan(names.indexOf("OTEL_RESOURCE_ATTRIBUTES"));
    expect(names.indexOf("POD_NAME")).toBeLessThan(names.indexOf("OTEL_RESOURCE_ATTRIBUTES"));
    expect(env.get("ENV_NAME")?.value).toBe(stack);
    expect(env.get("LETTA_LOGGING_JSON_LOGGING")?.value).toBe("true");
  });
});

describe("collector NetworkPolicy", () => {
  const policyOf = (run: ProgramRun): NetworkPolicy => networkPolicy(run, COLLECTOR);

  it.each(["dev", "prod", "clickhouse"])("%s: selects the collector's pods only; OTLP in only from the server's pods; metrics only from Prometheus's namespace", (variant) => {
    const run = runs().find(([v]) => v === variant)?.[1] as ProgramRun;
    const policy = policyOf(run);
    const selected = podTemplates(run).filter((t) => t.namespace === NS && selects(policy.spec.podSelector, t.labels)).map((t) => `${t.kind}/${t.name}`);
    expect(selected).toEqual([`Deployment/${COLLECTOR}`]);
    expect([...(policy.spec.policyTypes ?? [])].sort()).toEqual(["Egress", "Ingress"]);
    const [otlp, scrape] = policy.spec.ingress ?? [];
    expect(otlp?.ports).toEqual([{ port: 4317, protocol: "TCP" }, { port: 4318, protocol: "TCP" }]);
    const senders = podTemplates(run).filter((t) => t.namespace === NS && (otlp?.from ?? []).some((peer) => selects(peer.podSelector, t.labels)));
    expect(senders.map((t) => `${t.kind}/${t.name}`)).toEqual([`Deployment/${SERVER}`]);
    expect(scrape).toEqual({ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ port: 8888, protocol: "TCP" }, { port: 8889, protocol: "TCP" }] });
    expect(policy.spec.ingress).toHaveLength(2);
  });

  it.each(["dev", "prod"])("%s (file backend): no egress at all", (stack) => {
    expect(policyOf(stack === "dev" ? dev : prod).spec.egress).toEqual([]);
  });

  it("clickhouse: egress only to DNS and the backend's port outside the VPC (cluster.vpcCidr)", () => {
    expect(policyOf(clickhouse).spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }],
      },
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16"] } }], ports: [{ port: 9440, protocol: "TCP" }] },
    ]);
  });

  it("a cluster-local backend is reached in any namespace, on its port", async () => {
    const run = await runStack("dev", { "observability.backend": "signoz", "observability.signozEndpoint": "http://signoz-otel-collector.platform.svc.cluster.local:4317" });
    expect(policyOf(run).spec.egress?.[1]).toEqual({ to: [{ namespaceSelector: {} }], ports: [{ port: 4317, protocol: "TCP" }] });
  });

  it.each(["dev", "prod", "clickhouse"])("%s: the namespace's default deny stays in place", (variant) => {
    const run = runs().find(([v]) => v === variant)?.[1] as ProgramRun;
    const denies = networkPolicies(run).filter((p) => Object.keys(p.spec.podSelector.matchLabels ?? {}).length === 0);
    expect(denies.map((p) => p.metadata.name)).toEqual(["agents-default-deny"]);
    expect(denies[0]?.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });
});

describe("backend credentials", () => {
  it("clickhouse: the password reaches the collector only through its Secret", () => {
    const env = envOf(collectorContainer(clickhouse));
    expect(env.get("CLICKHOUSE_PASSWORD")).toEqual({ name: "CLICKHOUSE_PASSWORD", valueFrom: { secretKeyRef: { name: `${COLLECTOR}-backend`, key: "CLICKHOUSE_PASSWORD" } } });
    const secret = clickhouse.ofType(T.secret).find((s) => (clickhouse.inputs(s).metadata as { name: string }).name === `${COLLECTOR}-backend`);
    expect(secret).toBeDefined();
    expect(isSecretValue(secret?.inputs.stringData)).toBe(true);
    expect(collectorConfig(clickhouse).exporters.clickhouse).toMatchObject({ endpoint: "tcp://clickhouse.example.com:9440?secure=true", password: "${env:CLICKHOUSE_PASSWORD}" });
    for (const resource of clickhouse.ofType("kubernetes:core/v1:ConfigMap")) expect(JSON.stringify(resource.inputs)).not.toContain(CLICKHOUSE_PASSWORD);
    expect(JSON.stringify(collectorDeployment(clickhouse))).not.toContain(CLICKHOUSE_PASSWORD);
  });

  it("file backend: no backend Secret, no secret variables", () => {
    expect(dev.ofType(T.secret).map((s) => (dev.inputs(s).metadata as { name: string }).name)).not.toContain(`${COLLECTOR}-backend`);
    expect((collectorContainer(dev).env ?? []).map((e) => e.name).sort()).toEqual(["GOMEMLIMIT", "MY_POD_IP"]);
  });
});

describe("Kubernetes schema", () => {
  it.each(["dev", "clickhouse"])("%s: every object of the observability stack passes the Kubernetes schema", (variant) => {
    const run = runs().find(([v]) => v === variant)?.[1] as ProgramRun;
    const objects = run.resources.filter(isKubernetesObject).map(kubernetesObject)
      .filter((o) => (o.metadata as { labels?: Record<string, string> } | undefined)?.labels?.["app.kubernetes.io/component"] === "observability");
    expect(objects.map((o) => `${o.kind as string}/${(o.metadata as { name: string }).name}`).sort()).toEqual(expect.arrayContaining([
      `ConfigMap/${COLLECTOR}`, `Deployment/${COLLECTOR}`, `Service/${COLLECTOR}`, `NetworkPolicy/${COLLECTOR}`, `ServiceAccount/${COLLECTOR}`,
      "ConfigMap/agents-alert-rules", "ConfigMap/agents-dashboard",
    ]));
    for (const object of objects) expect(() => validateKubernetesObject(object)).not.toThrow();
  });
});
