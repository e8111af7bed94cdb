import { always, type StackRule } from "../../../lib/rule";
import { WORKLOAD_TYPES } from "../../../lib/podspec";
import type { Props } from "../../../lib/rule";
import type { StackResource } from "../../../lib/stack-view";
import { get, isRecord, records, show, str, strings } from "../../../lib/values";
import { NAMESPACE, NETWORK_POLICY } from "./lib/kinds";
import { isEmptySelector, selectorMatches, showLabels } from "./lib/selector";
import { declared, groupBy, nameOf, nsOf, workloadsOf } from "./lib/stack";

const shownNs = (ns: string): string => `"${ns || "<provider default>"}"`;

/**
 * policyTypes as the API server defaults them (networking/v1 defaults): when unset or empty, Ingress always, and
 * Egress only when at least one egress rule is given (`egress: []` does not add it).
 */
function policyTypes(spec: Props): string[] {
  const explicit = strings(spec["policyTypes"]);
  if (explicit.length > 0) return explicit;
  return records(spec["egress"]).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

/** A rule with no peers and no ports admits everything in its direction: it cancels a default deny. */
function allowsAll(rule: Props, peers: "from" | "to"): boolean {
  return records(rule[peers]).length === 0 && records(rule["ports"]).length === 0;
}

function isDefaultDeny(np: StackResource): boolean {
  const spec = get(declared(np), "spec");
  if (!isRecord(spec)) return false;
  const selector = spec["podSelector"];
  if (!isRecord(selector) || !isEmptySelector(selector)) return false;
  const types = policyTypes(spec);
  return types.includes("Ingress") && types.includes("Egress") && records(spec["ingress"]).length === 0 && records(spec["egress"]).length === 0;
}

export const netpolDefaultDeny: StackRule = {
  kind: "stack",
  id: "k8s-netpol-default-deny",
  title: "Default-deny NetworkPolicy in every namespace",
  description:
    "Every namespace the stack creates or runs workloads in has a NetworkPolicy with an empty podSelector, policyTypes [Ingress, Egress] and no rules, so any pod not explicitly allowed traffic gets none.",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "Kyverno", id: "best-practices/add-network-policy" },
    { framework: "kube-score", id: "pod-networkpolicy" },
    { framework: "CKV", id: "CKV2_K8S_6" },
    { framework: "kube-linter", id: "non-isolated-pod" },
  ],
  remediation: "Add a NetworkPolicy { podSelector: {}, policyTypes: [\"Ingress\", \"Egress\"] } to the namespace, then allow each workload what it needs in its own policy.",
  targets: [...WORKLOAD_TYPES, NAMESPACE, NETWORK_POLICY],
  validate(view, { report }) {
    const denied = new Set(view.ofType(NETWORK_POLICY).filter(isDefaultDeny).map(nsOf));
    // The subject of a finding: the Namespace resource when the stack creates it, else its first workload.
    const subjects = new Map<string, StackResource>();
    for (const ns of view.ofType(NAMESPACE)) {
      const name = nameOf(ns);
      if (name !== undefined && !subjects.has(name)) subjects.set(name, ns);
    }
    for (const w of workloadsOf(view, WORKLOAD_TYPES)) if (!subjects.has(w.ns)) subjects.set(w.ns, w.r);
    for (const [ns, subject] of subjects) {
      if (denied.has(ns)) continue;
      report(`Namespace ${shownNs(ns)} has no default-deny NetworkPolicy (spec.podSelector: {}, spec.policyTypes: ["Ingress", "Egress"], no ingress or egress rules); pods without a policy of their own accept and send any traffic.`, subject.urn);
    }
    // Policies add up: one rule without peers or ports re-opens everything the default deny closed for its pods.
    for (const np of view.ofType(NETWORK_POLICY)) {
      const spec = get(declared(np), "spec");
      if (!isRecord(spec)) continue;
      const types = policyTypes(spec);
      const open = [
        ...(types.includes("Ingress") ? records(spec["ingress"]).map((r, i) => (allowsAll(r, "from") ? `spec.ingress[${i}]` : "")) : []),
        ...(types.includes("Egress") ? records(spec["egress"]).map((r, i) => (allowsAll(r, "to") ? `spec.egress[${i}]` : "")) : []),
      ].filter((x) => x !== "");
      if (open.length > 0) {
        report(`NetworkPolicy "${nameOf(np) ?? np.name}" in ${shownNs(nsOf(np))}: ${open.join(", ")} has no peers and no ports, so it allows all traffic in that direction to the pods it selects and undoes the namespace's default deny; name the peers (podSelector, namespaceSelector, ipBlock) and ports.`, np.urn);
      }
    }
  },
};

export const netpolCoverage: StackRule = {
  kind: "stack",
  id: "k8s-netpol-coverage",
  title: "Every workload has its own NetworkPolicy for ingress and egress",
  description:
    "Every pod template is selected, in its namespace, by NetworkPolicies with a non-empty podSelector whose policyTypes together cover Ingress and Egress (the namespace default-deny is k8s-netpol-default-deny's; this is the explicit per-workload allow list).",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "kube-score", id: "pod-networkpolicy" },
    { framework: "Polaris", id: "missingNetworkPolicy" },
    { framework: "CKV", id: "CKV2_K8S_6" },
    { framework: "kube-linter", id: "non-isolated-pod" },
    { framework: "Kyverno", id: "other/require-netpol" },
  ],
  remediation:
    "Add a NetworkPolicy whose podSelector matches the workload's labels, with policyTypes [\"Ingress\", \"Egress\"] and exactly the peers it needs (DNS, the database, the cache, HTTPS out); ingress: [] when nothing may connect to it.",
  targets: [...WORKLOAD_TYPES, NETWORK_POLICY],
  validate(view, { report }) {
    const policies = groupBy(
      view.ofType(NETWORK_POLICY).filter((np) => {
        const selector = get(declared(np), "spec.podSelector");
        return isRecord(selector) && !isEmptySelector(selector);
      }),
      nsOf,
    );
    for (const w of workloadsOf(view, WORKLOAD_TYPES)) {
      const covered = new Set<string>();
      const names: string[] = [];
      for (const np of policies.get(w.ns) ?? []) {
        const spec = get(declared(np), "spec");
        if (!isRecord(spec) || !selectorMatches(spec["podSelector"], w.labels)) continue;
        names.push(np.name);
        for (const t of policyTypes(spec)) covered.add(t);
      }
      const missing = ["Ingress", "Egress"].filter((t) => !covered.has(t));
      if (missing.length === 0) continue;
      const found = names.length === 0 ? "no NetworkPolicy with a non-empty podSelector selects these pods" : `NetworkPolicies ${names.map((n) => `"${n}"`).join(", ")} select these pods but cover only ${show([...covered])}`;
      report(`${w.labelsPath} ${showLabels(w.labels)} (namespace ${shownNs(w.ns)}): ${found}; ${missing.join(" and ")} must be covered by a policy of the workload's own.`, w.r.urn);
    }
  },
};

export const netpolTargetsPods: StackRule = {
  kind: "stack",
  id: "k8s-netpol-targets-pods",
  title: "NetworkPolicies select pods of the stack",
  description: "A NetworkPolicy with a non-empty spec.podSelector selects the pod template of at least one workload of the stack in its namespace (an empty selector, the default-deny, always passes).",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "kube-score", id: "networkpolicy-targets-pod" },
    { framework: "kube-linter", id: "dangling-networkpolicy" },
  ],
  remediation: "Fix spec.podSelector to the workload's labels (a typo leaves the workload unprotected by it), or delete the policy.",
  targets: [NETWORK_POLICY],
  validate(view, { report }) {
    let byNs: Map<string, ReturnType<typeof workloadsOf>> | undefined;
    for (const np of view.ofType(NETWORK_POLICY)) {
      const selector = get(declared(np), "spec.podSelector");
      if (!isRecord(selector) || isEmptySelector(selector)) continue;
      byNs ??= groupBy(workloadsOf(view, WORKLOAD_TYPES), (w) => w.ns);
      const ns = nsOf(np);
      if ((byNs.get(ns) ?? []).some((w) => selectorMatches(selector, w.labels))) continue;
      report(`spec.podSelector ${show(selector)} selects no pod template of the stack in namespace ${shownNs(ns)} (policy "${str(get(declared(np), "metadata.name")) ?? np.name}").`, np.urn);
    }
  },
};
