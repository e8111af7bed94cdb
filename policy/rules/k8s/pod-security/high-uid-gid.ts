import { always, type ResourceRule } from "../../../lib/rule";
import { WORKLOAD_TYPES } from "../../../lib/podspec";
import { num, show } from "../../../lib/values";
import { at, pssPod, reportUnlessWindows, scField } from "./pss";

/** Above this the ids cannot collide with host users and groups (kube-score, checkov and Trivy all agree above it). */
export const HIGH_ID_THRESHOLD = 10000;

/**
 * k8s-high-uid-gid (catalogue §1.3 [pack decision]): every container's effective runAsUser and runAsGroup (container
 * value, else the pod's) is above 10000. The tools disagree at exactly 10000 (kube-score fails < 10000, checkov
 * passes >= 10000, Trivy fails <= 10000); > 10000 satisfies all three.
 */
export const highUidGid: ResourceRule = {
  kind: "resource",
  id: "k8s-high-uid-gid",
  title: "High UID and GID",
  description: `Every container runs with an explicit runAsUser and runAsGroup above ${HIGH_ID_THRESHOLD} (container-level value, else the pod-level one), so its ids cannot collide with users and groups of the node. Windows pods are exempt.`,
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "kube-score", id: "container-security-context-user-group-id" },
    { framework: "CKV", id: "CKV_K8S_40" },
    { framework: "KSV", id: "KSV-0020" },
    { framework: "KSV", id: "KSV-0021" },
    { framework: "KSV", id: "KSV-0116" },
  ],
  remediation: `Set spec.securityContext.runAsUser and runAsGroup (or the container's) to ids above ${HIGH_ID_THRESHOLD}, e.g. 10001 or 65532, and build the image so that user can read its files.`,
  targets: WORKLOAD_TYPES,
  validate(resource, { report, notApplicable }) {
    const pod = pssPod(resource.type, resource.props);
    if (!pod) return;
    const found: string[] = [];
    for (const c of pod.containers) {
      for (const field of ["runAsUser", "runAsGroup"]) {
        const own = scField(c.container, field);
        const value = own ?? scField(pod.spec, field);
        const where = own === undefined ? `inherited from ${pod.path}.securityContext.${field}` : "set on the container";
        if (value === undefined) {
          found.push(`${at(pod, c)}: securityContext.${field} is unset at container and pod level (the image's id applies); it must be above ${HIGH_ID_THRESHOLD}.`);
        } else {
          const id = num(value);
          if (id === undefined || id <= HIGH_ID_THRESHOLD) found.push(`${at(pod, c)}: securityContext.${field} is ${show(value)} (${where}); it must be above ${HIGH_ID_THRESHOLD}.`);
        }
      }
    }
    // The API refuses runAsUser/runAsGroup on Windows pods (they use windowsOptions.runAsUserName).
    reportUnlessWindows(pod, found, report, notApplicable);
  },
};
