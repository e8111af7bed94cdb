/**
 * Pod Security Standards, restricted level (catalogue §1.2, R1-R7): the checks restricted adds to baseline, at
 * policy version 1.34. Where the library exempts Windows pods (spec.os.name: windows, 1.25+), so do these rules.
 */
import { asArray, isRecord, num, records, show } from "../../../lib/values";
import { at, checkProcMount, pssRule, reportUnlessWindows, scField, showList, type PssRule } from "./pss";

/** Volume sources restricted allows at 1.34 (`image` since 1.33); any other source is refused. */
export const RESTRICTED_VOLUME_SOURCES: readonly string[] = [
  "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret",
];

/** R1 restrictedVolumes (check_restrictedVolumes.go). */
export const restrictedVolumes = pssRule({
  id: "k8s-pss-restricted-volumes",
  check: "R1 restrictedVolumes",
  level: "restricted",
  title: "Only core volume types",
  description: `Every volume of the pod is one of ${RESTRICTED_VOLUME_SOURCES.join(", ")}; hostPath, nfs, cloud disks and other direct sources are refused (use a PersistentVolumeClaim).`,
  tools: [
    { framework: "Kyverno", id: "pod-security/restricted/restrict-volume-types" },
    { framework: "KSV", id: "KSV-0028" },
    { framework: "KSV", id: "KSV-0121" },
  ],
  remediation: "Replace the volume source with a PersistentVolumeClaim (backed by a PersistentVolume or StorageClass) or an emptyDir/ConfigMap/Secret/projected volume.",
  validate(pod, report) {
    records(pod.spec["volumes"]).forEach((volume, index) => {
      // A volume without any source is defaulted to emptyDir by the API server, which the library then allows.
      for (const source of Object.keys(volume)) {
        if (source === "name" || RESTRICTED_VOLUME_SOURCES.includes(source)) continue;
        const value = volume[source];
        if (value === undefined || value === null) continue;
        report(`${pod.path}.volumes[${index}] ${show(volume["name"])}: uses the ${source} volume source; allowed sources: ${RESTRICTED_VOLUME_SOURCES.join(", ")}.`);
      }
    });
  },
});

/** R2 allowPrivilegeEscalation (check_allowPrivilegeEscalation.go). */
export const allowPrivilegeEscalation = pssRule({
  id: "k8s-pss-allow-privilege-escalation",
  check: "R2 allowPrivilegeEscalation",
  level: "restricted",
  severity: "critical",
  title: "Privilege escalation explicitly disabled",
  description: "Every container sets securityContext.allowPrivilegeEscalation: false explicitly (unset means allowed). Windows pods are exempt.",
  tools: [
    { framework: "Polaris", id: "privilegeEscalationAllowed" },
    { framework: "kube-linter", id: "privilege-escalation-container" },
    { framework: "CKV", id: "CKV_K8S_20" },
    { framework: "Kyverno", id: "pod-security/restricted/disallow-privilege-escalation" },
    { framework: "KSV", id: "KSV-0001" },
  ],
  remediation: "Set securityContext.allowPrivilegeEscalation: false on every container, init container and ephemeral container.",
  validate(pod, report, notApplicable) {
    const found: string[] = [];
    for (const c of pod.containers) {
      const value = scField(c.container, "allowPrivilegeEscalation");
      if (value !== false) found.push(`${at(pod, c)}: securityContext.allowPrivilegeEscalation is ${show(value)}; it must be false (set explicitly).`);
    }
    reportUnlessWindows(pod, found, report, notApplicable);
  },
});

/** R3 runAsNonRoot (check_runAsNonRoot.go; at 1.34 without the 1.35 user-namespace relaxation). */
export const runAsNonRoot = pssRule({
  id: "k8s-pss-run-as-non-root",
  check: "R3 runAsNonRoot",
  level: "restricted",
  severity: "critical",
  title: "Containers must run as non-root",
  description: "securityContext.runAsNonRoot is true for every container, set on the container or inherited from the pod; false at either level is refused (spec.hostUsers: false does not relax this at 1.34).",
  tools: [
    { framework: "kube-score", id: "container-security-context-user-group-id" },
    { framework: "Polaris", id: "runAsRootAllowed" },
    { framework: "kube-linter", id: "run-as-non-root" },
    { framework: "CKV", id: "CKV_K8S_23" },
    { framework: "Kyverno", id: "pod-security/restricted/require-run-as-nonroot" },
    { framework: "KSV", id: "KSV-0012" },
  ],
  remediation: "Set spec.securityContext.runAsNonRoot: true on the pod (containers inherit it) and never set it to false on a container.",
  validate(pod, report) {
    const podValue = scField(pod.spec, "runAsNonRoot");
    if (podValue !== undefined && podValue !== true) {
      report(`${pod.path}.securityContext.runAsNonRoot is ${show(podValue)}; it must be true.`);
    }
    for (const c of pod.containers) {
      const value = scField(c.container, "runAsNonRoot");
      if (value === true) continue;
      if (value !== undefined) report(`${at(pod, c)}: securityContext.runAsNonRoot is ${show(value)}; it must be true (or unset with the pod-level field true).`);
      else if (podValue !== true) report(`${at(pod, c)}: securityContext.runAsNonRoot is unset and ${pod.path}.securityContext.runAsNonRoot is ${show(podValue)}; one of them must be true.`);
    }
  },
});

/** R4 runAsUser (check_runAsUser.go, 1.23+). */
export const runAsUser = pssRule({
  id: "k8s-pss-run-as-user",
  check: "R4 runAsUser",
  level: "restricted",
  title: "No explicit root user",
  description: "securityContext.runAsUser is never 0, at pod or container level (unset is allowed; runAsNonRoot then guards the image's user).",
  tools: [
    { framework: "CKV", id: "CKV_K8S_23" },
    { framework: "Kyverno", id: "pod-security/restricted/require-run-as-non-root-user" },
    { framework: "KSV", id: "KSV-0105" },
  ],
  remediation: "Set runAsUser to a non-zero UID (e.g. 10001) or remove it and rely on runAsNonRoot with a non-root image user.",
  validate(pod, report) {
    const podValue = scField(pod.spec, "runAsUser");
    if (podValue !== undefined && num(podValue) === 0) report(`${pod.path}.securityContext.runAsUser is ${show(podValue)}; it must be unset or non-zero.`);
    for (const c of pod.containers) {
      const value = scField(c.container, "runAsUser");
      if (value !== undefined && num(value) === 0) report(`${at(pod, c)}: securityContext.runAsUser is ${show(value)}; it must be unset or non-zero.`);
    }
  },
});

const SECCOMP_TYPES: readonly string[] = ["RuntimeDefault", "Localhost"];

/** R5 seccompProfile_restricted (check_seccompProfile_restricted.go, 1.19+, Windows exempt 1.25+). */
export const seccompProfileRestricted = pssRule({
  id: "k8s-pss-seccomp-profile-restricted",
  check: "R5 seccompProfile_restricted",
  level: "restricted",
  title: "Seccomp profile required",
  description: "Every container runs with seccompProfile.type RuntimeDefault or Localhost, set on the container or inherited from the pod-level securityContext. Windows pods are exempt.",
  tools: [
    { framework: "kube-score", id: "container-seccomp-profile" },
    { framework: "CKV", id: "CKV_K8S_31" },
    { framework: "Kyverno", id: "pod-security/restricted/restrict-seccomp-strict" },
    { framework: "KSV", id: "KSV-0030" },
  ],
  remediation: "Set spec.securityContext.seccompProfile: {type: RuntimeDefault} on the pod (or Localhost with a localhostProfile); containers inherit it.",
  validate(pod, report, notApplicable) {
    const found: string[] = [];
    const typeOf = (profile: unknown) => (isRecord(profile) ? profile["type"] : undefined);
    const valid = (type: unknown) => typeof type === "string" && SECCOMP_TYPES.includes(type);
    const podProfile = scField(pod.spec, "seccompProfile");
    let podSet = false;
    if (podProfile !== undefined) {
      if (valid(typeOf(podProfile))) podSet = true;
      else found.push(`${pod.path}.securityContext.seccompProfile.type is ${show(typeOf(podProfile))}; it must be "RuntimeDefault" or "Localhost".`);
    }
    for (const c of pod.containers) {
      const profile = scField(c.container, "seccompProfile");
      if (profile !== undefined) {
        if (!valid(typeOf(profile))) found.push(`${at(pod, c)}: securityContext.seccompProfile.type is ${show(typeOf(profile))}; it must be "RuntimeDefault" or "Localhost".`);
      } else if (!podSet) {
        found.push(`${at(pod, c)}: securityContext.seccompProfile is unset and the pod sets no valid seccompProfile; one of them must set type "RuntimeDefault" or "Localhost".`);
      }
    }
    reportUnlessWindows(pod, found, report, notApplicable);
  },
});

/** R6 capabilities_restricted (check_capabilities_restricted.go, 1.22+, Windows exempt 1.25+). */
export const capabilitiesRestricted = pssRule({
  id: "k8s-pss-capabilities-restricted",
  check: "R6 capabilities_restricted",
  level: "restricted",
  severity: "critical",
  title: "Drop ALL capabilities",
  description: "Every container drops ALL capabilities (securityContext.capabilities.drop contains \"ALL\", exactly in upper case) and adds back at most NET_BIND_SERVICE. Windows pods are exempt.",
  tools: [
    { framework: "Polaris", id: "insecureCapabilities" },
    { framework: "CKV", id: "CKV_K8S_37" },
    { framework: "CKV", id: "CKV_K8S_25" },
    { framework: "Kyverno", id: "pod-security/restricted/disallow-capabilities-strict" },
    { framework: "Kyverno", id: "best-practices/require-drop-all" },
    { framework: "KSV", id: "KSV-0003" },
    { framework: "KSV", id: "KSV-0106" },
  ],
  remediation: "Set securityContext.capabilities: {drop: [\"ALL\"]} on every container and add back only NET_BIND_SERVICE if the process binds a port below 1024.",
  validate(pod, report, notApplicable) {
    const found: string[] = [];
    for (const c of pod.containers) {
      const drop = asArray(scField(c.container, "capabilities.drop"));
      if (!drop.includes("ALL")) found.push(`${at(pod, c)}: securityContext.capabilities.drop is ${drop.length > 0 ? showList(drop) : "unset"}; it must contain "ALL" (exactly, upper case).`);
      const bad = asArray(scField(c.container, "capabilities.add")).filter((cap) => cap !== "NET_BIND_SERVICE");
      if (bad.length > 0) found.push(`${at(pod, c)}: securityContext.capabilities.add contains ${showList(bad)}; only "NET_BIND_SERVICE" may be added.`);
    }
    reportUnlessWindows(pod, found, report, notApplicable);
  },
});

/**
 * R7 procMount_restricted (check_procMount_restricted.go). The library registers it from 1.35, where baseline starts
 * allowing any procMount in user-namespaced pods and restricted keeps refusing it; at 1.34 the baseline check already
 * has exactly this meaning, so both rules report the same field.
 */
export const procMountRestricted = pssRule({
  id: "k8s-pss-proc-mount-restricted",
  check: "R7 procMount_restricted",
  level: "restricted",
  title: "Default /proc mount, even in user namespaces",
  description: "No container sets securityContext.procMount to anything but Default, whatever spec.hostUsers says.",
  tools: [
    { framework: "Polaris", id: "procMount" },
    { framework: "kube-linter", id: "unsafe-proc-mount" },
    { framework: "Kyverno", id: "pod-security/baseline/disallow-proc-mount" },
    { framework: "KSV", id: "KSV-0027" },
  ],
  remediation: "Remove securityContext.procMount (or set it to \"Default\").",
  validate: checkProcMount,
});

export const pssRestrictedRules: PssRule[] = [
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
  capabilitiesRestricted,
  procMountRestricted,
];
