// kube-score's default checks (zegl/kube-score@v1.20.0: the checks `Register*Check` registers, not the
// `RegisterOptional*` ones), ported from their Go source line for line, for the kinds the platform renders:
// pods of workloads, Deployments, CronJobs, NetworkPolicies, PDBs, HPAs, Services. A finding is a check graded
// CRITICAL or WARNING, what `kube-score score` reports as failing; skipped and OK (and ALMOST OK) checks are not.
// Sources (all at v1.20.0): score/container/container.go, score/security/security.go, score/probes/probes.go,
// score/networkpolicy/networkpolicy.go, score/apps/apps.go, score/deployment/deployment.go, score/cronjob/cronjob.go,
// score/disruptionbudget/disruptionbudget.go, score/hpa/hpa.go, score/service/service.go,
// score/podtopologyspreadconstraints/podtopologyspreadconstraints.go. Not ported (they cannot fire on what the
// platform renders, or need data the manifests lack): StatefulSet checks (no StatefulSet in prod), Ingress targets
// Service, Label values, Stable version; docs/peer-checkers.md lists them.
import { containersOf, podTemplateOf, type K8sObject, type PeerFinding } from "./model";

export const KUBE_SCORE_VERSION = "v1.20.0";
type Raw = Record<string, unknown>;
type Grade = "CRITICAL" | "WARNING" | "OK" | "SKIPPED";
/** kube-score's --min-replicas-deployment and --min-replicas-hpa defaults (cmd/kube-score/main.go). */
const MIN_REPLICAS = 2;

const map = (v: unknown): Raw => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Raw) : {});
const list = (v: unknown): Raw[] => (Array.isArray(v) ? (v as Raw[]) : []);
const labelsOf = (o: unknown): Record<string, string> => map(map(map(o)["metadata"])["labels"]) as Record<string, string>;

/** metav1.LabelSelectorAsSelector(...).Matches(labels). */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  const s = map(selector);
  const byLabel = Object.entries(map(s["matchLabels"])).every(([k, v]) => labels[k] === v);
  const byExpression = list(s["matchExpressions"]).every((e) => {
    const key = String(e["key"]);
    const values = list(e["values"]) as unknown as string[];
    switch (e["operator"]) {
      case "In": return key in labels && values.includes(labels[key] as string);
      case "NotIn": return !(key in labels) || !values.includes(labels[key] as string);
      case "Exists": return key in labels;
      case "DoesNotExist": return !(key in labels);
      default: return false;
    }
  });
  return byLabel && byExpression;
}

/** score/internal/labelselector.go LabelSelectorMatchesLabels: a matchLabels selector (empty: everything). */
const selects = (selector: unknown, labels: Record<string, string>): boolean => selectorMatches({ matchLabels: map(selector) }, labels);

/** core/v1 resource.Quantity IsZero, for the values the manifests carry. */
const isZero = (q: unknown): boolean => q === undefined || q === null || q === 0 || (typeof q === "string" && (q === "" || /^0+(\.0+)?[a-zA-Z]*$/.test(q)));
const str = (v: unknown): string => (typeof v === "string" ? v : "");

function podChecks(o: K8sObject, all: K8sObject[]): [string, Grade][] {
  const template = podTemplateOf(o) ?? {};
  const spec = map(template["spec"]);
  const containers = containersOf(o).map((c) => c.container);
  const ns = o.metadata.namespace;
  const labels = labelsOf(template);
  const out: [string, Grade][] = [];
  const sc = (c: Raw) => map(c["securityContext"]);
  const limits = (c: Raw) => map(map(c["resources"])["limits"]);
  const requests = (c: Raw) => map(map(c["resources"])["requests"]);
  const tag = (image: unknown) => { const parts = String(image).split(":"); return parts.length > 1 ? parts.at(-1) as string : ""; };

  // container.go containerResources (CPU and memory limits required by default).
  const missingLimit = containers.some((c) => isZero(limits(c)["cpu"]) || isZero(limits(c)["memory"]));
  const missingRequest = containers.some((c) => isZero(requests(c)["cpu"]) || isZero(requests(c)["memory"]));
  out.push(["Container Resources", containers.length === 0 || missingLimit ? "CRITICAL" : missingRequest ? "WARNING" : "OK"]);
  out.push(["Container Image Tag", containers.some((c) => ["", "latest"].includes(tag(c["image"]))) ? "CRITICAL" : "OK"]);
  out.push(["Container Image Pull Policy", containers.some((c) => {
    const policy = (c["imagePullPolicy"] as string | undefined) ?? "";
    if (policy === "" && ["", "latest"].includes(tag(c["image"]))) return false;
    return policy !== "Always";
  }) ? "CRITICAL" : "OK"]);
  const ephemeralLimit = containers.some((c) => isZero(limits(c)["ephemeral-storage"]));
  const ephemeralRequest = containers.some((c) => isZero(requests(c)["ephemeral-storage"]));
  out.push(["Container Ephemeral Storage Request and Limit", containers.length === 0 || ephemeralLimit ? "CRITICAL" : ephemeralRequest ? "WARNING" : "OK"]);
  out.push(["Environment Variable Key Duplication", containers.some((c) => { const names = list(c["env"]).map((e) => e["name"]); return new Set(names).size !== names.length; }) ? "CRITICAL" : "OK"]);

  // security.go
  const podSc = spec["securityContext"] === undefined ? undefined : map(spec["securityContext"]);
  out.push(["Container Security Context User Group ID", containers.some((c) => {
    if (c["securityContext"] === undefined && podSc === undefined) return true;
    const uid = sc(c)["runAsUser"] ?? podSc?.["runAsUser"];
    const gid = sc(c)["runAsGroup"] ?? podSc?.["runAsGroup"];
    return typeof uid !== "number" || uid < 10000 || typeof gid !== "number" || gid < 10000;
  }) ? "CRITICAL" : "OK"]);
  out.push(["Container Security Context Privileged", containers.some((c) => sc(c)["privileged"] === true) ? "CRITICAL" : "OK"]);
  out.push(["Container Security Context ReadOnlyRootFilesystem", containers.some((c) => c["securityContext"] === undefined || sc(c)["readOnlyRootFilesystem"] !== true) ? "CRITICAL" : "OK"]);

  // networkpolicy.go podHasNetworkPolicy
  let ingress = false;
  let egress = false;
  for (const np of all.filter((x) => x.kind === "NetworkPolicy" && x.metadata.namespace === ns)) {
    if (!selectorMatches(np.spec?.["podSelector"], labels)) continue;
    const types = list(np.spec?.["policyTypes"]) as unknown as string[];
    if (types.length === 0) { ingress = true; if (list(np.spec?.["egress"]).length > 0) egress = true; }
    if (types.includes("Ingress")) ingress = true;
    if (types.includes("Egress")) egress = true;
  }
  out.push(["Pod NetworkPolicy", ingress && egress ? "OK" : ingress || egress ? "WARNING" : "CRITICAL"]);

  // probes.go: Jobs and CronJobs are OK; pods no Service targets are skipped.
  const batch = o.apiVersion.startsWith("batch/") && (o.kind === "Job" || o.kind === "CronJob");
  const targeted = all.some((s) => s.kind === "Service" && s.metadata.namespace === ns && selects(s.spec?.["selector"], labels));
  if (!batch && targeted) {
    out.push(["Pod Probes", containers.some((c) => c["readinessProbe"] !== undefined) ? "OK" : "CRITICAL"]);
  }
  if (!batch) {
    const identical = containers.some((c) => c["readinessProbe"] !== undefined && c["livenessProbe"] !== undefined && probesIdentical(map(c["readinessProbe"]), map(c["livenessProbe"])));
    out.push(["Pod Probes Identical", identical ? "CRITICAL" : "OK"]);
  }

  // podtopologyspreadconstraints.go
  const spreads = list(spec["topologySpreadConstraints"]);
  out.push(["Pod Topology Spread Constraints", spreads.some((s) => s["labelSelector"] === undefined || !s["maxSkew"] || s["minDomains"] === 0 || !s["topologyKey"] || !["DoNotSchedule", "ScheduleAnyway"].includes(String(s["whenUnsatisfiable"]))) ? "CRITICAL" : "OK"]);
  return out;
}

/** probes.go areProbesIdentical: same HTTP path and port, same TCP port, or same exec command. */
function probesIdentical(r: Raw, l: Raw): boolean {
  if (r["httpGet"] && l["httpGet"]) return map(r["httpGet"])["path"] === map(l["httpGet"])["path"] && map(r["httpGet"])["port"] === map(l["httpGet"])["port"];
  if (r["tcpSocket"] && l["tcpSocket"]) return map(r["tcpSocket"])["port"] === map(l["tcpSocket"])["port"];
  if (r["exec"] && l["exec"]) return JSON.stringify(map(r["exec"])["command"]) === JSON.stringify(map(l["exec"])["command"]);
  return false;
}

function deploymentChecks(d: K8sObject, all: K8sObject[]): [string, Grade][] {
  const ns = d.metadata.namespace;
  const replicas = d.spec?.["replicas"] as number | undefined;
  const labels = labelsOf(d.spec?.["template"]);
  const hpa = all.find((h) => h.kind === "HorizontalPodAutoscaler" && h.metadata.namespace === ns && map(h.spec?.["scaleTargetRef"])["kind"] === d.kind && map(h.spec?.["scaleTargetRef"])["name"] === d.metadata.name);
  const targeted = all.some((s) => s.kind === "Service" && s.metadata.namespace === ns && selects(s.spec?.["selector"], labels));
  const out: [string, Grade][] = [];
  // apps.go deploymentHasAntiAffinity: a preferred or required podAntiAffinity term on an approved topology key
  // (apps.go:121-129) whose selector matches the pod's own labels.
  if (replicas === undefined || replicas >= 2) {
    const anti = map(map(map(d.spec?.["template"])["spec"])["affinity"])["podAntiAffinity"];
    const keys = ["kubernetes.io/hostname", "topology.kubernetes.io/zone", "topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region"];
    const terms = [...list(map(anti)["preferredDuringSchedulingIgnoredDuringExecution"]).map((p) => map(p["podAffinityTerm"])), ...list(map(anti)["requiredDuringSchedulingIgnoredDuringExecution"])];
    out.push(["Deployment has host PodAntiAffinity", terms.some((t) => keys.includes(String(t["topologyKey"])) && selectorMatches(t["labelSelector"], labels)) ? "OK" : "WARNING"]);
  }
  if (hpa) out.push(["Deployment targeted by HPA does not have replicas configured", replicas === undefined ? "OK" : "CRITICAL"]);
  out.push(["Deployment Pod Selector labels match template metadata labels", selectorMatches(d.spec?.["selector"], labels) ? "OK" : "CRITICAL"]);
  if (targeted) {
    const strategy = str(map(d.spec?.["strategy"])["type"]);
    out.push(["Deployment Strategy", strategy === "" || strategy === "RollingUpdate" ? "OK" : "WARNING"]);
    const hpaTargets = all.some((h) => h.kind === "HorizontalPodAutoscaler" && h.metadata.namespace === ns && map(h.spec?.["scaleTargetRef"])["apiVersion"] === d.apiVersion && map(h.spec?.["scaleTargetRef"])["kind"] === d.kind && map(h.spec?.["scaleTargetRef"])["name"] === d.metadata.name);
    if (!hpaTargets) out.push(["Deployment Replicas", (replicas ?? 1) >= MIN_REPLICAS ? "OK" : "WARNING"]);
  }
  if (replicas === undefined || replicas >= 2) {
    const pdb = all.some((p) => p.kind === "PodDisruptionBudget" && p.metadata.namespace === ns && selectorMatches(p.spec?.["selector"], labels));
    out.push(["Deployment has PodDisruptionBudget", pdb ? "OK" : "CRITICAL"]);
  }
  return out;
}

function otherChecks(o: K8sObject, all: K8sObject[]): [string, Grade][] {
  const ns = o.metadata.namespace;
  switch (o.kind) {
    case "CronJob": return [["CronJob has deadline", o.spec?.["startingDeadlineSeconds"] === undefined ? "CRITICAL" : "OK"],
      ["CronJob RestartPolicy", ["Never", "OnFailure"].includes(str(map(podTemplateOf(o)?.["spec"])["restartPolicy"])) ? "OK" : "CRITICAL"]];
    case "PodDisruptionBudget": return [["PodDisruptionBudget has policy", o.spec?.["minAvailable"] === undefined && o.spec?.["maxUnavailable"] === undefined ? "CRITICAL" : "OK"]];
    case "HorizontalPodAutoscaler": {
      const ref = map(o.spec?.["scaleTargetRef"]);
      const target = all.some((t) => t.apiVersion === ref["apiVersion"] && t.kind === ref["kind"] && t.metadata.name === ref["name"] && t.metadata.namespace === ns);
      return [["HorizontalPodAutoscaler has target", target ? "OK" : "CRITICAL"], ["HorizontalPodAutoscaler Replicas", ((o.spec?.["minReplicas"] as number | undefined) ?? 1) >= MIN_REPLICAS ? "OK" : "WARNING"]];
    }
    case "NetworkPolicy": {
      const match = all.some((p) => p.metadata.namespace === ns && podTemplateOf(p) !== undefined && selectorMatches(o.spec?.["podSelector"], labelsOf(podTemplateOf(p))));
      return [["NetworkPolicy targets Pod", match ? "OK" : "CRITICAL"]];
    }
    case "Service": {
      if (o.spec?.["type"] === "ExternalName") return [["Service Targets Pod", "OK"]];
      const match = all.some((p) => p.metadata.namespace === ns && podTemplateOf(p) !== undefined && selects(o.spec?.["selector"], labelsOf(podTemplateOf(p))));
      return [["Service Targets Pod", match ? "OK" : "CRITICAL"], ["Service Type", o.spec?.["type"] === "NodePort" ? "WARNING" : "OK"]];
    }
    default: return [];
  }
}

/** Every check's grade on every object it applies to (skipped checks are left out). */
export function kubeScoreGrades(objects: K8sObject[]): { object: string; check: string; grade: Grade }[] {
  return objects.flatMap((o) => [...(podTemplateOf(o) ? podChecks(o, objects) : []), ...(o.kind === "Deployment" ? deploymentChecks(o, objects) : []), ...otherChecks(o, objects)]
    .map(([check, grade]) => ({ object: `${o.kind}/${o.metadata.name}`, check, grade })));
}

export function runKubeScore(objects: K8sObject[]): PeerFinding[] {
  return kubeScoreGrades(objects).filter((g) => g.grade === "CRITICAL" || g.grade === "WARNING")
    .map((g) => ({ checker: "kube-score" as const, check: g.check, severity: g.grade, object: g.object }));
}
