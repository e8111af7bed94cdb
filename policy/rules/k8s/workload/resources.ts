import { always, type ResourceRule } from "../../../lib/rule";
import { at, containers, podTemplate, WORKLOAD_TYPES, type ContainerRef } from "../../../lib/podspec";
import { get, show } from "../../../lib/values";

// Ephemeral containers are left out: the API rejects resources on them (they run within the pod's budget).
const LISTS = ["containers", "initContainers"] as const;

function isSet(v: unknown): boolean {
  return (typeof v === "string" && v.trim() !== "") || typeof v === "number";
}

/** The `resources.<fields>` a container lacks, as `requests.cpu is unset` phrases. */
function missing(c: ContainerRef, fields: readonly string[]): string[] {
  return fields.flatMap((f) => {
    const v = get(c.container, `resources.${f}`);
    return isSet(v) ? [] : [`resources.${f} is ${show(v)}`];
  });
}

function resourceRule(meta: Omit<ResourceRule, "kind" | "targets" | "validate">, fields: readonly string[], allowed: string): ResourceRule {
  return {
    kind: "resource",
    ...meta,
    targets: WORKLOAD_TYPES,
    validate(resource, { report }) {
      const pod = podTemplate(resource.type, resource.props);
      if (!pod) return;
      for (const c of containers(pod.spec, LISTS)) {
        const gaps = missing(c, fields);
        if (gaps.length > 0) report(`${at(pod, c)}: ${gaps.join(", ")}; ${allowed}`);
      }
    },
  };
}

export const resources = resourceRule(
  {
    id: "k8s-resources",
    title: "CPU and memory requests and a memory limit",
    description: "Every container and init container sets resources.requests.cpu, resources.requests.memory and resources.limits.memory.",
    severity: "medium",
    enforcement: always("mandatory"),
    references: [
      { framework: "Kyverno", id: "best-practices/require-pod-requests-limits" },
      { framework: "kube-score", id: "container-resources" },
      { framework: "Polaris", id: "cpuRequestsMissing" },
      { framework: "Polaris", id: "memoryRequestsMissing" },
      { framework: "Polaris", id: "memoryLimitsMissing" },
      { framework: "kube-linter", id: "unset-cpu-requirements" },
      { framework: "kube-linter", id: "unset-memory-requirements" },
      { framework: "CKV", id: "CKV_K8S_10" },
      { framework: "CKV", id: "CKV_K8S_12" },
      { framework: "CKV", id: "CKV_K8S_13" },
      { framework: "KSV", id: "KSV-0015" },
      { framework: "KSV", id: "KSV-0016" },
      { framework: "KSV", id: "KSV-0018" },
    ],
    remediation: "Give each container resources.requests.cpu, resources.requests.memory and resources.limits.memory (quantities such as \"250m\", \"512Mi\", \"1Gi\").",
  },
  ["requests.cpu", "requests.memory", "limits.memory"],
  "each must be a quantity such as \"250m\" (cpu) or \"512Mi\" (memory).",
);

export const cpuLimit = resourceRule(
  {
    id: "k8s-cpu-limit",
    title: "CPU limit",
    description: "Every container and init container sets resources.limits.cpu (advisory: the catalogue makes only the CPU limit optional, as Kyverno does).",
    severity: "low",
    enforcement: always("advisory"),
    references: [
      { framework: "CKV", id: "CKV_K8S_11" },
      { framework: "KSV", id: "KSV-0011" },
      { framework: "Polaris", id: "cpuLimitsMissing" },
      { framework: "kube-score", id: "container-resources" },
    ],
    remediation: "Set resources.limits.cpu (e.g. \"1\"), or exclude the workload with a reason if CPU throttling hurts it more than a noisy neighbour would.",
  },
  ["limits.cpu"],
  "set a CPU quantity such as \"500m\".",
);

export const ephemeralStorage = resourceRule(
  {
    id: "k8s-ephemeral-storage",
    title: "Ephemeral storage request and limit",
    description: "Every container and init container sets resources.requests.ephemeral-storage and resources.limits.ephemeral-storage, so scratch space cannot fill the node's disk.",
    severity: "low",
    enforcement: always("advisory"),
    references: [{ framework: "kube-score", id: "container-ephemeral-storage-request-and-limit" }],
    remediation: "Set resources.requests.ephemeral-storage and resources.limits.ephemeral-storage (e.g. \"256Mi\" and \"2Gi\"), and a sizeLimit on emptyDir volumes.",
  },
  ["requests.ephemeral-storage", "limits.ephemeral-storage"],
  "set storage quantities such as \"256Mi\".",
);
