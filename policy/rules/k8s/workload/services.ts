import { always, type ResourceRule, type StackRule } from "../../../lib/rule";
import { STATEFULSET, WORKLOAD_TYPES } from "../../../lib/podspec";
import { get, isRecord, num, records, show, str } from "../../../lib/values";
import { SERVICE } from "./lib/kinds";
import { labelsOf, mapSelectorMatches, showLabels } from "./lib/selector";
import { declared, groupBy, nsOf, resolveRef, showObject, workloadsOf } from "./lib/stack";

const SSL_CERT = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert";
const SSL_PORTS = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports";

/** NodePort only: a LoadBalancer Service is allowed with TLS, which k8s-lb-tls checks (one concern per rule). */
export const serviceType: ResourceRule = {
  kind: "resource",
  id: "k8s-service-type",
  title: "No NodePort Services",
  description: "A Service's spec.type is not NodePort, which opens the port on every node; LoadBalancer Services are allowed only with TLS (k8s-lb-tls).",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "kube-score", id: "service-type" },
    { framework: "kube-linter", id: "exposed-services" },
    { framework: "Kyverno", id: "best-practices/restrict-node-port" },
  ],
  remediation: "Use a ClusterIP Service behind the Ingress (ALB, target type ip).",
  targets: [SERVICE],
  validate(resource, { report }) {
    const type = get(resource.props, "spec.type");
    if (type === "NodePort") report(`spec.type is "NodePort": the port opens on every node of the cluster. Use "ClusterIP" behind the Ingress.`);
  },
};

export const lbTls: ResourceRule = {
  kind: "resource",
  id: "k8s-lb-tls",
  title: "LoadBalancer Services terminate TLS",
  description: `A Service of type LoadBalancer carries the ${SSL_CERT} annotation (an ACM certificate) and, when ${SSL_PORTS} narrows the TLS listeners, lists every port.`,
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "Kyverno", id: "aws/require-encryption-aws-loadbalancers" },
    { framework: "Kyverno", id: "other/restrict-loadbalancer" },
    { framework: "kube-linter", id: "exposed-services" },
  ],
  remediation: `Expose the server through the Ingress instead; or annotate the Service with ${SSL_CERT}: <ACM certificate ARN> and leave ${SSL_PORTS} unset ("*").`,
  targets: [SERVICE],
  validate(resource, { report, notApplicable }) {
    const type = get(resource.props, "spec.type");
    if (type !== "LoadBalancer") notApplicable(`spec.type is ${type === undefined ? "unset (ClusterIP)" : show(type)}: no load balancer, so no listener to terminate TLS on`);
    const annotations = get(resource.props, "metadata.annotations");
    const cert = isRecord(annotations) ? annotations[SSL_CERT] : undefined;
    if (typeof cert !== "string" || cert.trim() === "") {
      report(`spec.type is "LoadBalancer" and metadata.annotations["${SSL_CERT}"] is ${show(cert)}: the load balancer listens in plaintext. Set it to an ACM certificate ARN, or use the Ingress.`);
      return;
    }
    const portsRaw = isRecord(annotations) ? annotations[SSL_PORTS] : undefined;
    if (portsRaw === undefined) return;
    const listed = (str(portsRaw) ?? "").split(",").map((p) => p.trim());
    if (listed.includes("*")) return;
    records(get(resource.props, "spec.ports")).forEach((p, i) => {
      const port = num(p["port"]);
      const name = str(p["name"]);
      if ((port !== undefined && listed.includes(String(port))) || (name !== undefined && listed.includes(name))) return;
      report(`spec.ports[${i}] (port ${show(p["port"])}${name ? `, "${name}"` : ""}) is not in metadata.annotations["${SSL_PORTS}"] ${show(portsRaw)}, so it listens in plaintext; list it or remove the annotation ("*").`);
    });
  },
};

export const serviceExternalIps: ResourceRule = {
  kind: "resource",
  id: "k8s-service-external-ips",
  title: "No Service externalIPs",
  description: "A Service sets no spec.externalIPs (CVE-2020-8554: anyone who can create a Service can intercept traffic to those addresses).",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "Kyverno", id: "best-practices/restrict-service-external-ips" },
    { framework: "KSV", id: "KSV-0108" },
  ],
  remediation: "Remove spec.externalIPs; expose the Service through the Ingress or a LoadBalancer with TLS.",
  targets: [SERVICE],
  validate(resource, { report }) {
    const ips = get(resource.props, "spec.externalIPs");
    if (Array.isArray(ips) ? ips.length > 0 : ips !== undefined) report(`spec.externalIPs is ${show(ips)}; it must be empty.`);
  },
};

export const serviceTargetsPods: StackRule = {
  kind: "stack",
  id: "k8s-service-targets-pods",
  title: "Services select pods of the stack",
  description: "A Service with a spec.selector selects the pod template labels of at least one workload of the stack in its namespace.",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "kube-score", id: "service-targets-pod" },
    { framework: "kube-linter", id: "dangling-service" },
  ],
  remediation: "Make spec.selector the workload's selector labels (and put the Service in the workload's namespace).",
  targets: [SERVICE],
  validate(view, { report }) {
    let byNs: Map<string, ReturnType<typeof workloadsOf>> | undefined;
    for (const svc of view.ofType(SERVICE)) {
      if (get(declared(svc), "spec.type") === "ExternalName") continue;
      const selector = labelsOf(get(declared(svc), "spec.selector"));
      if (Object.keys(selector).length === 0) continue; // endpoints managed by hand
      byNs ??= groupBy(workloadsOf(view, WORKLOAD_TYPES), (w) => w.ns);
      const ns = nsOf(svc);
      if ((byNs.get(ns) ?? []).some((w) => mapSelectorMatches(selector, w.labels))) continue;
      report(`spec.selector ${showLabels(selector)} selects no pod template of the stack in namespace "${ns || "<provider default>"}"; the Service has no endpoints.`, svc.urn);
    }
  },
};

export const statefulSetServiceName: StackRule = {
  kind: "stack",
  id: "k8s-statefulset-service-name",
  title: "StatefulSets name their headless Service",
  description: "A StatefulSet's spec.serviceName names a headless Service (clusterIP: None) of the stack in its namespace, which gives its pods stable DNS names.",
  severity: "low",
  enforcement: always("advisory"),
  references: [{ framework: "kube-score", id: "statefulset-has-servicename" }],
  remediation: "Create a Service with clusterIP: None selecting the StatefulSet's pods and set spec.serviceName to its name (service.metadata.name).",
  targets: [STATEFULSET],
  validate(view, { report }) {
    for (const sts of view.ofType(STATEFULSET)) {
      const ns = nsOf(sts);
      const svc = resolveRef(view, sts, "spec", SERVICE, ns, () => str(get(declared(sts), "spec.serviceName")));
      if (!svc) {
        report(`spec.serviceName is ${show(get(declared(sts), "spec.serviceName"))}, which names no Service of the stack in namespace "${ns || "<provider default>"}"; create the headless Service and reference it.`, sts.urn);
        continue;
      }
      const clusterIP = get(declared(svc), "spec.clusterIP");
      if (clusterIP !== "None") report(`spec.serviceName names Service ${showObject(svc)}, whose spec.clusterIP is ${show(clusterIP)}; it must be headless (clusterIP: "None").`, sts.urn);
    }
  },
};
