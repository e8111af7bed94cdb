/** Cases of the §2.2 availability rules: replicas, HPAs, PDBs, spreading, rollouts. */
import type { PolicyCase } from "../support/cases";
import type { FixtureResource } from "../support/cases";
import { deployment, hardenedPodSpec, hpa, pdb, podLabels, service, setPath, spreadConstraints, statefulSet, T, UNKNOWN, type Obj } from "../fixtures/k8s";

/** A Deployment "app" with spec.replicas (undefined: unset) and spread over zones and hosts. */
function dep(replicas?: unknown, namespace = "agents"): FixtureResource {
  let props = deployment(setPath(hardenedPodSpec(), "topologySpreadConstraints", spreadConstraints()));
  if (replicas !== undefined) props = setPath(props, "spec.replicas", replicas);
  props = setPath(props, "metadata.namespace", namespace);
  return { type: T.deployment, name: "app", props };
}
const linkedHpa = (spec: Obj = {}, namespace = "agents"): FixtureResource => ({ type: T.hpa, name: "app-hpa", props: hpa(spec, namespace), propertyDependencies: { spec: ["app"] } });
const namedHpa = (spec: Obj = {}, namespace = "agents"): FixtureResource => ({ type: T.hpa, name: "app-hpa", props: hpa(spec, namespace) });
const budget = (spec: Obj = { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" }, namespace = "agents"): FixtureResource => ({ type: T.pdb, name: "app-pdb", props: pdb(spec, namespace) });
const sts = (replicas: number, extra: Obj = {}): FixtureResource => ({ type: T.statefulSet, name: "db", props: setPath(statefulSet(hardenedPodSpec(), extra), "spec.replicas", replicas) });

const replicas: PolicyCase[] = [
  { rule: "k8s-min-replicas", name: "three replicas", expect: "pass", resources: [dep(3)] },
  { rule: "k8s-min-replicas", name: "replicas unset, an HPA linked through scaleTargetRef owns the count", expect: "pass", resources: [dep(), linkedHpa()] },
  { rule: "k8s-min-replicas", name: "replicas unset, an HPA names it in the same namespace", expect: "pass", resources: [dep(), namedHpa()] },
  { rule: "k8s-min-replicas", name: "replicas unset and no HPA (1 replica)", expect: "fail", level: "mandatory", message: "spec.replicas is unset (1)", resources: [dep()] },
  { rule: "k8s-min-replicas", name: "one replica", expect: "fail", message: "spec.replicas is 1", resources: [dep(1)] },
  { rule: "k8s-min-replicas", name: "one replica in a dev stack is advisory", expect: "fail", message: "spec.replicas is 1 and no HorizontalPodAutoscaler scales the Deployment", environment: "dev", level: "advisory", resources: [dep(1)] },
  { rule: "k8s-min-replicas", name: "an HPA of the same name in another namespace does not scale it", expect: "fail", message: "spec.replicas is unset (1) and no HorizontalPodAutoscaler scales the Deployment", resources: [dep(), namedHpa({}, "other")] },
  { rule: "k8s-min-replicas", name: "configured minimum of 3", expect: "fail", config: { minReplicas: 3 }, message: "at least 3", resources: [dep(2)] },
  { rule: "k8s-min-replicas", name: "replicas unknown at preview", expect: "undecided", resources: [dep(UNKNOWN.number)] },
  { rule: "k8s-hpa-no-static-replicas", name: "HPA-scaled Deployment without replicas", expect: "pass", resources: [dep(), linkedHpa()] },
  { rule: "k8s-hpa-no-static-replicas", name: "static replicas without an HPA", expect: "pass", resources: [dep(3)] },
  // The CLI drops top-level internal keys (`__inputs` among them) from what it sends AnalyzeStack
  // (pulumi/pulumi@v3.259.0:sdk/go/common/resource/plugin/rpc.go:104, analyzer_plugin.go:350-351), so after deploy a
  // stack rule sees the live object only (metadata.uid set by the API server): its spec.replicas is the HPA's.
  {
    rule: "k8s-hpa-no-static-replicas",
    name: "after deploy: the live spec.replicas (the HPA's) is not a declaration",
    expect: "pass",
    resources: [{ ...dep(), outputs: { ...setPath(setPath(dep().props, "spec.replicas", 4), "metadata.uid", "0b5e…"), __inputs: dep().props } }, linkedHpa()],
  },
  { rule: "k8s-hpa-no-static-replicas", name: "HPA-scaled Deployment with replicas (perpetual diff)", expect: "fail", level: "advisory", message: 'spec.replicas is 3 but HorizontalPodAutoscaler "agents/app"', resources: [dep(3), linkedHpa()] },
  {
    // A known false negative: a replicas declared after the first deploy is seen only as the live count (the
    // preview of an update gives the dry-run object), so it is caught at the creation's preview only.
    rule: "k8s-hpa-no-static-replicas",
    name: "KNOWN FALSE NEGATIVE after deploy: replicas declared in __inputs (not sent) cannot be told from the live count",
    expect: "pass",
    resources: [{ ...dep(3), outputs: { ...setPath(setPath(dep().props, "spec.replicas", 4), "metadata.uid", "0b5e…"), __inputs: dep(3).props } }, linkedHpa()],
  },
  {
    rule: "k8s-hpa-no-static-replicas",
    name: "an object without metadata.uid (outputs are the inputs: the creation's preview) is judged on spec.replicas",
    expect: "fail", message: 'spec.replicas is 3 but HorizontalPodAutoscaler "agents/app" owns the count',
    resources: [{ ...dep(3), outputs: dep(3).props }, linkedHpa()],
  },
  { rule: "k8s-hpa-min-replicas", name: "minReplicas 2", expect: "pass", resources: [namedHpa()] },
  { rule: "k8s-hpa-min-replicas", name: "minReplicas unset (1)", expect: "fail", level: "mandatory", message: "spec.minReplicas is unset (1)", resources: [namedHpa({ minReplicas: undefined })] },
  { rule: "k8s-hpa-min-replicas", name: "minReplicas 1 (autoscaling/v1)", expect: "fail", message: "spec.minReplicas is 1", resources: [{ type: T.hpaV1, name: "v1", props: hpa({ minReplicas: 1 }) }] },
  { rule: "k8s-hpa-min-replicas", name: "minReplicas 1 in a dev stack is advisory", expect: "fail", message: "spec.minReplicas is 1; it must be at least 2", environment: "dev", level: "advisory", resources: [namedHpa({ minReplicas: 1 })] },
  { rule: "k8s-hpa-min-replicas", name: "minReplicas unknown at preview", expect: "undecided", resources: [namedHpa({ minReplicas: UNKNOWN.number })] },
  { rule: "k8s-hpa-max-gt-min", name: "10 above 2", expect: "pass", resources: [namedHpa()] },
  { rule: "k8s-hpa-max-gt-min", name: "max equals min", expect: "fail", level: "advisory", message: "spec.maxReplicas is 2", resources: [namedHpa({ maxReplicas: 2 })] },
  { rule: "k8s-hpa-max-gt-min", name: "max 1 with min unset (1)", expect: "fail", message: "spec.maxReplicas is 1 and spec.minReplicas unset (1)", resources: [namedHpa({ minReplicas: undefined, maxReplicas: 1 })] },
  { rule: "k8s-hpa-target-exists", name: "target linked through propertyDependencies", expect: "pass", resources: [dep(), linkedHpa()] },
  { rule: "k8s-hpa-target-exists", name: "target found by kind and name in the namespace", expect: "pass", resources: [dep(), namedHpa()] },
  {
    rule: "k8s-hpa-target-exists",
    name: "name unknown at preview but linked",
    expect: "pass",
    resources: [dep(), linkedHpa({ scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: UNKNOWN.string } })],
  },
  { rule: "k8s-hpa-target-exists", name: "name matches nothing", expect: "fail", level: "mandatory", message: 'names Deployment "api"', resources: [dep(), namedHpa({ scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" } })] },
  { rule: "k8s-hpa-target-exists", name: "target in another namespace", expect: "fail", message: 'names Deployment "app", which is not an object of this stack in namespace "agents"', resources: [dep(undefined, "other"), namedHpa()] },
  { rule: "k8s-hpa-target-exists", name: "kind differs (a StatefulSet named app does not exist)", expect: "fail", message: 'names StatefulSet "app", which is not an object of this stack', resources: [dep(), namedHpa({ scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "app" } })] },
  { rule: "k8s-hpa-target-exists", name: "a linked object of another namespace is not the target", expect: "fail", message: 'names Deployment "app", which is not an object of this stack in namespace "agents"', resources: [dep(undefined, "other"), linkedHpa()] },
  {
    rule: "k8s-hpa-target-exists",
    name: "name unknown at preview and no link",
    expect: "undecided",
    resources: [dep(), namedHpa({ scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: UNKNOWN.string } })],
  },
];

const budgets: PolicyCase[] = [
  { rule: "k8s-pdb-exists", name: "three replicas with a matching PDB", expect: "pass", resources: [dep(3), budget()] },
  { rule: "k8s-pdb-exists", name: "one replica needs none (kube-score skips)", expect: "pass", resources: [dep(1)] },
  { rule: "k8s-pdb-exists", name: "HPA-scaled with a PDB", expect: "pass", resources: [dep(), linkedHpa(), budget()] },
  {
    rule: "k8s-pdb-exists",
    name: "PDB selecting by matchExpressions",
    expect: "pass",
    resources: [dep(3), { ...budget(), props: setPath(pdb(), "spec.selector", { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "Exists" }] }) }],
  },
  { rule: "k8s-pdb-exists", name: "three replicas without a PDB", expect: "fail", level: "mandatory", message: "No PodDisruptionBudget in namespace \"agents\"", resources: [dep(3)] },
  { rule: "k8s-pdb-exists", name: "HPA-scaled (maxReplicas 10) without a PDB", expect: "fail", message: "maxReplicas 10", resources: [dep(), linkedHpa()] },
  { rule: "k8s-pdb-exists", name: "PDB in another namespace (kube-score different-namespace)", expect: "fail", message: 'No PodDisruptionBudget in namespace "agents" selects', resources: [dep(3), budget(undefined, "other")] },
  { rule: "k8s-pdb-exists", name: "PDB selector does not match (kube-score no-match)", expect: "fail", message: 'No PodDisruptionBudget in namespace "agents" selects spec.template.metadata.labels', resources: [dep(3), { ...budget(), props: setPath(pdb(), "spec.selector.matchLabels", { "app.kubernetes.io/name": "other" }) }] },
  { rule: "k8s-pdb-exists", name: "StatefulSet with three replicas", expect: "fail", message: 'selects spec.template.metadata.labels {"app.kubernetes.io/name":"app","app.kubernetes.io/instance":"agents"} of this StatefulSet (spec.replicas 3)', resources: [sts(3)] },
  { rule: "k8s-pdb-exists", name: "PDB selector unknown at preview", expect: "undecided", resources: [dep(3), { ...budget(), props: setPath(pdb(), "spec.selector", UNKNOWN.object) }] },
  { rule: "k8s-pdb-has-policy", name: "maxUnavailable", expect: "pass", resources: [budget()] },
  { rule: "k8s-pdb-has-policy", name: "no budget (kube-score no-policy)", expect: "fail", level: "advisory", message: "both unset", resources: [budget({ maxUnavailable: undefined })] },
  { rule: "k8s-pdb-has-policy", name: "both budgets", expect: "fail", message: "both set", resources: [budget({ maxUnavailable: 1, minAvailable: 1 })] },
  { rule: "k8s-pdb-allows-disruption", name: "maxUnavailable 1 (the program's server PDB)", expect: "pass", resources: [dep(), linkedHpa(), budget()] },
  { rule: "k8s-pdb-allows-disruption", name: "minAvailable 1 of 3 replicas", expect: "pass", resources: [dep(3), budget({ minAvailable: 1 })] },
  { rule: "k8s-pdb-allows-disruption", name: "minAvailable 50% of 3 (2 must stay)", expect: "pass", resources: [dep(3), budget({ minAvailable: "50%" })] },
  { rule: "k8s-pdb-allows-disruption", name: "minAvailable 2 selecting one replica in another namespace", expect: "pass", resources: [dep(1, "other"), budget({ minAvailable: 2 })] },
  { rule: "k8s-pdb-allows-disruption", name: "maxUnavailable 0", expect: "fail", level: "mandatory", message: "spec.maxUnavailable is 0", resources: [budget({ maxUnavailable: 0 })] },
  { rule: "k8s-pdb-allows-disruption", name: "maxUnavailable \"0%\"", expect: "fail", message: 'spec.maxUnavailable is "0%"', resources: [budget({ maxUnavailable: "0%" })] },
  { rule: "k8s-pdb-allows-disruption", name: "minAvailable \"100%\"", expect: "fail", message: '"100%"', resources: [budget({ maxUnavailable: undefined, minAvailable: "100%" })] },
  {
    rule: "k8s-pdb-allows-disruption",
    name: "minAvailable 1 on a single-replica StatefulSet (the program's in-cluster database)",
    expect: "fail",
    message: 'StatefulSet "agents/db" it selects runs 1 pod(s) (spec.replicas 1)',
    resources: [sts(1), budget({ maxUnavailable: undefined, minAvailable: 1 })],
  },
  {
    rule: "k8s-pdb-allows-disruption",
    name: "minAvailable 2 with an HPA minReplicas 2 (Polaris pdbMinAvailableGreaterThanHPAMinReplicas)",
    expect: "fail",
    message: "minReplicas 2",
    resources: [dep(), linkedHpa(), budget({ maxUnavailable: undefined, minAvailable: 2 })],
  },
  { rule: "k8s-pdb-allows-disruption", name: "maxUnavailable unknown at preview", expect: "undecided", resources: [budget({ maxUnavailable: UNKNOWN.number })] },
  { rule: "k8s-pdb-unhealthy-eviction", name: "AlwaysAllow", expect: "pass", resources: [budget()] },
  { rule: "k8s-pdb-unhealthy-eviction", name: "unset", expect: "fail", level: "advisory", message: "spec.unhealthyPodEvictionPolicy is unset", resources: [budget({ maxUnavailable: 1 })] },
];

const antiAffinity = (keys: string[], preferred: string[] = []): Obj => ({
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: keys.map((topologyKey) => ({ topologyKey, labelSelector: { matchLabels: { ...podLabels } } })),
    preferredDuringSchedulingIgnoredDuringExecution: preferred.map((topologyKey) => ({ weight: 100, podAffinityTerm: { topologyKey, labelSelector: { matchLabels: { ...podLabels } } } })),
  },
});
const withPod = (path: string, value: unknown, replicas: unknown = 3): FixtureResource => ({
  type: T.deployment,
  name: "app",
  props: setPath(deployment(setPath(hardenedPodSpec(), path, value)), "spec.replicas", replicas),
});

const spreading: PolicyCase[] = [
  { rule: "k8s-spread", name: "zone and host spread constraints (the program's server)", expect: "pass", resources: [dep()] },
  { rule: "k8s-spread", name: "required host anti-affinity plus preferred zone anti-affinity", expect: "pass", resources: [withPod("affinity", antiAffinity(["kubernetes.io/hostname"], ["topology.kubernetes.io/zone"]))] },
  { rule: "k8s-spread", name: "one replica needs no spreading", expect: "not-applicable", reason: "spec.replicas is 1", resources: [withPod("priorityClassName", "x", 1)] },
  { rule: "k8s-spread", name: "no spreading at all", expect: "fail", level: "advisory", message: 'uses topologyKey "kubernetes.io/hostname" or "topology.kubernetes.io/zone"', resources: [withPod("priorityClassName", "x")] },
  { rule: "k8s-spread", name: "hosts only, zones missing", expect: "fail", message: "may share a zone", resources: [withPod("affinity", antiAffinity(["kubernetes.io/hostname"]))] },
  {
    rule: "k8s-spread",
    name: "spread constraint selecting other pods",
    expect: "fail",
    message: "does not select the pod labels",
    resources: [withPod("topologySpreadConstraints", spreadConstraints().map((c) => ({ ...c, labelSelector: { matchLabels: { "app.kubernetes.io/name": "other" } } })))],
  },
  { rule: "k8s-spread", name: "invalid maxSkew 0", expect: "fail", message: "maxSkew is 0", resources: [withPod("topologySpreadConstraints", spreadConstraints().map((c) => ({ ...c, maxSkew: 0 })))] },
  { rule: "k8s-spread", name: "StatefulSet with three replicas and no spread", expect: "fail", message: 'uses topologyKey "kubernetes.io/hostname" or "topology.kubernetes.io/zone", so replicas may share a node and a zone', resources: [sts(3)] },
  { rule: "k8s-spread", name: "constraints unknown at preview", expect: "undecided", resources: [withPod("topologySpreadConstraints", UNKNOWN.array)] },
  { rule: "k8s-rolling-update", name: "strategy unset (RollingUpdate)", expect: "pass", resources: [dep()] },
  { rule: "k8s-rolling-update", name: "RollingUpdate", expect: "pass", resources: [{ ...dep(), props: setPath(dep().props, "spec.strategy", { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }) }] },
  { rule: "k8s-rolling-update", name: "Recreate", expect: "fail", level: "advisory", message: 'spec.strategy.type is "Recreate"', resources: [{ ...dep(), props: setPath(dep().props, "spec.strategy", { type: "Recreate" }) }] },
];

const headless = (extra: Obj = { clusterIP: "None" }, namespace = "agents"): FixtureResource => ({ type: T.service, name: "db-svc", props: setPath(setPath(service(extra), "metadata.name", "db"), "metadata.namespace", namespace) });

const statefulSets: PolicyCase[] = [
  { rule: "k8s-statefulset-service-name", name: "headless Service linked through serviceName", expect: "pass", resources: [{ ...sts(1), propertyDependencies: { spec: ["db-svc"] } }, headless()] },
  { rule: "k8s-statefulset-service-name", name: "headless Service found by name", expect: "pass", resources: [sts(1), headless()] },
  { rule: "k8s-statefulset-service-name", name: "Service is not headless", expect: "fail", level: "advisory", message: 'spec.clusterIP is unset', resources: [sts(1), headless({})] },
  { rule: "k8s-statefulset-service-name", name: "no such Service in the stack", expect: "fail", message: 'spec.serviceName is "db", which names no Service', resources: [sts(1)] },
  { rule: "k8s-statefulset-service-name", name: "Service in another namespace", expect: "fail", message: 'spec.serviceName is "db", which names no Service of the stack in namespace "agents"', resources: [sts(1), headless({ clusterIP: "None" }, "other")] },
  { rule: "k8s-statefulset-service-name", name: "serviceName unknown and not linked", expect: "undecided", resources: [{ ...sts(1), props: setPath(sts(1).props, "spec.serviceName", UNKNOWN.string) }, headless()] },
];

const unknowns: PolicyCase[] = [
  { rule: "k8s-hpa-no-static-replicas", name: "replicas unknown at preview", expect: "undecided", resources: [dep(UNKNOWN.number), linkedHpa()] },
  { rule: "k8s-hpa-max-gt-min", name: "maxReplicas unknown at preview", expect: "undecided", resources: [namedHpa({ maxReplicas: UNKNOWN.number })] },
  { rule: "k8s-pdb-has-policy", name: "minAvailable unknown at preview", expect: "undecided", resources: [budget({ minAvailable: UNKNOWN.number })] },
  { rule: "k8s-pdb-unhealthy-eviction", name: "policy unknown at preview", expect: "undecided", resources: [budget({ unhealthyPodEvictionPolicy: UNKNOWN.string })] },
  { rule: "k8s-rolling-update", name: "strategy unknown at preview", expect: "undecided", resources: [{ ...dep(), props: setPath(dep().props, "spec.strategy", UNKNOWN.object) }] },
];

export const workloadAvailabilityCases: PolicyCase[] = [...replicas, ...budgets, ...spreading, ...statefulSets, ...unknowns];
