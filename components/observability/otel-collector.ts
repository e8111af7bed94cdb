import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformLabels } from "../workload/namespace";
import { drainSafeDisruptionBudget, hardenedPodBasics, restrictedContainerSecurity, spreadOverZonesAndHosts } from "../workload/pod-security";
import { COLLECTOR_PORTS, POD_IP_ENV, buildCollectorConfig, collectorConfigYaml } from "./collector-config";
import { FILE_EXPORT_DIR, type TelemetryBackendSettings } from "./collector-exporters";
import { OTEL_COLLECTOR_IMAGE } from "./images";
import { createCollectorNetworkPolicy } from "./collector-network-policy";
import { scrapeAnnotations } from "./scrape-annotations";

export interface OtelCollectorArgs {
  /** Namespace. Required. */
  namespace: pulumi.Input<string>;
  /** Platform instance name, for labels and object names. Required. */
  instance: string;
  /** Where telemetry goes. Required (the platform passes observability.backend; its default is file). */
  backend: TelemetryBackendSettings;
  /** Pod labels of the pods that may send OTLP (the server). Required. */
  clientSelector: Record<string, string>;
  /** Collector image, pinned. Default OTEL_COLLECTOR_IMAGE. */
  image?: string;
  /** Replicas; with more than one, a PodDisruptionBudget keeps one running through drains. Default 1. */
  replicas?: number;
  /** Namespace whose pods (Prometheus) may scrape the collector's metrics ports. Default "monitoring". */
  scraperNamespace?: string;
  /**
   * Annotate the pods for annotation-based Prometheus discovery (prometheus.io/scrape, port, path). Default true; the
   * platform turns it off when the Prometheus Operator scrapes through ServiceMonitors, so no series is collected twice.
   */
  scrapeAnnotations?: boolean;
  /** The VPC's CIDR: egress to an external backend excepts it (it cannot reach pods or in-VPC services). Default: none. */
  privateNetwork?: pulumi.Input<string>;
  /** Requests and limits; memory_limiter works in percent of the memory limit. Default 100m/256Mi, 1 CPU/512Mi. */
  resources?: { cpuRequest: string; memoryRequest: string; cpuLimit: string; memoryLimit: string };
  /** PriorityClass of the collector's pods (the platform's observability class). Default: none. */
  priorityClassName?: pulumi.Input<string>;
  /** Provider of the target cluster. Required. */
  provider: k8s.Provider;
}

// The contrib image's own non-root user.
const COLLECTOR_UID = 10001;
const CONFIG_DIR = "/etc/otelcol";
const CONFIG_FILE = "config.yaml";

/**
 * An OpenTelemetry Collector for the platform: a Deployment (non-root, read-only root filesystem, probes on the
 * health_check extension) that receives the server's OTLP on 4317/4318, exports to the configured backend with
 * retries and a queue, and serves the server's metrics (and the request metrics it derives from spans) to
 * Prometheus on 8889 and its own on 8888. Its configuration is generated from a typed model and checked first.
 */
export class OtelCollector extends pulumi.ComponentResource {
  /** The collector's Service. */
  public readonly serviceName: pulumi.Output<string>;
  /** Where the server sends OTLP/gRPC: http://<service>.<namespace>.svc.cluster.local:4317. */
  public readonly otlpGrpcEndpoint: pulumi.Output<string>;
  /** Labels selecting the collector's pods. */
  public readonly selector: Record<string, string>;
  /** The configuration file as deployed. */
  public readonly configYaml: string;

  constructor(name: string, args: OtelCollectorArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:observability:OtelCollector", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const objectName = `${args.instance}-otel-collector`;
    const selector = { "app.kubernetes.io/instance": args.instance, "app.kubernetes.io/name": "otel-collector" };
    const labels = { ...platformLabels(args.instance, "observability"), ...selector };
    const replicas = args.replicas ?? 1;
    const resources = args.resources ?? { cpuRequest: "100m", memoryRequest: "256Mi", cpuLimit: "1", memoryLimit: "512Mi" };

    const { config, backend } = buildCollectorConfig({ backend: args.backend });
    this.configYaml = collectorConfigYaml(config);
    // Pods restart when the configuration changes (the collector does not reload it).
    const configHash = createHash("sha256").update(this.configYaml).digest("hex").slice(0, 16);

    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
      metadata: { name: objectName, namespace: args.namespace, labels }, automountServiceAccountToken: false,
    }, k8sOpts);
    const configMap = new k8s.core.v1.ConfigMap(`${name}-config`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      data: { [CONFIG_FILE]: this.configYaml },
    }, k8sOpts);

    const secretEnv: k8s.types.input.core.v1.EnvVar[] = [];
    if (backend.secretEnv.length > 0) {
      const secret = new k8s.core.v1.Secret(`${name}-backend`, {
        metadata: { name: `${objectName}-backend`, namespace: args.namespace, labels },
        type: "Opaque",
        stringData: Object.fromEntries(backend.secretEnv.map((e) => [e.name, pulumi.secret(e.value)])),
      }, k8sOpts);
      for (const e of backend.secretEnv) secretEnv.push({ name: e.name, valueFrom: { secretKeyRef: { name: secret.metadata.name, key: e.name } } });
    }

    const port = (portName: string, containerPort: number) => ({ name: portName, containerPort, protocol: "TCP" });
    // The health_check extension serves one status on one path: 200 once every pipeline has started (Ready), 503
    // before and while shutting down (open-telemetry/opentelemetry-collector-contrib, extension/healthcheckextension:
    // healthcheckextension.go mounts only config.path; internal/healthcheck/handler.go maps Ready to 200 and
    // Unavailable to 503; read at a stored commit of the extension, not at the pinned v0.148.0 tag, which could not be
    // fetched here). So readiness asks that status, and liveness only that the process still holds its health port
    // open: a collector that is starting or draining is taken out of the Service, not restarted.
    const readinessProbe = { httpGet: { path: "/", port: "health" }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 2 };
    const livenessProbe = { tcpSocket: { port: "health" }, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 };
    new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      spec: {
        replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: {
            labels,
            annotations: { ...scrapeAnnotations(args.scrapeAnnotations === false ? undefined : { port: COLLECTOR_PORTS.metrics, path: "/metrics" }), "checksum/config": configHash },
          },
          spec: {
            ...hardenedPodBasics(COLLECTOR_UID, serviceAccount.metadata.name),
            ...(args.priorityClassName === undefined ? {} : { priorityClassName: args.priorityClassName }),
            terminationGracePeriodSeconds: 30,
            // Replicas on different zones and hosts, so one failure does not stop all telemetry.
            topologySpreadConstraints: spreadOverZonesAndHosts(selector),
            containers: [{
              name: "otel-collector",
              image: args.image ?? OTEL_COLLECTOR_IMAGE,
              imagePullPolicy: "IfNotPresent",
              args: [`--config=${CONFIG_DIR}/${CONFIG_FILE}`],
              env: [
                { name: POD_IP_ENV, valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
                // The Go runtime collects garbage harder near this soft limit, below memory_limiter's 80%.
                { name: "GOMEMLIMIT", value: `${Math.floor(memoryMiB(resources.memoryLimit) * 0.7)}MiB` },
                ...secretEnv,
              ],
              ports: [
                port("otlp-grpc", COLLECTOR_PORTS.otlpGrpc), port("otlp-http", COLLECTOR_PORTS.otlpHttp),
                port("health", COLLECTOR_PORTS.health), port("telemetry", COLLECTOR_PORTS.telemetry), port("metrics", COLLECTOR_PORTS.metrics),
              ],
              securityContext: restrictedContainerSecurity(COLLECTOR_UID),
              resources: {
                requests: { cpu: resources.cpuRequest, memory: resources.memoryRequest, "ephemeral-storage": "64Mi" },
                limits: { cpu: resources.cpuLimit, memory: resources.memoryLimit, "ephemeral-storage": "1536Mi" },
              },
              livenessProbe,
              readinessProbe,
              volumeMounts: [{ name: "config", mountPath: CONFIG_DIR, readOnly: true }, { name: "data", mountPath: FILE_EXPORT_DIR }],
            }],
            volumes: [
              { name: "config", configMap: { name: configMap.metadata.name } },
              // The file backend's output (rotated to stay under the limit); empty for other backends.
              { name: "data", emptyDir: { sizeLimit: "1Gi" } },
            ],
          },
        },
      },
    }, k8sOpts);

    const service = new k8s.core.v1.Service(`${name}-service`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      spec: {
        type: "ClusterIP", selector,
        ports: [
          { name: "otlp-grpc", port: COLLECTOR_PORTS.otlpGrpc, targetPort: "otlp-grpc", protocol: "TCP", appProtocol: "grpc" },
          { name: "otlp-http", port: COLLECTOR_PORTS.otlpHttp, targetPort: "otlp-http", protocol: "TCP" },
          { name: "telemetry", port: COLLECTOR_PORTS.telemetry, targetPort: "telemetry", protocol: "TCP" },
          { name: "metrics", port: COLLECTOR_PORTS.metrics, targetPort: "metrics", protocol: "TCP" },
        ],
      },
    }, k8sOpts);

    if (replicas > 1) {
      new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
        metadata: { name: objectName, namespace: args.namespace, labels },
        // AlwaysAllow: a crash-looping collector pod never blocks a node drain.
        spec: drainSafeDisruptionBudget(selector),
      }, k8sOpts);
    }

    createCollectorNetworkPolicy(`${name}-netpol`, {
      namespace: args.namespace, objectName, labels, selector, clientSelector: args.clientSelector,
      scraperNamespace: args.scraperNamespace ?? "monitoring", ...(backend.endpoint ? { backend: backend.endpoint } : {}),
      ...(args.privateNetwork !== undefined ? { privateNetwork: args.privateNetwork } : {}), provider: args.provider,
    }, { parent: this });

    this.selector = selector;
    this.serviceName = service.metadata.name;
    this.otlpGrpcEndpoint = pulumi.interpolate`http://${service.metadata.name}.${args.namespace}.svc.cluster.local:${COLLECTOR_PORTS.otlpGrpc}`;
    this.registerOutputs({ serviceName: this.serviceName, otlpGrpcEndpoint: this.otlpGrpcEndpoint });
  }
}

/** A Kubernetes memory quantity in MiB (the limits the platform sets use Mi or Gi). */
function memoryMiB(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`OtelCollector: memory limit ${JSON.stringify(quantity)} must be given in Mi or Gi`);
  return Number(match[1]) * (match[2] === "Gi" ? 1024 : 1);
}
