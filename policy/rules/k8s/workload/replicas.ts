import { always, prodOnly, type ResourceRule, type StackRule } from "../../../lib/rule";
import { DEPLOYMENT } from "../../../lib/podspec";
import { get, num, show, str } from "../../../lib/values";
import { HPA_TYPES, REPLICATED_TYPES } from "./lib/kinds";
import { declared, declaredReplicas, hpasByTarget, hpaTarget, nsOf, showObject } from "./lib/stack";

const minConfig = {
  minReplicas: { type: "integer", default: 2, description: "Fewest replicas a serving workload may run." },
};

export const minReplicas: StackRule = {
  kind: "stack",
  id: "k8s-min-replicas",
  title: "Deployments run more than one replica",
  description: "A Deployment that no HorizontalPodAutoscaler scales sets spec.replicas ≥ minReplicas (default 2; unset means 1). HPA-scaled ones are k8s-hpa-min-replicas' business.",
  severity: "medium",
  enforcement: prodOnly,
  references: [
    { framework: "kube-score", id: "deployment-replicas" },
    { framework: "Polaris", id: "deploymentMissingReplicas" },
    { framework: "kube-linter", id: "minimum-three-replicas" },
    { framework: "Kyverno", id: "other/require-deployments-have-multiple-replicas" },
  ],
  remediation: "Set spec.replicas to 2 or more (spread over zones), or let an HPA with minReplicas ≥ 2 own the count.",
  targets: [DEPLOYMENT, ...HPA_TYPES],
  configSchema: minConfig,
  validate(view, { config, report }) {
    const min = num(config["minReplicas"]) ?? 2;
    const hpas = hpasByTarget(view);
    for (const d of view.ofType(DEPLOYMENT)) {
      if (hpas.has(d.urn)) continue;
      const replicas = get(declared(d), "spec.replicas");
      const n = num(replicas) ?? 1;
      if (n < min) report(`spec.replicas is ${replicas === undefined ? "unset (1)" : show(replicas)} and no HorizontalPodAutoscaler scales the Deployment; run at least ${min} replicas so one pod's loss is not an outage.`, d.urn);
    }
  },
};

export const hpaNoStaticReplicas: StackRule = {
  kind: "stack",
  id: "k8s-hpa-no-static-replicas",
  title: "HPA-scaled controllers leave replicas to the HPA",
  description: "A Deployment or StatefulSet that an HPA scales does not set spec.replicas: every `pulumi up` would reset the HPA's count (a perpetual diff).",
  severity: "medium",
  enforcement: always("advisory"),
  references: [{ framework: "kube-score", id: "deployment-targeted-by-hpa-does-not-have-replicas-configured" }],
  remediation: "Remove spec.replicas from the controller (or add ignoreChanges: [\"spec.replicas\"] and exclude it here with that reason).",
  targets: [...REPLICATED_TYPES, ...HPA_TYPES],
  validate(view, { report }) {
    const hpas = hpasByTarget(view);
    for (const w of view.ofType(...REPLICATED_TYPES)) {
      const scalers = hpas.get(w.urn);
      if (!scalers) continue;
      // After deploy the live count is the HPA's, not a declaration (declaredReplicas): judged at the preview of
      // the creation, when the outputs are the declared inputs.
      const replicas = declaredReplicas(w);
      if (replicas !== undefined) report(`spec.replicas is ${show(replicas)} but HorizontalPodAutoscaler ${scalers[0] ? showObject(scalers[0]) : ""} owns the count; remove spec.replicas so pulumi up does not reset it.`, w.urn);
    }
  },
};

export const hpaMinReplicas: ResourceRule = {
  kind: "resource",
  id: "k8s-hpa-min-replicas",
  title: "HPA keeps at least two replicas",
  description: "A HorizontalPodAutoscaler sets spec.minReplicas ≥ minReplicas (default 2; unset means 1).",
  severity: "medium",
  enforcement: prodOnly,
  references: [
    { framework: "kube-score", id: "horizontalpodautoscaler-replicas" },
    { framework: "Polaris", id: "hpaMinAvailability" },
    { framework: "kube-linter", id: "hpa-minimum-three-replicas" },
  ],
  remediation: "Set spec.minReplicas to 2 or more, so a scale-down never leaves a single pod.",
  targets: HPA_TYPES,
  configSchema: minConfig,
  validate(resource, { config, report }) {
    const min = num(config["minReplicas"]) ?? 2;
    const raw = get(resource.props, "spec.minReplicas");
    const n = num(raw) ?? 1;
    if (n < min) report(`spec.minReplicas is ${raw === undefined ? "unset (1)" : show(raw)}; it must be at least ${min}.`);
  },
};

export const hpaMaxGtMin: ResourceRule = {
  kind: "resource",
  id: "k8s-hpa-max-gt-min",
  title: "HPA can scale",
  description: "A HorizontalPodAutoscaler's spec.maxReplicas is greater than spec.minReplicas (default 1); otherwise it never scales.",
  severity: "low",
  enforcement: always("advisory"),
  references: [{ framework: "Polaris", id: "hpaMaxAvailability" }],
  remediation: "Raise spec.maxReplicas above spec.minReplicas, or drop the HPA and set replicas.",
  targets: HPA_TYPES,
  validate(resource, { report }) {
    const maxRaw = get(resource.props, "spec.maxReplicas");
    const minRaw = get(resource.props, "spec.minReplicas");
    const max = num(maxRaw);
    const min = num(minRaw) ?? 1;
    if (max === undefined || max <= min) report(`spec.maxReplicas is ${show(maxRaw)} and spec.minReplicas ${minRaw === undefined ? "unset (1)" : show(minRaw)}; maxReplicas must be greater.`);
  },
};

export const hpaTargetExists: StackRule = {
  kind: "stack",
  id: "k8s-hpa-target-exists",
  title: "HPA scales an object of the stack",
  description: "Every HorizontalPodAutoscaler's spec.scaleTargetRef resolves to an object of the stack in the HPA's namespace (linked through its inputs, or by kind and name).",
  severity: "medium",
  enforcement: always("mandatory"),
  references: [
    { framework: "kube-score", id: "horizontalpodautoscaler-has-target" },
    { framework: "kube-linter", id: "dangling-horizontalpodautoscaler" },
  ],
  remediation: "Point spec.scaleTargetRef at the Deployment's own outputs (name: deployment.metadata.name, matching apiVersion and kind) in the same namespace.",
  targets: HPA_TYPES,
  validate(view, { report }) {
    for (const hpa of view.ofType(...HPA_TYPES)) {
      if (hpaTarget(view, hpa)) continue;
      const ref = get(declared(hpa), "spec.scaleTargetRef");
      const kind = str(get(ref, "kind"));
      const name = str(get(ref, "name"));
      report(`spec.scaleTargetRef ${show(ref)} names ${kind ?? "no kind"} "${name ?? ""}", which is not an object of this stack in namespace "${nsOf(hpa) || "<provider default>"}"; the HPA would scale nothing.`, hpa.urn);
    }
  },
};
