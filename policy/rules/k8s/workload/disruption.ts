import { always, type ResourceRule, type StackRule } from "../../../lib/rule";
import { get, show } from "../../../lib/values";
import { PDB_TYPES, REPLICATED_TYPES } from "./lib/kinds";
import { selectorMatches, showLabels } from "./lib/selector";
import { declared, groupBy, hpasByTarget, nsOf, replicaCount, showObject, type ReplicaCount, type Workload, workloadsOf } from "./lib/stack";

const kindOf = (type: string): string => type.split(":").pop() ?? type;

export const pdbExists: StackRule = {
  kind: "stack",
  id: "k8s-pdb-exists",
  title: "Replicated workloads have a PodDisruptionBudget",
  description:
    "A Deployment or StatefulSet that can run two or more pods (spec.replicas ≥ 2, or an HPA with maxReplicas ≥ 2) is selected by a PodDisruptionBudget in its namespace.",
  severity: "medium",
  enforcement: always("mandatory"),
  references: [
    { framework: "kube-score", id: "deployment-has-poddisruptionbudget" },
    { framework: "kube-score", id: "statefulset-has-poddisruptionbudget" },
    { framework: "Polaris", id: "missingPodDisruptionBudget" },
    { framework: "Kyverno", id: "other/require-pdb" },
  ],
  remediation: "Add a PodDisruptionBudget in the workload's namespace with spec.selector equal to the workload's selector and maxUnavailable: 1.",
  targets: [...REPLICATED_TYPES, ...PDB_TYPES],
  validate(view, { report }) {
    const pdbs = groupBy(view.ofType(...PDB_TYPES), nsOf);
    const hpas = hpasByTarget(view);
    for (const w of workloadsOf(view, REPLICATED_TYPES)) {
      const count = replicaCount(w.r, hpas.get(w.r.urn) ?? []);
      if (count.max < 2) continue;
      const selected = (pdbs.get(w.ns) ?? []).some((p) => selectorMatches(get(declared(p), "spec.selector"), w.labels));
      if (!selected) {
        report(`No PodDisruptionBudget in namespace "${w.ns || "<provider default>"}" selects ${w.labelsPath} ${showLabels(w.labels)} of this ${kindOf(w.r.type)} (${count.via}); a node drain may evict every replica at once. Add one with maxUnavailable: 1.`, w.r.urn);
      }
    }
  },
};

export const pdbHasPolicy: ResourceRule = {
  kind: "resource",
  id: "k8s-pdb-has-policy",
  title: "PodDisruptionBudget states its budget",
  description: "A PodDisruptionBudget sets exactly one of spec.minAvailable and spec.maxUnavailable.",
  severity: "low",
  enforcement: always("advisory"),
  references: [{ framework: "kube-score", id: "poddisruptionbudget-has-policy" }],
  remediation: "Set spec.maxUnavailable (e.g. 1), or spec.minAvailable below the replica count; not both.",
  targets: PDB_TYPES,
  validate(resource, { report }) {
    const min = get(resource.props, "spec.minAvailable");
    const max = get(resource.props, "spec.maxUnavailable");
    if (min === undefined && max === undefined) report("spec.minAvailable and spec.maxUnavailable are both unset; set one (e.g. maxUnavailable: 1).");
    else if (min !== undefined && max !== undefined) report(`spec.minAvailable (${show(min)}) and spec.maxUnavailable (${show(max)}) are both set; the API accepts only one.`);
  },
};

/** An IntOrString budget: a count, or a percentage of the expected pods (rounded up, as the disruption controller does). */
function parseBudget(v: unknown): { n: number } | { percent: number } | undefined {
  if (typeof v === "number") return { n: v };
  if (typeof v !== "string") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(v);
  if (!m) return undefined;
  const value = Number(m[1]);
  return m[2] === "%" ? { percent: value } : { n: value };
}

function scaled(b: { n: number } | { percent: number }, pods: number): number {
  return "n" in b ? b.n : Math.ceil((b.percent * pods) / 100);
}

export const pdbAllowsDisruption: StackRule = {
  kind: "stack",
  id: "k8s-pdb-allows-disruption",
  title: "PodDisruptionBudgets allow at least one eviction",
  description:
    "No PodDisruptionBudget forbids every voluntary eviction: not maxUnavailable 0 or \"0%\", not minAvailable \"100%\", and not a minAvailable that reaches the replica count of the workloads it selects (their HPA's minReplicas when one scales them).",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "kube-linter", id: "pdb-max-unavailable" },
    { framework: "kube-linter", id: "pdb-min-available" },
    { framework: "Polaris", id: "pdbDisruptionsIsZero" },
    { framework: "Polaris", id: "pdbMinAvailableGreaterThanHPAMinReplicas" },
    { framework: "Kyverno", id: "other/require-reasonable-pdbs" },
  ],
  remediation: "Use maxUnavailable: 1 (or a minAvailable below the replica count), so node drains and cluster upgrades can proceed one pod at a time.",
  targets: PDB_TYPES,
  validate(view, { report }) {
    let workloads: Map<string, Workload[]> | undefined;
    const hpas = hpasByTarget(view);
    for (const pdb of view.ofType(...PDB_TYPES)) {
      const maxRaw = get(declared(pdb), "spec.maxUnavailable");
      const minRaw = get(declared(pdb), "spec.minAvailable");
      const max = parseBudget(maxRaw);
      const min = parseBudget(minRaw);
      if (max !== undefined) {
        if (scaled(max, 1) <= 0) report(`spec.maxUnavailable is ${show(maxRaw)}: no pod may ever be evicted, so node drains and cluster upgrades block. Use maxUnavailable: 1 or more.`, pdb.urn);
        continue;
      }
      if (min === undefined) continue; // no budget: k8s-pdb-has-policy
      if ("percent" in min && min.percent >= 100) {
        report(`spec.minAvailable is ${show(minRaw)}: no pod may ever be evicted, so node drains and cluster upgrades block. Use maxUnavailable: 1.`, pdb.urn);
        continue;
      }
      workloads ??= groupBy(workloadsOf(view, REPLICATED_TYPES), (w) => w.ns);
      const selector = get(declared(pdb), "spec.selector");
      for (const w of workloads.get(nsOf(pdb)) ?? []) {
        if (!selectorMatches(selector, w.labels)) continue;
        const count: ReplicaCount = replicaCount(w.r, hpas.get(w.r.urn) ?? []);
        if (scaled(min, count.min) >= count.min) {
          report(`spec.minAvailable is ${show(minRaw)} and ${kindOf(w.r.type)} ${showObject(w.r)} it selects runs ${count.min} pod(s) (${count.via}): no pod may be evicted, so node drains and cluster upgrades block. Use maxUnavailable: 1, or minAvailable below ${count.min}.`, pdb.urn);
        }
      }
    }
  },
};

export const pdbUnhealthyEviction: ResourceRule = {
  kind: "resource",
  id: "k8s-pdb-unhealthy-eviction",
  title: "PodDisruptionBudget lets unhealthy pods be evicted",
  description: "A PodDisruptionBudget sets spec.unhealthyPodEvictionPolicy explicitly (AlwaysAllow recommended), so crash-looping pods never block a drain.",
  severity: "low",
  enforcement: always("advisory"),
  references: [{ framework: "kube-linter", id: "pdb-unhealthy-pod-eviction-policy" }],
  remediation: "Set spec.unhealthyPodEvictionPolicy: AlwaysAllow.",
  targets: PDB_TYPES,
  validate(resource, { report }) {
    const v = get(resource.props, "spec.unhealthyPodEvictionPolicy");
    if (v === "AlwaysAllow" || v === "IfHealthyBudget") return;
    report(`spec.unhealthyPodEvictionPolicy is ${show(v)}; set "AlwaysAllow" (or "IfHealthyBudget" deliberately) so a crash-looping pod cannot block a node drain.`);
  },
};
