import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformLabels } from "../workload/namespace";
import { createClientOnlyPolicy } from "../workload/network-policies";
import { hardenedPodBasics, restrictedContainerSecurity } from "../workload/pod-security";

/** Label a pod carries to be admitted to the in-cluster Redis. */
export const CACHE_CLIENT_LABEL = "agent-platform/cache-client";
// The redis user of the official image.
const REDIS_UID = 999;

export interface InClusterRedisArgs {
  /** Namespace. Required. */
  namespace: pulumi.Input<string>;
  /** Platform instance name, for labels and object names. Required. */
  instance: string;
  /** Redis image, pinned. Required. */
  image: string;
  /** PriorityClass of the pods (the platform's serving class). Default: none. */
  priorityClassName?: pulumi.Input<string>;
  /** Provider of the target cluster. Required. */
  provider: k8s.Provider;
}

/**
 * One shared Redis in the namespace (dev): every server replica must share it, since locks and stream resume break
 * with the image's per-pod Redis. Non-root, read-only root filesystem, no persistence (locks and caches are
 * rebuilt), probes, and a NetworkPolicy that admits only pods labelled as cache clients.
 */
export class InClusterRedis extends pulumi.ComponentResource {
  public readonly host: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;

  constructor(name: string, args: InClusterRedisArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:cache:InClusterRedis", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const objectName = `${args.instance}-redis`;
    const labels = { ...platformLabels(args.instance, "cache"), "app.kubernetes.io/name": "redis" };
    const selector = { "app.kubernetes.io/instance": args.instance, "app.kubernetes.io/name": "redis" };
    const ping = { exec: { command: ["redis-cli", "-h", "127.0.0.1", "ping"] } };

    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
      metadata: { name: objectName, namespace: args.namespace, labels }, automountServiceAccountToken: false,
    }, k8sOpts);
    new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      spec: {
        replicas: 1,
        strategy: { type: "Recreate" },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            ...hardenedPodBasics(REDIS_UID, serviceAccount.metadata.name),
            ...(args.priorityClassName === undefined ? {} : { priorityClassName: args.priorityClassName }),
            containers: [{
              name: "redis",
              image: args.image,
              command: ["redis-server", "--save", "", "--appendonly", "no", "--protected-mode", "no", "--port", "6379", "--dir", "/data"],
              ports: [{ name: "redis", containerPort: 6379, protocol: "TCP" }],
              securityContext: restrictedContainerSecurity(REDIS_UID),
              resources: { requests: { cpu: "50m", memory: "128Mi", "ephemeral-storage": "10Mi" }, limits: { cpu: "500m", memory: "256Mi", "ephemeral-storage": "256Mi" } },
              readinessProbe: { ...ping, periodSeconds: 5 },
              // Liveness only asks that the port is open: a Redis blocked by a long command answers PING late, and that
              // takes it out of the Service (readiness) rather than restarting it.
              livenessProbe: { tcpSocket: { port: "redis" }, periodSeconds: 20, failureThreshold: 3 },
              volumeMounts: [{ name: "data", mountPath: "/data" }],
            }],
            volumes: [{ name: "data", emptyDir: { sizeLimit: "256Mi" } }],
          },
        },
      },
    }, k8sOpts);
    const service = new k8s.core.v1.Service(`${name}-service`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      spec: { selector, ports: [{ name: "redis", port: 6379, targetPort: "redis", protocol: "TCP" }] },
    }, k8sOpts);
    createClientOnlyPolicy(`${name}-netpol`, {
      namespace: args.namespace, objectName, labels, selector, clientLabel: CACHE_CLIENT_LABEL, port: 6379, provider: args.provider,
    }, { parent: this });

    this.host = pulumi.interpolate`${service.metadata.name}.${args.namespace}.svc.cluster.local`;
    this.port = pulumi.output(6379);
    this.registerOutputs({ host: this.host, port: this.port });
  }
}
