import { always, type ResourceRule } from "../../../lib/rule";
import { get, show } from "../../../lib/values";
import { NAMESPACED_TYPES } from "./lib/kinds";

/**
 * In Pulumi an unset metadata.namespace is not "default" but the provider's default namespace (its `namespace`
 * option or the kubeconfig context's), invisible in the resource's inputs; the rule therefore demands an explicit
 * namespace, and one other than "default".
 */
export const noDefaultNamespace: ResourceRule = {
  kind: "resource",
  id: "k8s-no-default-namespace",
  title: "Objects live in an explicit, non-default namespace",
  description: "Every namespaced object sets metadata.namespace explicitly, and not to \"default\" (an unset namespace means the Pulumi provider's default).",
  severity: "medium",
  enforcement: always("mandatory"),
  references: [
    { framework: "CKV", id: "CKV_K8S_21" },
    { framework: "kube-linter", id: "use-namespace" },
    { framework: "Kyverno", id: "best-practices/disallow-default-namespace" },
    { framework: "KSV", id: "KSV-0110" },
  ],
  remediation: "Set metadata.namespace to the application's namespace (e.g. namespace.metadata.name of the Namespace the stack creates).",
  targets: NAMESPACED_TYPES,
  validate(resource, { report }) {
    const ns = get(resource.props, "metadata.namespace");
    if (typeof ns === "string" && ns !== "" && ns !== "default") return;
    const why = ns === undefined || ns === "" ? "unset, so the object goes to the Pulumi provider's default namespace" : show(ns);
    report(`metadata.namespace is ${why}; set it explicitly to a namespace other than "default".`);
  },
};
