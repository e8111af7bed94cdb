import { always, type ResourceRule } from "../../../lib/rule";
import { podTemplate } from "../../../lib/podspec";
import { get, num, records, show, str } from "../../../lib/values";
import { REPLICATED_TYPES } from "./lib/kinds";
import { labelsOf, selectorMatches, showLabels } from "./lib/selector";

const HOSTNAME = "kubernetes.io/hostname";
const ZONES = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];
const WHEN = ["DoNotSchedule", "ScheduleAnyway"];

/**
 * Satisfied by either mechanism (catalogue: anti-affinity or topology spread) as long as the pods spread over
 * both hosts and zones; a spread constraint must also be valid (kube-score pod-topology-spread-constraints).
 */
export const spread: ResourceRule = {
  kind: "resource",
  id: "k8s-spread",
  title: "Replicas spread over hosts and zones",
  description:
    "A Deployment or StatefulSet that may run two or more replicas (spec.replicas unset or ≥ 2) spreads its own pods over kubernetes.io/hostname and topology.kubernetes.io/zone, by podAntiAffinity terms or valid topologySpreadConstraints whose labelSelector matches the pod labels.",
  severity: "medium",
  enforcement: always("advisory"),
  references: [
    { framework: "kube-score", id: "deployment-has-host-podantiaffinity" },
    { framework: "kube-score", id: "pod-topology-spread-constraints" },
    { framework: "Polaris", id: "topologySpreadConstraint" },
    { framework: "kube-linter", id: "no-anti-affinity" },
    { framework: "Kyverno", id: "other/topologyspreadconstraints-policy" },
  ],
  remediation:
    "Add topologySpreadConstraints with topologyKey topology.kubernetes.io/zone and kubernetes.io/hostname (maxSkew 1, labelSelector = the workload's selector), or equivalent podAntiAffinity terms.",
  targets: REPLICATED_TYPES,
  validate(resource, { report, notApplicable }) {
    const replicas = num(get(resource.props, "spec.replicas"));
    if (replicas !== undefined && replicas < 2) notApplicable(`spec.replicas is ${replicas}: there are no replicas to spread`);
    const pod = podTemplate(resource.type, resource.props);
    if (!pod) return;
    const labels = labelsOf(pod.metadata["labels"]);
    const keys = new Set<string>();

    const anti = get(pod.spec, "affinity.podAntiAffinity");
    const terms = [
      ...records(get(anti, "requiredDuringSchedulingIgnoredDuringExecution")),
      ...records(get(anti, "preferredDuringSchedulingIgnoredDuringExecution")).map((p) => get(p, "podAffinityTerm")),
    ];
    for (const term of records(terms)) {
      const key = str(term["topologyKey"]);
      if (key && selectorMatches(term["labelSelector"], labels)) keys.add(key);
    }

    records(pod.spec["topologySpreadConstraints"]).forEach((c, i) => {
      const path = `${pod.path}.topologySpreadConstraints[${i}]`;
      const problems: string[] = [];
      const maxSkew = num(c["maxSkew"]);
      if (maxSkew === undefined || maxSkew <= 0) problems.push(`maxSkew is ${show(c["maxSkew"])} (must be > 0)`);
      const key = str(c["topologyKey"]);
      if (!key) problems.push(`topologyKey is ${show(c["topologyKey"])}`);
      if (!WHEN.includes(str(c["whenUnsatisfiable"]) ?? "")) problems.push(`whenUnsatisfiable is ${show(c["whenUnsatisfiable"])} (DoNotSchedule or ScheduleAnyway)`);
      if (!selectorMatches(c["labelSelector"], labels)) problems.push(`labelSelector ${show(c["labelSelector"])} does not select the pod labels ${showLabels(labels)}`);
      if (problems.length > 0) report(`${path}: ${problems.join("; ")}.`);
      else if (key) keys.add(key);
    });

    const missing: string[] = [];
    if (!keys.has(HOSTNAME)) missing.push(`"${HOSTNAME}"`);
    if (!ZONES.some((z) => keys.has(z))) missing.push(`"${ZONES[0] ?? ""}"`);
    if (missing.length > 0) {
      report(`${pod.path}: no podAntiAffinity term or topologySpreadConstraint selecting the pod labels ${showLabels(labels)} uses topologyKey ${missing.join(" or ")}, so replicas may share a ${missing.length === 2 ? "node and a zone" : keys.has(HOSTNAME) ? "zone" : "node"}. Add a spread over hosts and zones.`);
    }
  },
};
