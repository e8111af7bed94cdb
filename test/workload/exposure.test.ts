// Issue 4, the agent server on EKS: how it is reached and what it may reach. The namespace's Pod Security labels,
// the Ingress (ALB in prod, nginx + cert-manager as an alternative, none in dev), and the NetworkPolicies.
import { beforeAll, describe, expect, it } from "vitest";
import { readStackFile, resolveStackFile } from "../../tools/plan/stack-file";
import { PROJECT_DIR, projectName } from "../../tools/plan/plan-stack";
import { NS, runStack, type ProgramRun } from "../support/harness";
import { named, type Workload } from "../support/k8s";
import {
  SERVER, T, networkPolicies, networkPolicy, podTemplates, selects, serverContainer, serverDeployment,
  type LabelSelector, type NetworkPolicy, type NetworkPolicyRule,
} from "../support/workload";

const HOST = "agents.example.com";
const prodConfig = readStackFile(resolveStackFile("prod", PROJECT_DIR), projectName()).config;
const CERTIFICATE = prodConfig["agent-platform:ingress.certificateArn"];

let dev: ProgramRun;
let prod: ProgramRun;
/** prod with the nginx class and a cert-manager ClusterIssuer instead of the ALB. */
let nginx: ProgramRun;

beforeAll(async () => {
  dev = await runStack("dev");
  prod = await runStack("prod");
  nginx = await runStack("prod", { "ingress.className": "nginx", "ingress.clusterIssuer": "letsencrypt-prod" });
});

interface Ingress {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: {
    ingressClassName?: string;
    tls?: { hosts?: string[]; secretName?: string }[];
    rules?: { host?: string; http?: { paths: { path: string; pathType: string; backend: { service?: { name: string; port: { name?: string; number?: number } } } }[] } }[];
  };
}

const ingressOf = (run: ProgramRun): Ingress => named<Ingress>(run, T.ingress, SERVER);
/** `a=1,b=2` (the ALB's attribute annotations) as a map. */
const attributes = (text: string | undefined): Map<string, string> =>
  new Map((text ?? "").split(",").filter(Boolean).map((pair) => pair.split("=") as [string, string]));
const vpcCidr = (run: ProgramRun): unknown => run.inputs(run.one(T.vpc)).cidrBlock;

describe("namespace", () => {
  it.each(["dev", "prod"])("%s: Pod Security Admission enforces restricted, pinned to the cluster version", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const namespace = run.inputs(run.one(T.namespace)).metadata as { name: string; labels: Record<string, string> };
    expect(namespace.name).toBe(NS);
    expect(namespace.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(namespace.labels["pod-security.kubernetes.io/enforce-version"]).toBe("v1.34");
  });
});

describe("Ingress", () => {
  it("certificate ARN of Pulumi.prod.yaml is what the prod plan must use", () => {
    expect(CERTIFICATE).toBe("arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000");
  });

  it("prod: an ALB terminating TLS with the ACM certificate, redirecting HTTP, health-checking /v1/health/", () => {
    expect(prod.ofType(T.ingress)).toHaveLength(1);
    const ingress = ingressOf(prod);
    expect(ingress.metadata.namespace).toBe(NS);
    expect(ingress.spec.ingressClassName).toBe("alb");
    const a = ingress.metadata.annotations ?? {};
    expect(a["alb.ingress.kubernetes.io/certificate-arn"]).toBe(CERTIFICATE);
    expect(JSON.parse(a["alb.ingress.kubernetes.io/listen-ports"] ?? "null")).toEqual([{ HTTP: 80 }, { HTTPS: 443 }]);
    expect(a["alb.ingress.kubernetes.io/ssl-redirect"]).toBe("443");
    expect(a["alb.ingress.kubernetes.io/healthcheck-path"]).toBe("/v1/health/");
    // A ClusterIP Service is only reachable by an ALB in ip mode (instance mode needs a NodePort).
    expect(a["alb.ingress.kubernetes.io/target-type"]).toBe("ip");
    // Streamed responses stay open for minutes: the default 60 s idle timeout would cut them.
    const idle = Number(attributes(a["alb.ingress.kubernetes.io/load-balancer-attributes"]).get("idle_timeout.timeout_seconds"));
    expect(idle).toBeGreaterThanOrEqual(300);
    expect(idle).toBeLessThanOrEqual(4000);
  });

  it.each(["prod", "nginx"])("%s: TLS and the rule name the configured host, routing / to the server Service's http port", (variant) => {
    const run = variant === "prod" ? prod : nginx;
    const ingress = ingressOf(run);
    expect(ingress.spec.tls?.map((t) => t.hosts)).toEqual([[HOST]]);
    expect(ingress.spec.rules).toEqual([{
      host: HOST,
      http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: SERVER, port: { name: "http" } } } }] },
    }]);
    const service = named<{ spec: { ports: { name: string }[] } }>(run, T.service, SERVER);
    expect(service.spec.ports.map((p) => p.name)).toContain("http");
  });

  it("nginx: cert-manager's ClusterIssuer fills the TLS Secret, long proxy timeouts, no ALB annotations", () => {
    const ingress = ingressOf(nginx);
    expect(ingress.spec.ingressClassName).toBe("nginx");
    const a = ingress.metadata.annotations ?? {};
    expect(a["cert-manager.io/cluster-issuer"]).toBe("letsencrypt-prod");
    expect(ingress.spec.tls?.[0]?.secretName).toBe("agents-server-tls");
    expect(Number(a["nginx.ingress.kubernetes.io/proxy-read-timeout"])).toBeGreaterThanOrEqual(300);
    expect(Number(a["nginx.ingress.kubernetes.io/proxy-send-timeout"])).toBeGreaterThanOrEqual(300);
    expect(Object.keys(a).filter((k) => k.startsWith("alb.ingress.kubernetes.io/"))).toEqual([]);
  });

  it("dev: no Ingress and no url", () => {
    expect(dev.ofType(T.ingress)).toEqual([]);
    expect(dev.output("url") ?? null).toBeNull();
  });

  it.each(["prod", "nginx"])("%s: the url output is https://<ingress.host>/", (variant) => {
    expect((variant === "prod" ? prod : nginx).output("url")).toBe(`https://${HOST}/`);
  });
});

describe("NetworkPolicies", () => {
  const dns: NetworkPolicyRule = {
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
    ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }],
  };
  const postgresPods = { "app.kubernetes.io/instance": "agents", "app.kubernetes.io/name": "postgres" };
  const redisPods = { "app.kubernetes.io/instance": "agents", "app.kubernetes.io/name": "redis" };
  const collectorPods = { "app.kubernetes.io/instance": "agents", "app.kubernetes.io/name": "otel-collector" };
  /** The server sends OTLP (gRPC and HTTP) to the OpenTelemetry collector's pods. */
  const otlp: NetworkPolicyRule = { to: [{ podSelector: { matchLabels: collectorPods } }], ports: [{ port: 4317, protocol: "TCP" }, { port: 4318, protocol: "TCP" }] };
  const runs = (): [string, ProgramRun][] => [["dev", dev], ["prod", prod], ["nginx", nginx]];

  it.each(["dev", "prod", "nginx"])("%s: the namespace denies all traffic by default", (variant) => {
    const run = runs().find(([name]) => name === variant)?.[1] as ProgramRun;
    const denies = networkPolicies(run).filter((p) => Object.keys(p.spec.podSelector.matchLabels ?? {}).length === 0 && (p.spec.podSelector.matchExpressions ?? []).length === 0);
    expect(denies).toHaveLength(1);
    const deny = denies[0] as NetworkPolicy;
    expect(deny.metadata).toMatchObject({ name: "agents-default-deny", namespace: NS });
    expect([...(deny.spec.policyTypes ?? [])].sort()).toEqual(["Egress", "Ingress"]);
    expect(deny.spec.ingress ?? []).toEqual([]);
    expect(deny.spec.egress ?? []).toEqual([]);
  });

  it.each(["dev", "prod", "nginx"])("%s: the server's policy selects exactly the server's pods, for both directions", (variant) => {
    const run = runs().find(([name]) => name === variant)?.[1] as ProgramRun;
    const policy = networkPolicy(run, SERVER);
    const deployment = serverDeployment(run);
    expect(policy.spec.podSelector).toEqual({ matchLabels: deployment.spec.selector?.matchLabels });
    expect([...(policy.spec.policyTypes ?? [])].sort()).toEqual(["Egress", "Ingress"]);
    const selected = podTemplates(run).filter((t) => t.namespace === NS && selects(policy.spec.podSelector, t.labels)).map((t) => `${t.kind}/${t.name}`);
    expect(selected).toEqual([`Deployment/${SERVER}`]);
  });

  it("prod (alb): ingress only from the public subnets (the ALB's), on the server port: not the whole VPC, where pods live too", () => {
    expect(vpcCidr(prod)).toBe("10.0.0.0/16");
    const publicCidrs = prod.ofType("aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-public-")).map((s) => String(prod.inputs(s).cidrBlock));
    expect(publicCidrs).toHaveLength(3);
    expect(networkPolicy(prod, SERVER).spec.ingress).toEqual([{ from: publicCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 8283, protocol: "TCP" }] }]);
    const podSubnets = prod.ofType("aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-")).map((s) => String(prod.inputs(s).cidrBlock));
    for (const cidr of podSubnets) expect(publicCidrs).not.toContain(cidr);
    expect(serverContainer(prod).ports?.[0]?.containerPort).toBe(8283);
  });

  it("nginx: ingress only from the ingress controller's namespace, on the server port", () => {
    expect(networkPolicy(nginx, SERVER).spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
      ports: [{ port: 8283, protocol: "TCP" }],
    }]);
  });

  it("dev (no ingress): no ingress rule at all", () => {
    expect(networkPolicy(dev, SERVER).spec.ingress ?? []).toEqual([]);
  });

  it("dev: egress only to DNS, the Postgres pods on 5432, the Redis pods on 6379, HTTPS and the collector's OTLP ports", () => {
    expect(networkPolicy(dev, SERVER).spec.egress).toEqual([
      dns,
      { to: [{ podSelector: { matchLabels: postgresPods } }], ports: [{ port: 5432, protocol: "TCP" }] },
      { to: [{ podSelector: { matchLabels: redisPods } }], ports: [{ port: 6379, protocol: "TCP" }] },
      // An existing cluster: the VPC is cluster.vpcCidr (default 10.0.0.0/16).
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16"] } }], ports: [{ port: 443, protocol: "TCP" }] },
      otlp,
    ]);
    // Those labels are the in-cluster database's, cache's and collector's pods.
    expect(named<Workload>(dev, T.statefulSet, "agents-postgres").spec.template.metadata.labels).toMatchObject(postgresPods);
    expect(named<Workload>(dev, T.deployment, "agents-redis").spec.template.metadata.labels).toMatchObject(redisPods);
    expect(named<Workload>(dev, T.deployment, "agents-otel-collector").spec.template.metadata.labels).toMatchObject(collectorPods);
  });

  it.each(["prod", "nginx"])("%s: egress only to DNS, the VPC (RDS on database.port 5433, ElastiCache 6379), HTTPS and the collector's OTLP ports", (variant) => {
    const run = variant === "prod" ? prod : nginx;
    const cidr = vpcCidr(run);
    expect(networkPolicy(run, SERVER).spec.egress).toEqual([
      dns,
      { to: [{ ipBlock: { cidr } }], ports: [{ port: 5433, protocol: "TCP" }] },
      { to: [{ ipBlock: { cidr } }], ports: [{ port: 6379, protocol: "TCP" }] },
      // "The internet" excepts the VPC: the HTTPS rule reaches no pod or in-VPC service.
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [cidr] } }], ports: [{ port: 443, protocol: "TCP" }] },
      otlp,
    ]);
  });

  it.each(["dev", "prod", "nginx"])("%s: no egress rule of any policy leaves its ports open", (variant) => {
    const run = runs().find(([name]) => name === variant)?.[1] as ProgramRun;
    for (const policy of networkPolicies(run)) {
      for (const rule of policy.spec.egress ?? []) expect(rule.ports?.length, `${policy.metadata.name}: ${JSON.stringify(rule)}`).toBeGreaterThan(0);
    }
  });

  it.each(["dev", "prod"])("%s: the database jobs' pods may reach only DNS and Postgres", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const policy = networkPolicy(run, "agents-database-jobs");
    const selected = podTemplates(run).filter((t) => t.namespace === NS && selects(policy.spec.podSelector, t.labels));
    // Exactly the bootstrap and the migrations Job, and in-cluster the Job that creates postgres_exporter's role.
    const jobs = ["agents-db-bootstrap", "agents-db-migrate", ...(stack === "dev" ? ["agents-db-monitoring-role"] : [])];
    expect(selected.map((t) => t.kind)).toEqual(jobs.map(() => "Job"));
    expect(selected.map((t) => t.name.replace(/-[0-9a-f]{8}(?:-[0-9a-f]{8})?$/, "")).sort()).toEqual(jobs);
    expect([...(policy.spec.policyTypes ?? [])].sort()).toEqual(["Egress", "Ingress"]);
    expect(policy.spec.ingress ?? []).toEqual([]);
    const database = stack === "dev" ? { podSelector: { matchLabels: postgresPods } } : { ipBlock: { cidr: vpcCidr(run) } };
    expect(policy.spec.egress).toEqual([dns, { to: [database], ports: [{ port: stack === "dev" ? 5432 : 5433, protocol: "TCP" }] }]);
  });

  it.each(["dev", "prod", "nginx"])("%s: every pod selector of every policy matches a rendered pod in the namespace", (variant) => {
    const run = runs().find(([name]) => name === variant)?.[1] as ProgramRun;
    const pods = podTemplates(run).filter((t) => t.namespace === NS);
    const selectors: [string, LabelSelector][] = [];
    for (const policy of networkPolicies(run).filter((p) => p.metadata.namespace === NS)) {
      selectors.push([`${policy.metadata.name} spec.podSelector`, policy.spec.podSelector]);
      for (const [direction, rules] of [["from", policy.spec.ingress], ["to", policy.spec.egress]] as const) {
        for (const rule of rules ?? []) {
          for (const peer of (direction === "from" ? rule.from : rule.to) ?? []) {
            // A peer with a namespaceSelector selects pods of other namespaces (kube-dns): not ours to check.
            if (peer.podSelector && !peer.namespaceSelector) selectors.push([`${policy.metadata.name} ${direction} ${JSON.stringify(peer.podSelector)}`, peer.podSelector]);
          }
        }
      }
    }
    expect(selectors.length).toBeGreaterThanOrEqual(3);
    for (const [where, selector] of selectors) {
      expect(pods.some((pod) => selects(selector, pod.labels)), `${where} matches no pod`).toBe(true);
    }
  });

  it("the VPC CNI add-on enforces NetworkPolicies (otherwise they do nothing on EKS)", () => {
    const addon = prod.ofType(T.addon).map((a) => prod.inputs(a)).find((a) => a.addonName === "vpc-cni");
    expect(addon).toBeDefined();
    expect(JSON.parse(String(addon?.configurationValues))).toMatchObject({ enableNetworkPolicy: "true" });
  });
});
