import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
// The leaf module itself, not the observability package: that package builds on this one.
import { scrapeAnnotations, type ScrapeTarget } from "../observability/scrape-annotations";
import { redisGateContainer } from "../cache/redis-gate";
import { logWatchConfig, logWatchConfigYaml, logWatchSidecar } from "../observability/log-watch";
import {
  LETTA_CLOUD_ENVIRONMENTS, LETTA_HEALTH_PATH, LETTA_HOME, LETTA_PORT, LETTA_READY_PATH, LETTA_SERVER_WORKING_DIR, LETTA_START_COMMAND, LETTA_TEMPORALITY,
  PRESTOP_SLEEP_SECONDS, SERVER_KEEP_ALIVE_SECONDS, TERMINATION_GRACE_SECONDS, lettaEnvironment, lettaServerUrl,
} from "./letta-preset";
import { platformLabels } from "./namespace";
import { drainSafeDisruptionBudget, hardenedPodBasics, restrictedContainerSecurity, spreadOverZonesAndHosts } from "./pod-security";

/** Labels that admit the server's pods to the database and the in-cluster cache (their NetworkPolicies). */
export interface ClientLabels { [label: string]: string }

export interface AgentServerArgs {
  /**
   * Pod template annotations that restart the pods when they change, such as the credentials' generations (env from a
   * Secret is read only at container start). Default none.
   */
  podAnnotations?: Record<string, string>;
  /** Namespace. Required. */
  namespace: pulumi.Input<string>;
  /** Platform instance name, for labels and object names. Required. */
  instance: string;
  /** Server image, pinned (or the digest of a built image). Required. */
  image: pulumi.Input<string>;
  /** Port the server listens on. Default 8283 (Letta, LETTA_PORT in letta-preset.ts). */
  port?: number;
  /** Command that runs the server directly (no start script: no built-in Postgres, Redis, collector or migrations). Default: Letta's (LETTA_START_COMMAND). */
  command?: string[];
  /** Liveness and readiness paths. Default /v1/health/ and /v1/ready/ (Letta; the trailing slash matters). */
  healthPath?: string;
  readyPath?: string;
  /**
   * LETTA_ENVIRONMENT, the server's environment label (traces' deployment.environment). Default: "dev". Never "prod"
   * or "PRODUCTION": those switch on Letta Cloud behaviour (see LETTA_CLOUD_ENVIRONMENTS); use lettaEnvironment().
   */
  environmentLabel?: string;
  /**
   * Gate the server's start on a real Redis PING/PONG through `redis` (an init container after the sidecars), since
   * Letta never retries a Redis that failed at start. Default true.
   */
  redisGate?: boolean;
  /** Requests and limits of the server container. Required. */
  resources: { cpuRequest: string; memoryRequest: string; cpuLimit: string; memoryLimit: string };
  /** HPA bounds and targets (percent of requests). Required. */
  autoscaling: { minReplicas: number; maxReplicas: number; cpuTargetPercent: number; memoryTargetPercent: number };
  /** Secret with LETTA_SERVER_PASSWORD, LETTA_ENCRYPTION_KEY and the provider keys; the keys it holds. Required. */
  credentialsSecret: { name: pulumi.Input<string>; keys: pulumi.Input<string[]> };
  /** Secret with LETTA_PG_URI. Required. */
  databaseSecretName: pulumi.Input<string>;
  /** SQLAlchemy pool per worker, and uvicorn workers per pod. Required. */
  pool: { size: number; maxOverflow: number; uvicornWorkers: number };
  /** Where the server's Redis client connects (the TLS sidecar's local port, or the in-cluster Redis). Required. */
  redis: { host: pulumi.Input<string>; port: pulumi.Input<number> };
  /** Native sidecars to run beside the server (the Redis TLS proxy) and their volumes. Default: none. */
  sidecars?: { containers: k8s.types.input.core.v1.Container[]; volumes: k8s.types.input.core.v1.Volume[] };
  /** Extra pod labels, such as the database and cache client labels. Default: none. */
  clientLabels?: ClientLabels;
  /**
   * OpenTelemetry: the collector's OTLP/gRPC endpoint (LETTA_OTEL_EXPORTER_OTLP_ENDPOINT) and the environment name
   * (ENV_NAME, which makes the service name letta-server-<name>). Default: none, and the server exports nothing.
   */
  telemetry?: { otlpEndpoint: pulumi.Input<string>; environmentName: string };
  /**
   * Where the server itself serves Prometheus metrics, for the pods' prometheus.io annotations. Default: none, and
   * the pods are annotated prometheus.io/scrape "false": Letta serves no /metrics, it pushes OTLP to the collector.
   */
  prometheusScrape?: ScrapeTarget;
  /**
   * The log-watch sidecar (components/observability/log-watch.ts): counts the server's "Failed to initialize Redis"
   * records for the alert rules, sending only counts to the collector at otlpEndpoint. Default: none.
   */
  logWatch?: { image: string; otlpEndpoint: pulumi.Input<string> };
  /** PriorityClass of the server's pods (the platform's serving class). Default: none, the cluster's default priority. */
  priorityClassName?: pulumi.Input<string>;
  /** Resources that must exist first: the migrations Job. Default: none. */
  dependsOn?: pulumi.Resource[];
  /** Provider of the target cluster. Required. */
  provider: k8s.Provider;
}

/** The server's numeric user and group (image/server/Dockerfile creates the same). */
export const SERVER_UID = 10001;

/** Labels selecting an instance's server pods (the Deployment, Service, PDB, and the policies that admit them). */
export function agentServerSelector(instance: string): Record<string, string> {
  return { "app.kubernetes.io/instance": instance, "app.kubernetes.io/name": "agent-server" };
}

/**
 * The server's telemetry settings: where to send OTLP, JSON logs (the server's own setting), and the pod's identity
 * as OpenTelemetry resource attributes. Letta builds its resource with the SDK's Resource.create, which merges
 * OTEL_RESOURCE_ATTRIBUTES; the collector turns them into the k8s_namespace_name and k8s_deployment_name labels the
 * alert rules select the server by, with no Kubernetes API access (no k8sattributes processor, no token).
 */
function telemetryEnv(telemetry: AgentServerArgs["telemetry"], deploymentName: string): k8s.types.input.core.v1.EnvVar[] {
  const logs: k8s.types.input.core.v1.EnvVar[] = [{ name: "LETTA_LOGGING_JSON_LOGGING", value: "true" }];
  if (telemetry === undefined) return logs;
  return [
    ...logs,
    { name: "LETTA_OTEL_EXPORTER_OTLP_ENDPOINT", value: telemetry.otlpEndpoint },
    // Cumulative, not Letta's default DELTA: the collector's Prometheus exporter serves cumulative series.
    { name: "LETTA_OTEL_PREFERRED_TEMPORALITY", value: String(LETTA_TEMPORALITY.value.cumulative) },
    { name: "ENV_NAME", value: telemetry.environmentName },
    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    { name: "OTEL_RESOURCE_ATTRIBUTES", value: `k8s.namespace.name=$(POD_NAMESPACE),k8s.pod.name=$(POD_NAME),k8s.deployment.name=${deploymentName},k8s.container.name=server` },
  ];
}

/** Environment the server reads from a Secret, as secretKeyRef entries. Never literal values. */
function fromSecret(secretName: pulumi.Input<string>, keys: string[]): k8s.types.input.core.v1.EnvVar[] {
  return keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secretName, key } } }));
}

/**
 * The agent server: a hardened Deployment (non-root, read-only root filesystem with writable HOME and /tmp, no
 * service links, probes on the real health paths, drain before stop, zero-downtime rollouts, spread over zones and
 * hosts), its ServiceAccount and Service, an HPA that owns the replica count, and a PodDisruptionBudget that keeps
 * it serving during drains without ever blocking one.
 */
export class AgentServer extends pulumi.ComponentResource {
  public readonly deploymentName: pulumi.Output<string>;
  public readonly serviceName: pulumi.Output<string>;
  public readonly serviceAccountName: pulumi.Output<string>;
  /** Labels selecting the server's pods. */
  public readonly selector: Record<string, string>;
  public readonly port: number;

  constructor(name: string, args: AgentServerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:workload:AgentServer", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const port = args.port ?? LETTA_PORT.value;
    const environmentLabel = args.environmentLabel ?? lettaEnvironment("dev");
    if (LETTA_CLOUD_ENVIRONMENTS.value.some((v) => v.toLowerCase() === environmentLabel.toLowerCase())) {
      throw new Error(`AgentServer environmentLabel ${JSON.stringify(environmentLabel)} switches on Letta Cloud behaviour (${LETTA_CLOUD_ENVIRONMENTS.source})`);
    }
    const objectName = `${args.instance}-server`;
    const selector = agentServerSelector(args.instance);
    const labels = { ...platformLabels(args.instance, "server"), ...selector };

    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
      metadata: { name: objectName, namespace: args.namespace, labels }, automountServiceAccountToken: false,
    }, k8sOpts);

    const credentialEnv = pulumi.output(args.credentialsSecret.keys).apply((keys) => fromSecret(args.credentialsSecret.name, keys));
    const env = credentialEnv.apply((credentials): k8s.types.input.core.v1.EnvVar[] => [
      { name: "LETTA_SERVER_SECURE", value: "true" },
      ...credentials,
      // The built-in multi-agent tools call this server over HTTP; in secure mode they need the password, and they
      // reach the pod itself (not the load balancer).
      { name: "LETTA_API_KEY", valueFrom: { secretKeyRef: { name: args.credentialsSecret.name, key: "LETTA_SERVER_PASSWORD" } } },
      { name: "LETTA_SERVER_URL", value: lettaServerUrl(port) },
      { name: "LETTA_ENVIRONMENT", value: environmentLabel },
      ...fromSecret(args.databaseSecretName, ["LETTA_PG_URI"]),
      { name: "LETTA_PG_POOL_SIZE", value: String(args.pool.size) },
      { name: "LETTA_PG_MAX_OVERFLOW", value: String(args.pool.maxOverflow) },
      { name: "LETTA_PG_POOL_TIMEOUT", value: "30" },
      { name: "LETTA_PG_POOL_RECYCLE", value: "1800" },
      // Pooling is off by default upstream (a new connection per session); the connection budget assumes pools.
      { name: "LETTA_DISABLE_SQLALCHEMY_POOLING", value: "false" },
      { name: "LETTA_UVICORN_WORKERS", value: String(args.pool.uvicornWorkers) },
      { name: "LETTA_REDIS_HOST", value: args.redis.host },
      { name: "LETTA_REDIS_PORT", value: pulumi.output(args.redis.port).apply(String) },
      // Above the ALB's idle timeout, so the server never closes a kept-alive connection the ALB then reuses (502).
      { name: "LETTA_UVICORN_TIMEOUT_KEEP_ALIVE", value: String(SERVER_KEEP_ALIVE_SECONDS) },
      // No LETTA_READINESS_ENFORCEMENT_ENABLED: with every gate off by default it changes nothing.
      { name: "HOME", value: LETTA_HOME.value },
      // The working directory is HOME (writable), so /app/conf.yaml is no longer found there: name it, and the
      // server runs with the upstream file's values as it would from /app (environment variables still win).
      { name: "LETTA_CONFIG_PATH", value: "/app/conf.yaml" },
      { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
      ...telemetryEnv(args.telemetry, objectName),
    ]);

    let logWatch: ReturnType<typeof logWatchSidecar> | undefined;
    if (args.logWatch) {
      const { image, otlpEndpoint } = args.logWatch;
      const config = new k8s.core.v1.ConfigMap(`${name}-log-watch`, {
        metadata: { name: `${objectName}-log-watch`, namespace: args.namespace, labels },
        data: { "config.yaml": pulumi.output(otlpEndpoint).apply((endpoint) => logWatchConfigYaml(logWatchConfig({ otlpEndpoint: endpoint, deploymentName: objectName }))) },
      }, k8sOpts);
      logWatch = logWatchSidecar({ image, configMapName: config.metadata.name, homeVolume: "home", homePath: LETTA_HOME.value, uid: SERVER_UID });
    }

    const deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      spec: {
        // No replicas: the HPA owns the count, and a `pulumi up` must not reset it.
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels: { ...labels, ...args.clientLabels }, annotations: { ...scrapeAnnotations(args.prometheusScrape), ...args.podAnnotations } },
          spec: {
            ...hardenedPodBasics(SERVER_UID, serviceAccount.metadata.name),
            ...(args.priorityClassName === undefined ? {} : { priorityClassName: args.priorityClassName }),
            terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
            topologySpreadConstraints: spreadOverZonesAndHosts(selector),
            initContainers: [
              ...(args.sidecars?.containers ?? []),
              ...(logWatch ? [logWatch.container] : []),
              ...(args.redisGate === false ? [] : [redisGateContainer({ image: args.image, host: args.redis.host, port: pulumi.output(args.redis.port).apply(String), uid: SERVER_UID })]),
            ],
            containers: [{
              name: "server",
              image: args.image,
              imagePullPolicy: "IfNotPresent",
              command: args.command ?? (port === LETTA_PORT.value ? [...LETTA_START_COMMAND.value] : ["letta", "server", "--host", "0.0.0.0", "--port", String(port)]),
              // Importing the app writes openapi_letta.json into the working directory: it must be writable.
              workingDir: LETTA_SERVER_WORKING_DIR.value,
              ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
              env,
              securityContext: restrictedContainerSecurity(SERVER_UID),
              resources: {
                requests: { cpu: args.resources.cpuRequest, memory: args.resources.memoryRequest, "ephemeral-storage": "256Mi" },
                limits: { cpu: args.resources.cpuLimit, memory: args.resources.memoryLimit, "ephemeral-storage": "2Gi" },
              },
              // Start-up syncs providers and models over the network: give it up to five minutes.
              startupProbe: { httpGet: { path: args.healthPath ?? LETTA_HEALTH_PATH.value, port: "http" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
              livenessProbe: { httpGet: { path: args.healthPath ?? LETTA_HEALTH_PATH.value, port: "http" }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
              readinessProbe: { httpGet: { path: args.readyPath ?? LETTA_READY_PATH.value, port: "http" }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
              // Keep serving while the load balancer deregisters the pod (docs/decisions/0052-shutdown-timing.md).
              lifecycle: { preStop: { sleep: { seconds: PRESTOP_SLEEP_SECONDS } } },
              volumeMounts: [{ name: "home", mountPath: LETTA_HOME.value }, { name: "tmp", mountPath: "/tmp" }],
            }],
            volumes: [
              { name: "home", emptyDir: { sizeLimit: "1Gi" } },
              { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
              ...(args.sidecars?.volumes ?? []),
              ...(logWatch ? [logWatch.volume] : []),
            ],
          },
        },
      },
    }, { ...k8sOpts, dependsOn: args.dependsOn ?? [] });

    const service = new k8s.core.v1.Service(`${name}-service`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      spec: { type: "ClusterIP", selector, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] },
    }, k8sOpts);

    new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
        minReplicas: args.autoscaling.minReplicas,
        maxReplicas: args.autoscaling.maxReplicas,
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: args.autoscaling.cpuTargetPercent } } },
          { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: args.autoscaling.memoryTargetPercent } } },
        ],
        behavior: {
          scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
          scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Percent", value: 100, periodSeconds: 30 }] },
        },
      },
    }, k8sOpts);

    // maxUnavailable 1: one pod may go at a time, so serving continues, and a drain is never blocked.
    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      spec: drainSafeDisruptionBudget(selector),
    }, k8sOpts);

    this.selector = selector;
    this.port = port;
    this.deploymentName = deployment.metadata.name;
    this.serviceName = service.metadata.name;
    this.serviceAccountName = serviceAccount.metadata.name;
    this.registerOutputs({ deploymentName: this.deploymentName, serviceName: this.serviceName, serviceAccountName: this.serviceAccountName });
  }
}
