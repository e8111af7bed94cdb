/** Cases of the §2.1 workload rules: ServiceAccounts, namespaces, resources, probes, hygiene. */
import type { PolicyCase } from "../support/cases";
import { cronJob, deployment, hardenedPodSpec, initContainer, job, pod, podSpecWith, service, serviceAccount, setPath, statefulSet, T, UNKNOWN, type Obj } from "../fixtures/k8s";

const DEP = T.deployment;
const app = (props: Obj = deployment()) => ({ type: DEP, name: "app", props });
/** The pod's ServiceAccount "app"; automount "unset" leaves the field out (the default mounts). */
const sa = (automount: unknown, name = "app", namespace = "agents") => ({ type: T.serviceAccount, name: "app-sa", props: serviceAccount(automount, name, namespace) });
/** The baseline pod without its own automountServiceAccountToken (the ServiceAccount decides). */
const inheriting = (): Obj => podSpecWith((_c, spec) => delete spec["automountServiceAccountToken"]);

const saTokenAutomount: PolicyCase[] = [
  { rule: "k8s-sa-token-automount", name: "pod false wins over a ServiceAccount that mounts (Polaris success.pod_false_serviceaccount_true)", expect: "pass", resources: [app(), sa(true)] },
  {
    rule: "k8s-sa-token-automount",
    name: "pod unset, linked ServiceAccount false (Polaris success.serviceaccount)",
    expect: "pass",
    resources: [{ ...app(deployment(inheriting())), propertyDependencies: { spec: ["app-sa"] } }, sa(false)],
  },
  { rule: "k8s-sa-token-automount", name: "pod unset, ServiceAccount false found by namespace and name", expect: "pass", resources: [app(deployment(inheriting())), sa(false)] },
  {
    rule: "k8s-sa-token-automount",
    name: "a known serviceAccountName wins over a single spec link to another ServiceAccount",
    expect: "fail",
    message: "automountServiceAccountToken unset",
    // spec depends on "other-sa" (e.g. an env value built from its name), but the pod runs as "app", which mounts.
    resources: [
      { ...app(deployment(inheriting())), propertyDependencies: { spec: ["other-sa"] } },
      { type: T.serviceAccount, name: "other-sa", props: serviceAccount(false, "other", "agents") },
      sa("unset"),
    ],
  },
  {
    rule: "k8s-sa-token-automount",
    name: "pod unset, serviceAccountName unknown at preview but linked to a ServiceAccount that sets false",
    expect: "pass",
    resources: [{ ...app(deployment(setPath(inheriting(), "serviceAccountName", UNKNOWN.string))), propertyDependencies: { spec: ["app-sa"] } }, sa(false)],
  },
  {
    rule: "k8s-sa-token-automount",
    name: "a workload in apiClients may mount the token",
    expect: "pass",
    config: { apiClients: ["agents/app"] },
    resources: [app(deployment(setPath(hardenedPodSpec(), "automountServiceAccountToken", true)))],
  },
  {
    rule: "k8s-sa-token-automount",
    name: "pod true overrides a ServiceAccount false (Polaris failure.pod_true_serviceaccount_false)",
    expect: "fail",
    message: "spec.template.spec.automountServiceAccountToken is true",
    resources: [app(deployment(setPath(hardenedPodSpec(), "automountServiceAccountToken", true))), sa(false)],
  },
  { rule: "k8s-sa-token-automount", name: "pod unset and ServiceAccount unset: the default mounts (Polaris failure.uses_defaults)", expect: "fail", message: "automountServiceAccountToken unset", resources: [app(deployment(inheriting())), sa("unset")] },
  {
    rule: "k8s-sa-token-automount",
    name: "pod unset and its ServiceAccount (\"default\") is not in the stack",
    expect: "fail",
    message: 'ServiceAccount "default"',
    resources: [app(deployment(setPath(inheriting(), "serviceAccountName", undefined)))],
  },
  {
    rule: "k8s-sa-token-automount",
    name: "a ServiceAccount of the same name in another namespace does not count",
    expect: "fail",
    message: "not part of the stack",
    resources: [app(deployment(inheriting())), sa(false, "app", "other")],
  },
  {
    rule: "k8s-sa-token-automount",
    name: "CronJob pod template: pod unset, ServiceAccount true",
    expect: "fail",
    message: "spec.jobTemplate.spec.template.spec.automountServiceAccountToken is unset",
    resources: [{ type: T.cronJob, name: "backup", props: cronJob(inheriting()) }, sa(true)],
  },
  { rule: "k8s-sa-token-automount", name: "bare Pod with the token mounted explicitly", expect: "fail", message: /^spec\.automountServiceAccountToken is true/m, resources: [{ type: T.pod, name: "app", props: pod(setPath(hardenedPodSpec(), "automountServiceAccountToken", true)) }] },
  { rule: "k8s-sa-token-automount", name: "pod value unknown at preview", expect: "undecided", resources: [app(deployment(setPath(hardenedPodSpec(), "automountServiceAccountToken", UNKNOWN.boolean))), sa(false)] },
  {
    rule: "k8s-sa-token-automount",
    name: "pod unset, serviceAccountName unknown and no link",
    expect: "undecided",
    resources: [app(deployment(setPath(inheriting(), "serviceAccountName", UNKNOWN.string))), sa(false)],
  },
];

const dedicatedServiceAccount: PolicyCase[] = [
  { rule: "k8s-dedicated-service-account", name: "serviceAccountName names its own account", expect: "pass", resources: [app()] },
  { rule: "k8s-dedicated-service-account", name: "deprecated serviceAccount field naming its own account", expect: "pass", resources: [app(deployment(setPath(setPath(hardenedPodSpec(), "serviceAccountName", undefined), "serviceAccount", "app")))] },
  { rule: "k8s-dedicated-service-account", name: "serviceAccountName unset (the namespace default)", expect: "fail", level: "advisory", message: "serviceAccountName is unset", resources: [app(deployment(setPath(hardenedPodSpec(), "serviceAccountName", undefined)))] },
  { rule: "k8s-dedicated-service-account", name: "serviceAccountName explicitly \"default\"", expect: "fail", message: 'spec.template.spec.serviceAccountName is "default"', resources: [app(deployment(setPath(hardenedPodSpec(), "serviceAccountName", "default")))] },
  { rule: "k8s-dedicated-service-account", name: "Job path checked", expect: "fail", message: "spec.template.spec.serviceAccountName", resources: [{ type: T.job, name: "migrate", props: job(setPath(hardenedPodSpec(), "serviceAccountName", undefined)) }] },
  { rule: "k8s-dedicated-service-account", name: "serviceAccountName unknown at preview", expect: "undecided", resources: [app(deployment(setPath(hardenedPodSpec(), "serviceAccountName", UNKNOWN.string)))] },
];

const noDefaultNamespace: PolicyCase[] = [
  { rule: "k8s-no-default-namespace", name: "explicit namespace", expect: "pass", resources: [app(), { type: T.service, name: "svc", props: service() }] },
  { rule: "k8s-no-default-namespace", name: "namespace unset: Pulumi uses the provider's default", expect: "fail", message: "provider's default namespace", resources: [app(setPath(deployment(), "metadata.namespace", undefined))] },
  { rule: "k8s-no-default-namespace", name: "namespace \"default\"", expect: "fail", message: 'metadata.namespace is "default"', resources: [app(setPath(deployment(), "metadata.namespace", "default"))] },
  { rule: "k8s-no-default-namespace", name: "a Service counts too", expect: "fail", message: 'metadata.namespace is "default"', resources: [{ type: T.service, name: "svc", props: service({}, { namespace: "default" }) }] },
  { rule: "k8s-no-default-namespace", name: "a ConfigMap without namespace", expect: "fail", message: "metadata.namespace is unset", resources: [{ type: T.configMap, name: "cm", props: { metadata: { name: "cm" }, data: { a: "b" } } }] },
  { rule: "k8s-no-default-namespace", name: "namespace unknown at preview (the Namespace's output)", expect: "undecided", resources: [app(setPath(deployment(), "metadata.namespace", UNKNOWN.string))] },
];

const withoutResource = (path: string) => podSpecWith((c) => {
  const [kind, key] = path.split(".") as [string, string];
  delete ((c["resources"] as Obj)[kind] as Obj)[key];
});

const resources: PolicyCase[] = [
  { rule: "k8s-resources", name: "requests and limits on every container", expect: "pass", resources: [app()] },
  {
    rule: "k8s-resources",
    name: "an ephemeral container without resources (the API forbids them there)",
    expect: "pass",
    resources: [{ type: T.pod, name: "app", props: pod(podSpecWith((_c, spec) => (spec["ephemeralContainers"] = [initContainer("debug", (d) => delete d["resources"])]))) }],
  },
  { rule: "k8s-resources", name: "requests.cpu missing", expect: "fail", message: "resources.requests.cpu is unset", resources: [app(deployment(withoutResource("requests.cpu")))] },
  { rule: "k8s-resources", name: "requests.memory missing", expect: "fail", message: "resources.requests.memory is unset", resources: [app(deployment(withoutResource("requests.memory")))] },
  { rule: "k8s-resources", name: "limits.memory missing", expect: "fail", message: "resources.limits.memory is unset", resources: [app(deployment(withoutResource("limits.memory")))] },
  { rule: "k8s-resources", name: "limits.memory empty string", expect: "fail", message: 'resources.limits.memory is ""', resources: [app(deployment(podSpecWith((c) => (((c["resources"] as Obj)["limits"] as Obj)["memory"] = ""))))] },
  {
    rule: "k8s-resources",
    name: "init container without resources",
    expect: "fail",
    message: 'initContainers[0] "migrate": resources.requests.cpu is unset, resources.requests.memory is unset, resources.limits.memory is unset',
    resources: [app(deployment(podSpecWith((_c, spec) => (spec["initContainers"] = [initContainer("migrate", (i) => delete i["resources"])]))))],
  },
  { rule: "k8s-resources", name: "CronJob path checked", expect: "fail", message: "spec.jobTemplate.spec.template.spec.containers[0]", resources: [{ type: T.cronJob, name: "backup", props: cronJob(withoutResource("requests.memory")) }] },
  { rule: "k8s-resources", name: "a limit unknown at preview (config output)", expect: "undecided", resources: [app(deployment(podSpecWith((c) => (((c["resources"] as Obj)["limits"] as Obj)["memory"] = UNKNOWN.string))))] },
  { rule: "k8s-cpu-limit", name: "limits.cpu set", expect: "pass", resources: [app()] },
  { rule: "k8s-cpu-limit", name: "limits.cpu missing (advisory)", expect: "fail", level: "advisory", message: "resources.limits.cpu is unset", resources: [app(deployment(withoutResource("limits.cpu")))] },
  { rule: "k8s-ephemeral-storage", name: "ephemeral-storage request and limit set", expect: "pass", resources: [app()] },
  { rule: "k8s-ephemeral-storage", name: "ephemeral-storage limit missing", expect: "fail", level: "advisory", message: "resources.limits.ephemeral-storage is unset", resources: [app(deployment(withoutResource("limits.ephemeral-storage")))] },
];

const probe = (field: string, value: unknown) => podSpecWith((c) => (value === undefined ? delete c[field] : (c[field] = value)));

const probes: PolicyCase[] = [
  { rule: "k8s-readiness-probe", name: "readinessProbe on the container", expect: "pass", resources: [app()] },
  { rule: "k8s-readiness-probe", name: "init containers need none", expect: "pass", resources: [app(deployment(podSpecWith((_c, spec) => (spec["initContainers"] = [initContainer("migrate")]))))] },
  { rule: "k8s-readiness-probe", name: "readinessProbe missing", expect: "fail", level: "mandatory", message: 'containers[0] "app": readinessProbe is unset', resources: [app(deployment(probe("readinessProbe", undefined)))] },
  { rule: "k8s-readiness-probe", name: "readinessProbe without a handler", expect: "fail", message: "no httpGet, tcpSocket, exec or grpc handler", resources: [app(deployment(probe("readinessProbe", { periodSeconds: 5 })))] },
  { rule: "k8s-readiness-probe", name: "StatefulSet checked", expect: "fail", message: 'containers[0] "app": readinessProbe is unset', resources: [{ type: T.statefulSet, name: "db", props: statefulSet(probe("readinessProbe", undefined)) }] },
  { rule: "k8s-readiness-probe", name: "probe unknown at preview", expect: "undecided", resources: [app(deployment(probe("readinessProbe", UNKNOWN.object)))] },
  { rule: "k8s-liveness-probe", name: "livenessProbe on the container", expect: "pass", resources: [app()] },
  { rule: "k8s-liveness-probe", name: "livenessProbe missing (advisory)", expect: "fail", level: "advisory", message: "livenessProbe is unset", resources: [app(deployment(probe("livenessProbe", undefined)))] },
  { rule: "k8s-probes-distinct", name: "readiness httpGet, liveness tcpSocket", expect: "pass", resources: [app()] },
  {
    rule: "k8s-probes-distinct",
    name: "same handler kind on different paths",
    expect: "pass",
    resources: [app(deployment(probe("livenessProbe", { httpGet: { path: "/v1/health/", port: "http" } })))].map((r) => ({ ...r, props: setPath(r.props, "spec.template.spec.containers.0.readinessProbe", { httpGet: { path: "/v1/ready/", port: "http" } }) })),
  },
  { rule: "k8s-probes-distinct", name: "identical httpGet path and port", expect: "fail", level: "advisory", message: 'httpGet "/v1/health/" on port "http"', resources: [app(deployment(probe("livenessProbe", { httpGet: { path: "/v1/health/", port: "http" }, periodSeconds: 20 })))] },
  {
    rule: "k8s-probes-distinct",
    name: "identical exec command with different timing is still the same check (kube-score)",
    expect: "fail",
    message: 'readinessProbe and livenessProbe both run exec ["pg_isready"]',
    resources: [{
      type: T.statefulSet,
      name: "db",
      props: statefulSet(podSpecWith((c) => {
        c["readinessProbe"] = { exec: { command: ["pg_isready"] }, periodSeconds: 10 };
        c["livenessProbe"] = { exec: { command: ["pg_isready"] }, periodSeconds: 20 };
      })),
    }],
  },
];

const hygiene: PolicyCase[] = [
  { rule: "k8s-selector-matches-template", name: "matchLabels subset of the template labels", expect: "pass", resources: [app()] },
  {
    rule: "k8s-selector-matches-template",
    name: "matchExpressions In and DoesNotExist",
    expect: "pass",
    resources: [app(setPath(deployment(), "spec.selector", { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["app", "x"] }, { key: "tier", operator: "DoesNotExist" }] }))],
  },
  { rule: "k8s-selector-matches-template", name: "a Job without a selector (generated by the API)", expect: "pass", resources: [{ type: T.job, name: "migrate", props: job() }] },
  { rule: "k8s-selector-matches-template", name: "matchLabels value differs", expect: "fail", message: "does not select spec.template.metadata.labels", resources: [app(setPath(deployment(), "spec.selector.matchLabels", { "app.kubernetes.io/name": "other" }))] },
  { rule: "k8s-selector-matches-template", name: "NotIn excludes the template's own value", expect: "fail", message: '"NotIn","values":["app"]}]} does not select spec.template.metadata.labels', resources: [app(setPath(deployment(), "spec.selector", { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "NotIn", values: ["app"] }] }))] },
  { rule: "k8s-selector-matches-template", name: "selector unknown at preview", expect: "undecided", resources: [app(setPath(deployment(), "spec.selector", UNKNOWN.object))] },
  { rule: "k8s-recommended-labels", name: "name and instance on object and pods", expect: "pass", resources: [app()] },
  { rule: "k8s-recommended-labels", name: "CronJob object without labels", expect: "fail", level: "advisory", message: /^metadata\.labels lacks "app\.kubernetes\.io\/name", "app\.kubernetes\.io\/instance"/m, resources: [{ type: T.cronJob, name: "backup", props: cronJob() }] },
  { rule: "k8s-recommended-labels", name: "configured label missing on the pod template", expect: "fail", message: 'spec.template.metadata.labels lacks "team"', config: { requiredLabels: ["team"] }, resources: [app(setPath(deployment(), "metadata.labels", { team: "ai" }))] },
  { rule: "k8s-priority-class", name: "priorityClassName set", expect: "pass", resources: [app(deployment(setPath(hardenedPodSpec(), "priorityClassName", "serving")))] },
  { rule: "k8s-priority-class", name: "priorityClassName unset", expect: "fail", level: "advisory", message: "spec.template.spec.priorityClassName is unset", resources: [app()] },
  { rule: "k8s-no-ssh-port", name: "application port 8283", expect: "pass", resources: [app()] },
  { rule: "k8s-no-ssh-port", name: "containerPort 22", expect: "fail", message: "containerPort is 22", resources: [app(deployment(podSpecWith((c) => (c["ports"] = [{ name: "ssh", containerPort: 22 }]))))] },
  { rule: "k8s-privileged-ports", name: "unprivileged port", expect: "pass", resources: [app()] },
  { rule: "k8s-privileged-ports", name: "containerPort 80 on an init container", expect: "fail", message: 'initContainers[0] "proxy": ports[0].containerPort is 80', resources: [app(deployment(podSpecWith((_c, spec) => (spec["initContainers"] = [initContainer("proxy", (i) => (i["ports"] = [{ containerPort: 80 }]))]))))] },
];

/** Each rule meets a value it needs that is unknown at preview: an advisory "can't run", never a silent pass. */
const unknowns: PolicyCase[] = [
  { rule: "k8s-cpu-limit", name: "limits.cpu unknown at preview", expect: "undecided", resources: [app(deployment(podSpecWith((c) => (((c["resources"] as Obj)["limits"] as Obj)["cpu"] = UNKNOWN.string))))] },
  { rule: "k8s-ephemeral-storage", name: "resources unknown at preview", expect: "undecided", resources: [app(deployment(podSpecWith((c) => (c["resources"] = UNKNOWN.object))))] },
  { rule: "k8s-liveness-probe", name: "livenessProbe unknown at preview", expect: "undecided", resources: [app(deployment(probe("livenessProbe", UNKNOWN.object)))] },
  { rule: "k8s-probes-distinct", name: "liveness path unknown at preview", expect: "undecided", resources: [app(deployment(probe("livenessProbe", { httpGet: { path: UNKNOWN.string, port: "http" } })))].map((r) => ({ ...r, props: setPath(r.props, "spec.template.spec.containers.0.readinessProbe", { httpGet: { path: "/v1/ready/", port: "http" } }) })) },
  { rule: "k8s-recommended-labels", name: "labels unknown at preview", expect: "undecided", resources: [app(setPath(deployment(), "metadata.labels", UNKNOWN.object))] },
  { rule: "k8s-priority-class", name: "priorityClassName unknown at preview", expect: "undecided", resources: [app(deployment(setPath(hardenedPodSpec(), "priorityClassName", UNKNOWN.string)))] },
  { rule: "k8s-no-ssh-port", name: "containerPort unknown at preview", expect: "undecided", resources: [app(deployment(podSpecWith((c) => (c["ports"] = [{ containerPort: UNKNOWN.number }]))))] },
  { rule: "k8s-privileged-ports", name: "ports unknown at preview", expect: "undecided", resources: [app(deployment(podSpecWith((c) => (c["ports"] = UNKNOWN.array))))] },
];

export const workloadHardeningCases: PolicyCase[] = [...saTokenAutomount, ...dedicatedServiceAccount, ...noDefaultNamespace, ...resources, ...probes, ...hygiene, ...unknowns];
