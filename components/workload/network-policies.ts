import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformLabels } from "./namespace";

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Rule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

/** Where a dependency lives: pods in the namespace (in-cluster mode) or addresses in the VPC (RDS, ElastiCache). */
export type Destination = { podLabels: Record<string, string> } | { cidr: pulumi.Input<string> };

/**
 * Who may reach the server: address ranges (the ALB's subnets: with the VPC CNI pods have VPC addresses too, so the
 * whole VPC would admit every pod of the cluster), or the ingress controller's namespace.
 */
export type IngressSource = { cidrs: pulumi.Input<pulumi.Input<string>[]> } | { namespace: string } | undefined;

export interface NetworkPoliciesArgs {
  namespace: pulumi.Input<string>;
  instance: string;
  /** Pod labels of the server and of the database jobs. */
  serverSelector: Record<string, string>;
  jobSelector: Record<string, string>;
  serverPort: number;
  ingressFrom: IngressSource;
  /**
   * The VPC's CIDR: HTTPS "to the internet" excepts it, so that rule cannot reach other pods or in-VPC services on
   * 443. Default: no exception.
   */
  privateNetwork?: pulumi.Input<string>;
  /** Pod labels of the backup jobs, when backups are on. */
  backupSelector?: Record<string, string>;
  /** Pod labels of database jobs that call AWS APIs with IRSA (the bootstrap Job on RDS): HTTPS egress too. */
  awsApiSelector?: Record<string, string>;
  database: Destination;
  /** Port of the database (database.port on RDS; 5432 in-cluster): the only port the clients may reach it on. Required. */
  databasePort: pulumi.Input<number>;
  cache: Destination;
  /** The OpenTelemetry collector the server sends OTLP to: its pods and ports. Default: none (no such egress). */
  collector?: { podLabels: Record<string, string>; ports: number[] };
  /** Prometheus's namespace and the port, when the server serves metrics itself. Default: none (no such ingress). */
  serverScrape?: { namespace: string; port: number };
  provider: k8s.Provider;
}

export interface ClientOnlyPolicyArgs {
  namespace: pulumi.Input<string>;
  objectName: string;
  labels: Record<string, string>;
  /** The pods the policy protects. */
  selector: Record<string, string>;
  /** The label a client pod must carry (value "true"). */
  clientLabel: string;
  port: number;
  provider: k8s.Provider;
}

/** A NetworkPolicy for a server-side pod (database, Redis): in only from labelled clients on its port, out nowhere. */
export function createClientOnlyPolicy(name: string, args: ClientOnlyPolicyArgs, opts: pulumi.CustomResourceOptions): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(name, {
    metadata: { name: args.objectName, namespace: args.namespace, labels: args.labels },
    spec: {
      podSelector: { matchLabels: args.selector },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { [args.clientLabel]: "true" } } }], ports: [{ port: args.port, protocol: "TCP" }] }],
      egress: [],
    },
  }, { ...opts, provider: args.provider });
}

/** Egress to the cluster's DNS (CoreDNS in kube-system), which every pod that resolves a name needs. */
export const DNS_EGRESS: Rule = {
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }],
};

/** Every pod of one namespace, by the name label Kubernetes puts on each namespace. */
function namespacePeer(namespace: pulumi.Input<string>): Peer {
  return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } };
}

/** Ingress from the pods of one namespace (Prometheus scraping metrics) on the given ports. */
export function fromNamespace(namespace: string, ports: number[]): k8s.types.input.networking.v1.NetworkPolicyIngressRule {
  return {
    from: [namespacePeer(namespace)],
    ports: ports.map((port) => ({ port, protocol: "TCP" })),
  };
}

function peer(destination: Destination): Peer {
  return "cidr" in destination ? { ipBlock: { cidr: destination.cidr } } : { podSelector: { matchLabels: destination.podLabels } };
}

/** Any address outside the private network: what "to the internet" means in an egress rule. */
export function internet(privateNetwork: pulumi.Input<string> | undefined): Peer {
  return { ipBlock: privateNetwork === undefined ? { cidr: "0.0.0.0/0" } : { cidr: "0.0.0.0/0", except: [privateNetwork] } };
}

/**
 * Default deny for the whole namespace, then exactly what each workload needs: the server is reached only from the
 * load balancer or ingress controller and talks only to DNS, Postgres, Redis, HTTPS (LLM providers) and the
 * OpenTelemetry collector; the database jobs talk only to DNS and Postgres. The database and Redis carry their own
 * policies.
 */
export function createNetworkPolicies(name: string, args: NetworkPoliciesArgs, opts: pulumi.CustomResourceOptions): void {
  const k8sOpts = { ...opts, provider: args.provider };
  const labels = platformLabels(args.instance, "network-policy");
  const meta = (suffix: string) => ({ name: `${args.instance}-${suffix}`, namespace: args.namespace, labels });

  new k8s.networking.v1.NetworkPolicy(`${name}-default-deny`, {
    metadata: meta("default-deny"),
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  }, k8sOpts);

  const ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = args.ingressFrom === undefined ? [] : [{
    from: "cidrs" in args.ingressFrom
      ? pulumi.output(args.ingressFrom.cidrs).apply((cidrs) => cidrs.map((cidr) => ({ ipBlock: { cidr } })))
      : [namespacePeer(args.ingressFrom.namespace)],
    ports: [{ port: args.serverPort, protocol: "TCP" }],
  }];
  if (args.serverScrape) ingress.push(fromNamespace(args.serverScrape.namespace, [args.serverScrape.port]));
  const collector: Rule[] = args.collector === undefined ? [] : [{
    to: [{ podSelector: { matchLabels: args.collector.podLabels } }],
    ports: args.collector.ports.map((port) => ({ port, protocol: "TCP" })),
  }];
  new k8s.networking.v1.NetworkPolicy(`${name}-server`, {
    metadata: meta("server"),
    spec: {
      podSelector: { matchLabels: args.serverSelector },
      policyTypes: ["Ingress", "Egress"],
      ingress,
      egress: [
        DNS_EGRESS,
        { to: [peer(args.database)], ports: [{ port: args.databasePort, protocol: "TCP" }] },
        { to: [peer(args.cache)], ports: [{ port: 6379, protocol: "TCP" }] },
        { to: [internet(args.privateNetwork)], ports: [{ port: 443, protocol: "TCP" }] },
        ...collector,
      ],
    },
  }, k8sOpts);

  if (args.backupSelector) {
    new k8s.networking.v1.NetworkPolicy(`${name}-backup`, {
      metadata: meta("backup"),
      spec: {
        podSelector: { matchLabels: args.backupSelector },
        policyTypes: ["Ingress", "Egress"],
        ingress: [],
        // S3 and STS (IRSA) over HTTPS, and the database.
        egress: [DNS_EGRESS, { to: [peer(args.database)], ports: [{ port: args.databasePort, protocol: "TCP" }] }, { to: [internet(args.privateNetwork)], ports: [{ port: 443, protocol: "TCP" }] }],
      },
    }, k8sOpts);
  }

  if (args.awsApiSelector) {
    // Added to the database-jobs policy below (policies are additive): STS (IRSA) and Secrets Manager over HTTPS.
    new k8s.networking.v1.NetworkPolicy(`${name}-aws-api`, {
      metadata: meta("aws-api"),
      spec: {
        podSelector: { matchLabels: args.awsApiSelector },
        policyTypes: ["Egress"],
        egress: [DNS_EGRESS, { to: [internet(args.privateNetwork)], ports: [{ port: 443, protocol: "TCP" }] }],
      },
    }, k8sOpts);
  }

  new k8s.networking.v1.NetworkPolicy(`${name}-jobs`, {
    metadata: meta("database-jobs"),
    spec: {
      podSelector: { matchLabels: args.jobSelector },
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [DNS_EGRESS, { to: [peer(args.database)], ports: [{ port: args.databasePort, protocol: "TCP" }] }],
    },
  }, k8sOpts);
}
