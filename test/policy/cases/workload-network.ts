/** Cases of the §2.3 networking rules and the §2.4 CronJob rule. */
import type { FixtureResource, PolicyCase } from "../support/cases";
import { albIngress, allowPolicy, cronJob, defaultDeny, deployment, namespace, networkPolicy, nginxIngress, service, setPath, T, UNKNOWN, type Obj } from "../fixtures/k8s";

const app = (props: Obj = deployment()): FixtureResource => ({ type: T.deployment, name: "app", props });
const ns = (name = "agents"): FixtureResource => ({ type: T.namespace, name: `ns-${name}`, props: namespace(name) });
const deny = (namespaceName = "agents", spec?: Obj): FixtureResource => ({ type: T.networkPolicy, name: `deny-${namespaceName}`, props: spec ? networkPolicy("default-deny", spec, namespaceName) : defaultDeny(namespaceName) });
const allow = (selector?: Obj, namespaceName = "agents"): FixtureResource => ({ type: T.networkPolicy, name: "allow-app", props: allowPolicy(selector, namespaceName) });
const svc = (extra: Obj = {}, metadata: Obj = {}): FixtureResource => ({ type: T.service, name: "app-svc", props: service(extra, metadata) });

const netpols: PolicyCase[] = [
  { rule: "k8s-netpol-default-deny", name: "namespace with a default-deny policy", expect: "pass", resources: [ns(), app(), deny(), allow()] },
  { rule: "k8s-netpol-default-deny", name: "no default deny in the workload's namespace", expect: "fail", level: "mandatory", message: 'Namespace "agents" has no default-deny NetworkPolicy', resources: [ns(), app(), allow()] },
  { rule: "k8s-netpol-default-deny", name: "a Namespace of the stack without workloads still needs one", expect: "fail", message: 'Namespace "tools"', resources: [ns(), app(), deny(), ns("tools")] },
  { rule: "k8s-netpol-default-deny", name: "default deny in another namespace only", expect: "fail", message: 'Namespace "agents" has no default-deny NetworkPolicy', resources: [app(), deny("other")] },
  { rule: "k8s-netpol-default-deny", name: "empty selector but Ingress only (Egress stays open)", expect: "fail", message: 'Namespace "agents" has no default-deny NetworkPolicy', resources: [app(), deny("agents", { podSelector: {}, policyTypes: ["Ingress"] })] },
  { rule: "k8s-netpol-default-deny", name: "empty selector that allows all egress is not a deny", expect: "fail", message: 'Namespace "agents" has no default-deny NetworkPolicy', resources: [app(), deny("agents", { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{}] })] },
  { rule: "k8s-netpol-default-deny", name: "egress: [] without policyTypes isolates ingress only (API server default)", expect: "fail", message: 'Namespace "agents" has no default-deny', resources: [app(), deny("agents", { podSelector: {}, egress: [] })] },
  { rule: "k8s-netpol-default-deny", name: "policyTypes: [] defaults like unset", expect: "fail", message: 'Namespace "agents" has no default-deny', resources: [app(), deny("agents", { podSelector: {}, policyTypes: [], ingress: [], egress: [] })] },
  {
    rule: "k8s-netpol-default-deny", name: "a sibling policy with an allow-all ingress rule undoes the deny", expect: "fail", message: "spec.ingress[0] has no peers and no ports",
    resources: [app(), deny(), { type: T.networkPolicy, name: "open", props: networkPolicy("open", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] }) }],
  },
  {
    rule: "k8s-netpol-default-deny", name: "a workload policy with an allow-all egress rule", expect: "fail", message: /"open-egress" .*spec\.egress\[0\] has no peers and no ports/,
    resources: [app(), deny(), { type: T.networkPolicy, name: "open-egress", props: networkPolicy("open-egress", { podSelector: { matchLabels: { "app.kubernetes.io/name": "app" } }, policyTypes: ["Egress"], egress: [{}] }) }],
  },
  {
    rule: "k8s-netpol-default-deny", name: "a rule with ports but no peers (HTTPS to anywhere) is not allow-all", expect: "pass",
    resources: [app(), deny(), { type: T.networkPolicy, name: "https", props: networkPolicy("https", { podSelector: { matchLabels: { "app.kubernetes.io/name": "app" } }, policyTypes: ["Egress"], egress: [{ ports: [{ port: 443, protocol: "TCP" }] }] }) }],
  },
  { rule: "k8s-netpol-default-deny", name: "policy namespace unknown at preview", expect: "undecided", resources: [app(), { ...deny(), props: setPath(defaultDeny(), "metadata.namespace", UNKNOWN.string) }] },
  { rule: "k8s-netpol-coverage", name: "own policy covering ingress and egress", expect: "pass", resources: [app(), deny(), allow()] },
  {
    rule: "k8s-netpol-coverage",
    name: "two policies, one per direction (egress implied by egress rules)",
    expect: "pass",
    resources: [
      app(),
      { type: T.networkPolicy, name: "in", props: networkPolicy("in", { podSelector: { matchLabels: { "app.kubernetes.io/name": "app" } }, ingress: [] }) },
      { type: T.networkPolicy, name: "out", props: networkPolicy("out", { podSelector: { matchExpressions: [{ key: "app.kubernetes.io/instance", operator: "In", values: ["agents"] }] }, policyTypes: ["Egress"], egress: [] }) },
    ],
  },
  { rule: "k8s-netpol-coverage", name: "only the namespace default deny (no policy of its own)", expect: "fail", level: "mandatory", message: "spec.template.metadata.labels {\"app.kubernetes.io/name\":\"app\",\"app.kubernetes.io/instance\":\"agents\"} (namespace \"agents\"): no NetworkPolicy with a non-empty podSelector selects these pods", resources: [app(), deny()] },
  {
    rule: "k8s-netpol-coverage",
    name: "own policy covers Ingress only (policyTypes defaulted)",
    expect: "fail",
    message: "Egress must be covered",
    resources: [app(), { type: T.networkPolicy, name: "in", props: networkPolicy("in", { podSelector: { matchLabels: { "app.kubernetes.io/name": "app" } }, ingress: [] }) }],
  },
  { rule: "k8s-netpol-coverage", name: "policy in another namespace", expect: "fail", message: '(namespace "agents"): no NetworkPolicy with a non-empty podSelector selects these pods', resources: [app(), allow(undefined, "other")] },
  { rule: "k8s-netpol-coverage", name: "CronJob pods are workloads too", expect: "fail", message: 'spec.jobTemplate.spec.template.metadata.labels {"app.kubernetes.io/component":"backup"} (namespace "agents"): no NetworkPolicy', resources: [{ type: T.cronJob, name: "backup", props: setPath(cronJob(), "spec.jobTemplate.spec.template.metadata.labels", { "app.kubernetes.io/component": "backup" }) }, allow()] },
  { rule: "k8s-netpol-coverage", name: "policy selector unknown at preview", expect: "undecided", resources: [app(), allow(UNKNOWN.object as unknown as Obj)] },
  { rule: "k8s-netpol-targets-pods", name: "allow policy selects the workload; default deny always passes", expect: "pass", resources: [app(), deny(), allow()] },
  { rule: "k8s-netpol-targets-pods", name: "selector with a typo", expect: "fail", level: "advisory", message: "selects no pod template", resources: [app(), allow({ matchLabels: { "app.kubernetes.io/name": "ap" } })] },
  { rule: "k8s-netpol-targets-pods", name: "right labels, wrong namespace", expect: "fail", message: 'selects no pod template of the stack in namespace "other"', resources: [app(), allow(undefined, "other")] },
];

const services: PolicyCase[] = [
  { rule: "k8s-service-type", name: "ClusterIP", expect: "pass", resources: [svc()] },
  { rule: "k8s-service-type", name: "LoadBalancer is k8s-lb-tls' business", expect: "pass", resources: [svc({ type: "LoadBalancer" })] },
  { rule: "k8s-service-type", name: "NodePort", expect: "fail", level: "mandatory", message: 'spec.type is "NodePort"', resources: [svc({ type: "NodePort" })] },
  { rule: "k8s-service-type", name: "type unknown at preview", expect: "undecided", resources: [svc({ type: UNKNOWN.string })] },
  { rule: "k8s-lb-tls", name: "ClusterIP needs no certificate", expect: "not-applicable", reason: 'spec.type is "ClusterIP"', resources: [svc()] },
  {
    rule: "k8s-lb-tls",
    name: "LoadBalancer with an ACM certificate on all ports",
    expect: "pass",
    resources: [svc({ type: "LoadBalancer" }, { annotations: { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:eu-west-1:123456789012:certificate/x" } })],
  },
  { rule: "k8s-lb-tls", name: "LoadBalancer without a certificate", expect: "fail", level: "mandatory", message: "aws-load-balancer-ssl-cert\"] is unset", resources: [svc({ type: "LoadBalancer" })] },
  {
    rule: "k8s-lb-tls",
    name: "ssl-ports leaves a port in plaintext",
    expect: "fail",
    message: 'spec.ports[1] (port 80, "plain")',
    resources: [svc(
      { type: "LoadBalancer", ports: [{ name: "https", port: 443, targetPort: "http" }, { name: "plain", port: 80, targetPort: "http" }] },
      { annotations: { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:eu-west-1:123456789012:certificate/x", "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443" } },
    )],
  },
  { rule: "k8s-service-external-ips", name: "no externalIPs", expect: "pass", resources: [svc()] },
  { rule: "k8s-service-external-ips", name: "externalIPs set", expect: "fail", level: "mandatory", message: 'spec.externalIPs is ["203.0.113.10"]', resources: [svc({ externalIPs: ["203.0.113.10"] })] },
  { rule: "k8s-service-targets-pods", name: "selects the Deployment's pods", expect: "pass", resources: [app(), svc()] },
  { rule: "k8s-service-targets-pods", name: "selector-less Service (endpoints by hand)", expect: "pass", resources: [svc({ selector: undefined })] },
  { rule: "k8s-service-targets-pods", name: "selector matches nothing", expect: "fail", level: "advisory", message: "selects no pod template", resources: [app(), svc({ selector: { "app.kubernetes.io/name": "api" } })] },
  { rule: "k8s-service-targets-pods", name: "pods in another namespace", expect: "fail", message: 'selects no pod template of the stack in namespace "agents"; the Service has no endpoints', resources: [app(setPath(deployment(), "metadata.namespace", "other")), svc()] },
];

const ALB = "alb.ingress.kubernetes.io/";
const ingress = (props: Obj, links = false): FixtureResource => ({ type: T.ingress, name: "app-ing", props, ...(links ? { propertyDependencies: { spec: ["app-svc"] } } : {}) });

const ingresses: PolicyCase[] = [
  { rule: "k8s-ingress-tls", name: "ALB: HTTPS listener, ACM certificate, HTTP redirected (the program's prod Ingress)", expect: "pass", resources: [ingress(albIngress())] },
  { rule: "k8s-ingress-tls", name: "ALB: HTTPS only, listen-ports defaulted by the certificate", expect: "pass", resources: [ingress(albIngress({ [`${ALB}listen-ports`]: undefined, [`${ALB}ssl-redirect`]: undefined }))] },
  { rule: "k8s-ingress-tls", name: "nginx: spec.tls covers the host, redirect on (the program's other Ingress)", expect: "pass", resources: [ingress(nginxIngress())] },
  { rule: "k8s-ingress-tls", name: "wildcard TLS host covers one label", expect: "pass", resources: [ingress(nginxIngress({}, { tls: [{ hosts: ["*.example.com"], secretName: "wild" }], rules: [{ host: "agents.example.com" }] }))] },
  { rule: "k8s-ingress-tls", name: "ALB: HTTP listener without ssl-redirect", expect: "fail", level: "mandatory", message: "ssl-redirect\"] is unset", resources: [ingress(albIngress({ [`${ALB}ssl-redirect`]: undefined }))] },
  { rule: "k8s-ingress-tls", name: "ALB: HTTP only", expect: "fail", message: "no HTTPS listener", resources: [ingress(albIngress({ [`${ALB}listen-ports`]: '[{"HTTP": 80}]' }))] },
  {
    rule: "k8s-ingress-tls",
    name: "ALB: no certificate at all, so the default listener is HTTP",
    expect: "fail",
    message: "no HTTPS listener",
    resources: [ingress(albIngress({ [`${ALB}listen-ports`]: undefined, [`${ALB}certificate-arn`]: undefined }, { tls: undefined }))],
  },
  { rule: "k8s-ingress-tls", name: "ALB: listen-ports is not a list", expect: "fail", message: "not a JSON list", resources: [ingress(albIngress({ [`${ALB}listen-ports`]: "HTTPS:443" }))] },
  { rule: "k8s-ingress-tls", name: "nginx: no spec.tls", expect: "fail", message: "spec.tls is unset", resources: [ingress(nginxIngress({}, { tls: undefined }))] },
  { rule: "k8s-ingress-tls", name: "nginx: a rule host outside spec.tls", expect: "fail", message: '["api.example.com"] are not in spec.tls', resources: [ingress(nginxIngress({}, { rules: [{ host: "agents.example.com" }, { host: "api.example.com" }] }))] },
  { rule: "k8s-ingress-tls", name: "nginx: wildcard does not cover two labels", expect: "fail", message: 'host(s) ["a.b.example.com"] are not in spec.tls[*].hosts ["*.example.com"]', resources: [ingress(nginxIngress({}, { tls: [{ hosts: ["*.example.com"] }], rules: [{ host: "a.b.example.com" }] }))] },
  { rule: "k8s-ingress-tls", name: "nginx: ssl-redirect turned off", expect: "fail", message: 'ssl-redirect"] is "false"', resources: [ingress(nginxIngress({ "nginx.ingress.kubernetes.io/ssl-redirect": "false" }))] },
  { rule: "k8s-ingress-tls", name: "certificate unknown at preview", expect: "undecided", resources: [ingress(albIngress({ [`${ALB}certificate-arn`]: UNKNOWN.string }))] },
  { rule: "k8s-ingress-nginx-snippets", name: "no snippets", expect: "pass", resources: [ingress(nginxIngress())] },
  { rule: "k8s-ingress-nginx-snippets", name: "configuration-snippet", expect: "fail", level: "mandatory", message: "configuration-snippet", resources: [ingress(nginxIngress({ "nginx.ingress.kubernetes.io/configuration-snippet": "more_set_headers \"X: y\";" }))] },
  { rule: "k8s-ingress-targets-service", name: "backend linked to the Service, port by name", expect: "pass", resources: [svc({}, { name: "app" }), ingress(albIngress(), true)] },
  { rule: "k8s-ingress-targets-service", name: "backend found by name, port by number", expect: "pass", resources: [svc(), ingress(nginxIngress())] },
  {
    rule: "k8s-ingress-targets-service",
    name: "backend name unknown at preview but linked",
    expect: "pass",
    resources: [svc(), ingress(setPath(albIngress(), "spec.rules.0.http.paths.0.backend.service.name", UNKNOWN.string), true)],
  },
  { rule: "k8s-ingress-targets-service", name: "no such Service", expect: "fail", level: "advisory", message: 'spec.rules[0].http.paths[0].backend.service.name "app" is not a Service', resources: [ingress(nginxIngress())] },
  { rule: "k8s-ingress-targets-service", name: "Service in another namespace", expect: "fail", message: 'backend.service.name "app" is not a Service of the stack in namespace "agents"', resources: [svc({}, { namespace: "other" }), ingress(nginxIngress(), true)] },
  { rule: "k8s-ingress-targets-service", name: "port the Service does not expose", expect: "fail", message: "is not a port of Service", resources: [svc(), ingress(setPath(nginxIngress(), "spec.rules.0.http.paths.0.backend.service.port", { number: 8080 }))] },
  {
    rule: "k8s-ingress-targets-service",
    name: "backend name unknown and not linked",
    expect: "undecided",
    resources: [svc(), ingress(setPath(nginxIngress(), "spec.rules.0.http.paths.0.backend.service.name", UNKNOWN.string))],
  },
];

const cronJobs: PolicyCase[] = [
  { rule: "k8s-cronjob-backup", name: "deadline, OnFailure, Forbid, no TTL", expect: "pass", resources: [{ type: T.cronJob, name: "backup", props: cronJob() }] },
  { rule: "k8s-cronjob-backup", name: "no startingDeadlineSeconds", expect: "fail", level: "advisory", message: "spec.startingDeadlineSeconds is unset", resources: [{ type: T.cronJob, name: "backup", props: setPath(cronJob(), "spec.startingDeadlineSeconds", undefined) }] },
  { rule: "k8s-cronjob-backup", name: "concurrencyPolicy unset (Allow)", expect: "fail", message: "unset (Allow)", resources: [{ type: T.cronJob, name: "backup", props: setPath(cronJob(), "spec.concurrencyPolicy", undefined) }] },
  { rule: "k8s-cronjob-backup", name: "concurrencyPolicy Replace", expect: "fail", message: '"Replace"', resources: [{ type: T.cronJob, name: "backup", props: setPath(cronJob(), "spec.concurrencyPolicy", "Replace") }] },
  { rule: "k8s-cronjob-backup", name: "restartPolicy Always", expect: "fail", message: 'restartPolicy is "Always"', resources: [{ type: T.cronJob, name: "backup", props: setPath(cronJob(), "spec.jobTemplate.spec.template.spec.restartPolicy", "Always") }] },
  { rule: "k8s-cronjob-backup", name: "TTL on the CronJob's Jobs", expect: "fail", message: "ttlSecondsAfterFinished is 3600", resources: [{ type: T.cronJob, name: "backup", props: setPath(cronJob(), "spec.jobTemplate.spec.ttlSecondsAfterFinished", 3600) }] },
  { rule: "k8s-cronjob-backup", name: "deadline unknown at preview", expect: "undecided", resources: [{ type: T.cronJob, name: "backup", props: setPath(cronJob(), "spec.startingDeadlineSeconds", UNKNOWN.number) }] },
];

const unknowns: PolicyCase[] = [
  { rule: "k8s-netpol-targets-pods", name: "pod labels unknown at preview", expect: "undecided", resources: [app(setPath(deployment(), "spec.template.metadata.labels", UNKNOWN.object)), allow()] },
  { rule: "k8s-lb-tls", name: "certificate annotation unknown at preview", expect: "undecided", resources: [svc({ type: "LoadBalancer" }, { annotations: { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": UNKNOWN.string } })] },
  { rule: "k8s-service-external-ips", name: "externalIPs unknown at preview", expect: "undecided", resources: [svc({ externalIPs: UNKNOWN.array })] },
  { rule: "k8s-service-targets-pods", name: "selector unknown at preview", expect: "undecided", resources: [app(), svc({ selector: UNKNOWN.object })] },
  { rule: "k8s-ingress-nginx-snippets", name: "a snippet whose value is unknown at preview is decided by its key", expect: "fail", message: "server-snippet", resources: [ingress(nginxIngress({ "nginx.ingress.kubernetes.io/server-snippet": UNKNOWN.string }))] },
  { rule: "k8s-ingress-nginx-snippets", name: "annotations unknown at preview", expect: "undecided", resources: [ingress(setPath(nginxIngress(), "metadata.annotations", UNKNOWN.object))] },
];

export const workloadNetworkCases: PolicyCase[] = [...netpols, ...services, ...ingresses, ...cronJobs, ...unknowns];
