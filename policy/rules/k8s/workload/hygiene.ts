import { always, type ResourceRule } from "../../../lib/rule";
import { at, containers, DAEMONSET, DEPLOYMENT, JOB, podTemplate, REPLICASET, STATEFULSET, WORKLOAD_TYPES } from "../../../lib/podspec";
import { get, num, records, show, strings } from "../../../lib/values";
import { labelsOf, selectorMatches, showLabels } from "./lib/selector";

export const recommendedLabels: ResourceRule = {
  kind: "resource",
  id: "k8s-recommended-labels",
  title: "Recommended app.kubernetes.io labels",
  description: "Workloads carry the configured app.kubernetes.io/* labels (default: name and instance) on the object and on its pod template.",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "Kyverno", id: "best-practices/require-labels" },
    { framework: "Polaris", id: "metadataAndInstanceMismatched" },
    { framework: "kube-linter", id: "required-label-owner" },
  ],
  remediation: "Add app.kubernetes.io/name (what it is) and app.kubernetes.io/instance (which deployment of it) to metadata.labels and to the pod template's labels.",
  targets: WORKLOAD_TYPES,
  configSchema: {
    requiredLabels: { type: "array", items: { type: "string" }, default: ["app.kubernetes.io/name", "app.kubernetes.io/instance"], description: "Label keys every workload and its pods must carry." },
  },
  validate(resource, { config, report }) {
    const required = strings(config["requiredLabels"]);
    const pod = podTemplate(resource.type, resource.props);
    const places: [string, unknown][] = [["metadata.labels", get(resource.props, "metadata.labels")]];
    if (pod && pod.path !== "spec") places.push([`${pod.metadataPath}.labels`, pod.metadata["labels"]]);
    for (const [path, raw] of places) {
      const labels = labelsOf(raw);
      const missing = required.filter((k) => !labels[k]);
      if (missing.length > 0) report(`${path} lacks ${missing.map((m) => `"${m}"`).join(", ")} (has ${showLabels(labels)}); add them.`);
    }
  },
};

export const priorityClass: ResourceRule = {
  kind: "resource",
  id: "k8s-priority-class",
  title: "Priority class set",
  description: "The pod template sets priorityClassName, so the scheduler knows what to evict first under pressure.",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "Polaris", id: "priorityClassNotSet" },
    { framework: "kube-linter", id: "priority-class-name" },
  ],
  remediation: "Create PriorityClasses for the platform (serving above batch) and set priorityClassName on each pod template.",
  targets: WORKLOAD_TYPES,
  validate(resource, { report }) {
    const pod = podTemplate(resource.type, resource.props);
    if (!pod) return;
    const v = pod.spec["priorityClassName"];
    if (typeof v !== "string" || v === "") report(`${pod.path}.priorityClassName is ${show(v)}; name a PriorityClass.`);
  },
};

const SELECTOR_TYPES = [DEPLOYMENT, STATEFULSET, DAEMONSET, REPLICASET, JOB] as const;

export const selectorMatchesTemplate: ResourceRule = {
  kind: "resource",
  id: "k8s-selector-matches-template",
  title: "Controller selector matches its pod template",
  description: "A controller's spec.selector selects its own pod template's labels (a Job is checked only when it sets a selector).",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "kube-score", id: "deployment-pod-selector-labels-match-template-metadata-labels" },
    { framework: "kube-linter", id: "mismatching-selector" },
  ],
  remediation: "Make spec.selector.matchLabels a subset of spec.template.metadata.labels (the API server rejects the object otherwise).",
  targets: SELECTOR_TYPES,
  validate(resource, { report }) {
    const pod = podTemplate(resource.type, resource.props);
    if (!pod) return;
    const selector = get(resource.props, "spec.selector");
    if (selector === undefined && resource.type === JOB) return;
    const labels = labelsOf(pod.metadata["labels"]);
    if (!selectorMatches(selector, labels)) {
      report(`spec.selector ${show(selector)} does not select spec.template.metadata.labels ${showLabels(labels)}; make matchLabels a subset of the template's labels.`);
    }
  },
};

export const rollingUpdate: ResourceRule = {
  kind: "resource",
  id: "k8s-rolling-update",
  title: "Deployments roll, not recreate",
  description: "A Deployment's spec.strategy.type is RollingUpdate (the default), so an update never takes every pod down at once.",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "kube-score", id: "deployment-strategy" },
    { framework: "kube-linter", id: "no-rolling-update-strategy" },
  ],
  remediation: "Use strategy.type RollingUpdate (with maxUnavailable 0 and maxSurge 1 for a serving workload); keep Recreate only for single-writer workloads and exclude them with the reason.",
  targets: [DEPLOYMENT],
  validate(resource, { report }) {
    const type = get(resource.props, "spec.strategy.type");
    if (type === undefined || type === "RollingUpdate") return;
    report(`spec.strategy.type is ${show(type)}; an update stops every pod before starting new ones. Use "RollingUpdate".`);
  },
};

function portViolations(resource: Parameters<ResourceRule["validate"]>[0], bad: (port: number) => boolean): string[] {
  const pod = podTemplate(resource.type, resource.props);
  if (!pod) return [];
  const out: string[] = [];
  for (const c of containers(pod.spec)) {
    records(c.container["ports"]).forEach((p, i) => {
      const port = num(p["containerPort"]);
      if (port !== undefined && bad(port)) out.push(`${at(pod, c)}: ports[${i}].containerPort is ${port}`);
    });
  }
  return out;
}

export const noSshPort: ResourceRule = {
  kind: "resource",
  id: "k8s-no-ssh-port",
  title: "No SSH port",
  description: "No container exposes containerPort 22: a container is replaced, never logged into.",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "kube-linter", id: "ssh-port" },
    { framework: "KSV", id: "KSV-0117" },
  ],
  remediation: "Remove the SSH daemon and port 22 from the image; use kubectl exec or ephemeral debug containers.",
  targets: WORKLOAD_TYPES,
  validate(resource, { report }) {
    for (const v of portViolations(resource, (p) => p === 22)) report(`${v}; remove the SSH port (use kubectl debug instead).`);
  },
};

export const privilegedPorts: ResourceRule = {
  kind: "resource",
  id: "k8s-privileged-ports",
  title: "No privileged container ports",
  description: "No container listens on a port below 1024, which needs root or NET_BIND_SERVICE inside the container.",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "kube-score", id: "container-ports-check" },
    { framework: "kube-linter", id: "privileged-ports" },
    { framework: "KSV", id: "KSV-0117" },
  ],
  remediation: "Listen on a port from 1024 up (e.g. 8080) and map the Service's port 80/443 to it with targetPort.",
  targets: WORKLOAD_TYPES,
  validate(resource, { report }) {
    for (const v of portViolations(resource, (p) => p > 0 && p < 1024)) report(`${v}; use a port from 1024 up and map the Service port to it.`);
  },
};
