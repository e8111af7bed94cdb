import { always, type ResourceRule, type StackRule } from "../../../lib/rule";
import { podTemplate, WORKLOAD_TYPES } from "../../../lib/podspec";
import { get, show, str, strings } from "../../../lib/values";
import { SERVICE_ACCOUNT } from "./lib/kinds";
import { declared, nameOf, resolveRef, showObject, workloadsOf } from "./lib/stack";

/** The ServiceAccount a pod runs as: serviceAccountName, else the deprecated serviceAccount, else "default". */
function serviceAccountName(spec: Record<string, unknown>): { name: string; field: string } {
  const name = str(spec["serviceAccountName"]);
  if (name !== undefined && name !== "") return { name, field: "serviceAccountName" };
  const legacy = str(spec["serviceAccount"]);
  if (legacy !== undefined && legacy !== "") return { name: legacy, field: "serviceAccount" };
  return { name: "default", field: "serviceAccountName" };
}

/**
 * Polaris semantics (catalogue §2.5.7): the pod's own `automountServiceAccountToken: false` wins; `true` fails
 * whatever the ServiceAccount says; unset falls back to the ServiceAccount the pod runs as, which must set false.
 */
export const saTokenAutomount: StackRule = {
  kind: "stack",
  id: "k8s-sa-token-automount",
  title: "No Kubernetes API token in pods that do not call the API",
  description:
    "Every pod template sets automountServiceAccountToken: false, or leaves it unset and runs as a ServiceAccount of the stack that sets it false. Workloads listed in apiClients may mount the token.",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "Polaris", id: "automountServiceAccountToken" },
    { framework: "CKV", id: "CKV_K8S_38" },
    { framework: "KSV", id: "KSV-0036" },
    { framework: "Kyverno", id: "other/restrict-automount-sa-token" },
    { framework: "Kyverno", id: "other/restrict-sa-automount-sa-token" },
  ],
  remediation:
    "Set automountServiceAccountToken: false in the pod spec (IRSA projects its own token and does not need this one), or on the ServiceAccount the pod uses. A workload that really calls the Kubernetes API goes into this rule's apiClients config.",
  targets: [...WORKLOAD_TYPES, SERVICE_ACCOUNT],
  configSchema: {
    apiClients: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Workloads that call the Kubernetes API and may mount the token: Pulumi resource name, or namespace/name of the object.",
    },
  },
  validate(view, { config, report }) {
    const apiClients = strings(config["apiClients"]);
    for (const w of workloadsOf(view, WORKLOAD_TYPES)) {
      if (apiClients.length > 0 && (apiClients.includes(w.r.name) || apiClients.includes(`${w.ns}/${nameOf(w.r) ?? ""}`))) continue;
      const podValue = w.pod.spec["automountServiceAccountToken"];
      if (podValue === false) continue;
      const field = `${w.pod.path}.automountServiceAccountToken`;
      if (podValue !== undefined) {
        report(`${field} is ${show(podValue)}: the pod mounts a Kubernetes API token whatever its ServiceAccount says; set it to false (or list the workload in apiClients).`, w.r.urn);
        continue;
      }
      // The name is read only when no ServiceAccount is linked: at preview it can be an unknown output.
      const account = resolveRef(view, w.r, "spec", SERVICE_ACCOUNT, w.ns, () => serviceAccountName(w.pod.spec).name);
      if (!account) {
        const sa = serviceAccountName(w.pod.spec);
        report(`${field} is unset and the pod runs as ServiceAccount "${sa.name}" (${w.pod.path}.${sa.field}), which is not part of the stack: its default mounts the token. Set ${field}: false.`, w.r.urn);
        continue;
      }
      const saValue = declared(account)["automountServiceAccountToken"];
      if (saValue !== false) {
        report(`${field} is unset and ServiceAccount ${showObject(account)} has automountServiceAccountToken ${show(saValue)}: the token is mounted. Set false on the pod or on the ServiceAccount.`, w.r.urn);
      }
    }
  },
};

export const dedicatedServiceAccount: ResourceRule = {
  kind: "resource",
  id: "k8s-dedicated-service-account",
  title: "Workloads run as their own ServiceAccount",
  description: "The pod template names a ServiceAccount (serviceAccountName) other than the namespace's \"default\".",
  severity: "medium",
  enforcement: always("advisory"),
  references: [
    { framework: "CKV", id: "CKV_K8S_41" },
    { framework: "CKV", id: "CKV_K8S_42" },
    { framework: "kube-linter", id: "default-service-account" },
    { framework: "Kyverno", id: "other/restrict-service-account" },
  ],
  remediation: "Create a ServiceAccount for the workload (automountServiceAccountToken: false) and set serviceAccountName to it; IRSA needs one anyway.",
  targets: WORKLOAD_TYPES,
  validate(resource, { report }) {
    const pod = podTemplate(resource.type, resource.props);
    if (!pod) return;
    const sa = serviceAccountName(pod.spec);
    if (sa.name !== "default") return;
    const set = get(pod.spec, sa.field);
    report(`${pod.path}.serviceAccountName is ${set === undefined ? "unset (the namespace's \"default\" ServiceAccount)" : show(set)}; name a dedicated ServiceAccount other than "default".`);
  },
};
