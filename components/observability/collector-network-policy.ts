import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { TelemetryEndpoint } from "../config";
import { DNS_EGRESS, fromNamespace, internet } from "../workload/network-policies";
import { COLLECTOR_PORTS } from "./collector-config";

export interface CollectorNetworkPolicyArgs {
  namespace: pulumi.Input<string>;
  objectName: string;
  labels: Record<string, string>;
  /** The collector's pods. */
  selector: Record<string, string>;
  /** Pods that may send OTLP. */
  clientSelector: Record<string, string>;
  /** Namespace whose pods may scrape the metrics ports. */
  scraperNamespace: string;
  /** The backend the collector exports to; undefined for local backends (debug, file): then no egress at all. */
  backend?: TelemetryEndpoint;
  /** The VPC's CIDR, excepted from an external backend's egress so it reaches no pod or in-VPC service. Default: none. */
  privateNetwork?: pulumi.Input<string>;
  provider: k8s.Provider;
}

/**
 * The collector's NetworkPolicy, on top of the namespace's default deny: OTLP in only from the server's pods,
 * metrics scraped only from Prometheus's namespace, and out only to DNS and the backend's port. A backend outside
 * the cluster has no fixed addresses (ClickHouse Cloud, Signoz), so the port is what is enforced; a cluster-local
 * backend is reached in any namespace (ipBlock does not reliably cover pod addresses).
 */
export function createCollectorNetworkPolicy(name: string, args: CollectorNetworkPolicyArgs, opts: pulumi.CustomResourceOptions): k8s.networking.v1.NetworkPolicy {
  const backend = args.backend;
  const egress: k8s.types.input.networking.v1.NetworkPolicyEgressRule[] = backend === undefined ? [] : [
    DNS_EGRESS,
    {
      to: backend.clusterLocal
        ? [{ namespaceSelector: {} }]
        : [internet(args.privateNetwork)],
      ports: [{ port: backend.port, protocol: "TCP" }],
    },
  ];
  return new k8s.networking.v1.NetworkPolicy(name, {
    metadata: { name: args.objectName, namespace: args.namespace, labels: args.labels },
    spec: {
      podSelector: { matchLabels: args.selector },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        { from: [{ podSelector: { matchLabels: args.clientSelector } }], ports: [{ port: COLLECTOR_PORTS.otlpGrpc, protocol: "TCP" }, { port: COLLECTOR_PORTS.otlpHttp, protocol: "TCP" }] },
        fromNamespace(args.scraperNamespace, [COLLECTOR_PORTS.telemetry, COLLECTOR_PORTS.metrics]),
      ],
      egress,
    },
  }, { ...opts, provider: args.provider });
}
