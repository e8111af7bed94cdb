import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { albEdgeAnnotations, type AlbEdgeSettings } from "./edge-protection";
import { ALB_IDLE_TIMEOUT_SECONDS, DEREGISTRATION_DELAY_SECONDS } from "./letta-preset";
import { platformLabels } from "./namespace";

export interface ServerIngressArgs {
  namespace: pulumi.Input<string>;
  instance: string;
  host: string;
  className: string;
  serviceName: pulumi.Input<string>;
  /** alb: the ACM certificate. Required with className alb. */
  certificateArn?: string;
  /** Other classes: the cert-manager ClusterIssuer. Required unless className is alb. */
  clusterIssuer?: string;
  /** Liveness path, for the ALB's health check. */
  healthPath: string;
  /** alb: the WAF web ACL, access-log bucket and deletion protection (edge-protection.ts). Default: none of them set. */
  edge?: AlbEdgeSettings;
  provider: k8s.Provider;
}

// Streamed responses (server-sent events) stay open for minutes: the load balancer must not cut them at 60 s.
const STREAM_IDLE_SECONDS = ALB_IDLE_TIMEOUT_SECONDS;

/** The annotations that make an ingress class terminate TLS, redirect HTTP, and keep long streams open. */
export function ingressAnnotations(args: Pick<ServerIngressArgs, "className" | "certificateArn" | "clusterIssuer" | "healthPath">): Record<string, string> {
  if (args.className === "alb") {
    return {
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/target-type": "ip",
      "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
      "alb.ingress.kubernetes.io/ssl-redirect": "443",
      "alb.ingress.kubernetes.io/certificate-arn": args.certificateArn ?? "",
      "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "alb.ingress.kubernetes.io/load-balancer-attributes": `idle_timeout.timeout_seconds=${STREAM_IDLE_SECONDS},routing.http.drop_invalid_header_fields.enabled=true`,
      "alb.ingress.kubernetes.io/target-group-attributes": `deregistration_delay.timeout_seconds=${DEREGISTRATION_DELAY_SECONDS}`,
      "alb.ingress.kubernetes.io/healthcheck-path": args.healthPath,
      "alb.ingress.kubernetes.io/success-codes": "200",
    };
  }
  return {
    "cert-manager.io/cluster-issuer": args.clusterIssuer ?? "",
    "nginx.ingress.kubernetes.io/ssl-redirect": "true",
    "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
    "nginx.ingress.kubernetes.io/proxy-read-timeout": String(STREAM_IDLE_SECONDS),
    "nginx.ingress.kubernetes.io/proxy-send-timeout": String(STREAM_IDLE_SECONDS),
    "nginx.ingress.kubernetes.io/proxy-buffering": "off",
  };
}

const LB_ATTRIBUTES = "alb.ingress.kubernetes.io/load-balancer-attributes";

/** The ingress class's annotations, plus (alb) the WAF association and the edge's load-balancer attributes. */
function annotationsWithEdge(args: ServerIngressArgs): pulumi.Input<Record<string, string>> {
  const base = ingressAnnotations(args);
  if (args.className !== "alb" || args.edge === undefined) return base;
  const edge = albEdgeAnnotations(args.edge);
  return pulumi.all([edge.wafv2AclArn, edge.attributes]).apply(([arn, attributes]) => ({
    ...base,
    // load-balancer-attributes is one annotation: the class's own attributes, then the edge's.
    [LB_ATTRIBUTES]: [base[LB_ATTRIBUTES], ...attributes].join(","),
    "alb.ingress.kubernetes.io/wafv2-acl-arn": arn,
  }));
}

/** The server's Ingress: TLS for its host, HTTP redirected, long-lived streams allowed. */
export function createServerIngress(name: string, args: ServerIngressArgs, opts: pulumi.CustomResourceOptions): k8s.networking.v1.Ingress {
  const alb = args.className === "alb";
  return new k8s.networking.v1.Ingress(name, {
    metadata: {
      name: `${args.instance}-server`, namespace: args.namespace, labels: platformLabels(args.instance, "server"),
      annotations: annotationsWithEdge(args),
    },
    spec: {
      ingressClassName: args.className,
      // With the ALB the certificate is ACM's and no Secret is needed; cert-manager fills the named Secret.
      tls: [alb ? { hosts: [args.host] } : { hosts: [args.host], secretName: `${args.instance}-server-tls` }],
      rules: [{
        host: args.host,
        http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: args.serviceName, port: { name: "http" } } } }] },
      }],
    },
  }, { ...opts, provider: args.provider });
}
