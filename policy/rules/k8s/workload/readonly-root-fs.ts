import { always, type ResourceRule } from "../../../lib/rule";
import { at, containers, podTemplate, scField, WORKLOAD_TYPES } from "../../../lib/podspec";
import { show } from "../../../lib/values";

/** Example of the rule shape every module follows: metadata first, then a validate that names the exact field. */
export const readonlyRootFs: ResourceRule = {
  kind: "resource",
  id: "k8s-readonly-root-fs",
  title: "Read-only root filesystem",
  description: "Every container (including init and ephemeral containers) sets securityContext.readOnlyRootFilesystem: true.",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "CKV", id: "CKV_K8S_22" },
    { framework: "KSV", id: "KSV-0014" },
    { framework: "kube-score", id: "container-security-context-readonlyrootfilesystem" },
    { framework: "Polaris", id: "notReadOnlyRootFilesystem" },
    { framework: "kube-linter", id: "no-read-only-root-fs" },
    { framework: "Kyverno", id: "best-practices/require-ro-rootfs" },
  ],
  remediation: "Set securityContext.readOnlyRootFilesystem: true on the container and mount an emptyDir where it must write (e.g. /tmp).",
  targets: WORKLOAD_TYPES,
  validate(resource, { report }) {
    const pod = podTemplate(resource.type, resource.props);
    if (!pod) return;
    for (const c of containers(pod.spec)) {
      const value = scField(c.container, "readOnlyRootFilesystem");
      if (value !== true) report(`${at(pod, c)}: securityContext.readOnlyRootFilesystem is ${show(value)}; it must be true.`);
    }
  },
};
