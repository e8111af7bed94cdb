/**
 * Pod Security Standards, baseline level (catalogue §1.1, B1-B12): one rule per check of the PodSecurity admission
 * library at policy version 1.34. Every restricted namespace enforces these too.
 */
import { asArray, get, isRecord, num, records, show } from "../../../lib/values";
import { at, checkProcMount, PSS_VERSION, pssRule, scField, securityContext, showList, type PssRule } from "./pss";

/** B1 windowsHostProcess (check_windowsHostProcess.go). */
export const windowsHostProcess = pssRule({
  id: "k8s-pss-windows-host-process",
  check: "B1 windowsHostProcess",
  level: "baseline",
  title: "No Windows HostProcess containers",
  description: "Neither the pod nor any container sets securityContext.windowsOptions.hostProcess: true (HostProcess containers have host access).",
  tools: [
    { framework: "Polaris", id: "hostProcess" },
    { framework: "Kyverno", id: "pod-security/baseline/disallow-host-process" },
    { framework: "KSV", id: "KSV-0103" },
  ],
  remediation: "Remove securityContext.windowsOptions.hostProcess (or set it to false) at pod and container level; run host-level Windows tasks outside the cluster's workloads.",
  validate(pod, report) {
    const podValue = scField(pod.spec, "windowsOptions.hostProcess");
    if (podValue === true) report(`${pod.path}.securityContext.windowsOptions.hostProcess is true; it must be unset or false.`);
    for (const c of pod.containers) {
      const value = scField(c.container, "windowsOptions.hostProcess");
      if (value === true) report(`${at(pod, c)}: securityContext.windowsOptions.hostProcess is true; it must be unset or false.`);
    }
  },
});

/** B2 hostNamespaces (check_hostNamespaces.go). */
export const hostNamespaces = pssRule({
  id: "k8s-pss-host-namespaces",
  check: "B2 hostNamespaces",
  level: "baseline",
  title: "No host namespaces",
  description: "The pod does not share the node's network, PID or IPC namespace (spec.hostNetwork, spec.hostPID, spec.hostIPC unset or false).",
  tools: [
    { framework: "Polaris", id: "hostNetworkSet" },
    { framework: "Polaris", id: "hostPIDSet" },
    { framework: "Polaris", id: "hostIPCSet" },
    { framework: "kube-linter", id: "host-network" },
    { framework: "kube-linter", id: "host-pid" },
    { framework: "kube-linter", id: "host-ipc" },
    { framework: "CKV", id: "CKV_K8S_19" },
    { framework: "CKV", id: "CKV_K8S_17" },
    { framework: "CKV", id: "CKV_K8S_18" },
    { framework: "Kyverno", id: "pod-security/baseline/disallow-host-namespaces" },
    { framework: "KSV", id: "KSV-0009" },
    { framework: "KSV", id: "KSV-0010" },
    { framework: "KSV", id: "KSV-0008" },
  ],
  remediation: "Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false); expose ports through a Service instead of the node's network.",
  validate(pod, report) {
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
      const value = pod.spec[field];
      if (value === true) report(`${pod.path}.${field} is true; it must be unset or false.`);
    }
  },
});

/** B3 privileged (check_privileged.go). */
export const privileged = pssRule({
  id: "k8s-pss-privileged",
  check: "B3 privileged",
  level: "baseline",
  title: "No privileged containers",
  description: "No container sets securityContext.privileged: true (a privileged container has nearly all the host's capabilities and devices).",
  tools: [
    { framework: "kube-score", id: "container-security-context-privileged" },
    { framework: "Polaris", id: "runAsPrivileged" },
    { framework: "kube-linter", id: "privileged-container" },
    { framework: "CKV", id: "CKV_K8S_16" },
    { framework: "Kyverno", id: "pod-security/baseline/disallow-privileged-containers" },
    { framework: "KSV", id: "KSV-0017" },
  ],
  remediation: "Remove securityContext.privileged (or set it to false); grant only the specific capability the container needs, if any.",
  validate(pod, report) {
    for (const c of pod.containers) {
      const value = scField(c.container, "privileged");
      if (value === true) report(`${at(pod, c)}: securityContext.privileged is true; it must be unset or false.`);
    }
  },
});

/** The container runtime's default capability set: what baseline lets a container add back. Case-sensitive. */
export const BASELINE_CAPABILITIES: readonly string[] = [
  "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
];

/** B4 capabilities_baseline (check_capabilities_baseline.go). */
export const capabilitiesBaseline = pssRule({
  id: "k8s-pss-capabilities-baseline",
  check: "B4 capabilities_baseline",
  level: "baseline",
  title: "Only default capabilities added",
  description: `Containers add no capability beyond the runtime's default set (${BASELINE_CAPABILITIES.join(", ")}); NET_RAW, SYS_ADMIN and the rest are refused, names compared exactly.`,
  tools: [
    { framework: "Polaris", id: "dangerousCapabilities" },
    { framework: "kube-linter", id: "drop-net-raw-capability" },
    { framework: "CKV", id: "CKV_K8S_25" },
    { framework: "CKV", id: "CKV_K8S_28" },
    { framework: "CKV", id: "CKV_K8S_39" },
    { framework: "Kyverno", id: "pod-security/baseline/disallow-capabilities" },
    { framework: "KSV", id: "KSV-0022" },
    { framework: "KSV", id: "KSV-0005" },
    { framework: "KSV", id: "KSV-0119" },
    { framework: "KSV", id: "KSV-0120" },
  ],
  remediation: "Remove the capability from securityContext.capabilities.add; capability names are upper case without the CAP_ prefix (e.g. NET_BIND_SERVICE).",
  validate(pod, report) {
    for (const c of pod.containers) {
      const added = asArray(scField(c.container, "capabilities.add"));
      const bad = added.filter((cap) => typeof cap !== "string" || !BASELINE_CAPABILITIES.includes(cap));
      if (bad.length > 0) {
        report(`${at(pod, c)}: securityContext.capabilities.add contains ${showList(bad)}; only ${BASELINE_CAPABILITIES.join(", ")} may be added (exact, upper-case names).`);
      }
    }
  },
});

/** B5 hostPathVolumes (check_hostPathVolumes.go). */
export const hostPathVolumes = pssRule({
  id: "k8s-pss-host-path-volumes",
  check: "B5 hostPathVolumes",
  level: "baseline",
  title: "No hostPath volumes",
  description: "No volume of the pod is a hostPath volume (it exposes the node's filesystem, e.g. the container runtime socket).",
  tools: [
    { framework: "Polaris", id: "hostPathSet" },
    { framework: "kube-linter", id: "sensitive-host-mounts" },
    { framework: "kube-linter", id: "docker-sock" },
    { framework: "kube-linter", id: "writable-host-mount" },
    { framework: "CKV", id: "CKV_K8S_27" },
    { framework: "Kyverno", id: "pod-security/baseline/disallow-host-path" },
    { framework: "KSV", id: "KSV-0023" },
    { framework: "KSV", id: "KSV-0006" },
  ],
  remediation: "Replace the hostPath volume with an emptyDir, a ConfigMap/Secret, or a PersistentVolumeClaim.",
  validate(pod, report) {
    records(pod.spec["volumes"]).forEach((volume, index) => {
      const hostPath = volume["hostPath"];
      if (hostPath !== undefined && hostPath !== null) {
        report(`${pod.path}.volumes[${index}] ${show(volume["name"])}: hostPath is ${show(hostPath)}; hostPath volumes are not allowed.`);
      }
    });
  },
});

/** B6 hostPorts (check_hostPorts.go). */
export const hostPorts = pssRule({
  id: "k8s-pss-host-ports",
  check: "B6 hostPorts",
  level: "baseline",
  title: "No host ports",
  description: "No container port binds a port of the node (ports[*].hostPort unset or 0).",
  tools: [
    { framework: "Polaris", id: "hostPortSet" },
    { framework: "CKV", id: "CKV_K8S_26" },
    { framework: "Kyverno", id: "pod-security/baseline/disallow-host-ports" },
    { framework: "KSV", id: "KSV-0024" },
  ],
  remediation: "Remove hostPort from the container's ports and reach the container through a Service.",
  validate(pod, report) {
    for (const c of pod.containers) {
      records(c.container["ports"]).forEach((port, index) => {
        const value = port["hostPort"];
        if (value !== undefined && value !== null && num(value) !== 0) {
          report(`${at(pod, c)}: ports[${index}].hostPort is ${show(value)}; it must be unset or 0.`);
        }
      });
    }
  },
});

const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
const APPARMOR_TYPES: readonly string[] = ["RuntimeDefault", "Localhost"];

/** B7 appArmorProfile (check_appArmorProfile.go): the deprecated annotations and the 1.30+ fields. */
export const appArmorProfile = pssRule({
  id: "k8s-pss-apparmor-profile",
  check: "B7 appArmorProfile",
  level: "baseline",
  title: "AppArmor not disabled",
  description:
    "securityContext.appArmorProfile.type (pod and containers) is RuntimeDefault or Localhost when set, and no container.apparmor.security.beta.kubernetes.io/* annotation asks for another profile than runtime/default or localhost/*.",
  tools: [
    { framework: "Polaris", id: "linuxHardening" },
    { framework: "Kyverno", id: "pod-security/baseline/restrict-apparmor-profiles" },
    { framework: "KSV", id: "KSV-0002" },
  ],
  remediation: "Leave AppArmor at the runtime default (omit appArmorProfile) or set appArmorProfile: {type: RuntimeDefault} / {type: Localhost, localhostProfile: ...}; never Unconfined or the \"unconfined\" annotation.",
  validate(pod, report) {
    const annotations = get(pod.metadata, "annotations");
    if (isRecord(annotations)) {
      for (const key of Object.keys(annotations)) {
        if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
        const value = annotations[key];
        const profile = typeof value === "string" ? value : undefined;
        const allowed = profile !== undefined && (profile === "" || profile === "runtime/default" || profile.startsWith("localhost/"));
        if (!allowed && value !== undefined && value !== null) {
          report(`${pod.metadataPath}.annotations["${key}"] is ${show(value)}; it must be "runtime/default", "localhost/<profile>" or empty.`);
        }
      }
    }
    const checkProfile = (where: string, owner: Record<string, unknown>) => {
      const profile = scField(owner, "appArmorProfile");
      if (profile === undefined) return;
      const type = isRecord(profile) ? profile["type"] : undefined;
      if (typeof type !== "string" || !APPARMOR_TYPES.includes(type)) {
        report(`${where}securityContext.appArmorProfile.type is ${show(type)}; it must be "RuntimeDefault" or "Localhost" (or leave appArmorProfile unset).`);
      }
    };
    checkProfile(`${pod.path}.`, pod.spec);
    for (const c of pod.containers) checkProfile(`${at(pod, c)}: `, c.container);
  },
});

/** SELinux types baseline allows at 1.34 (container_engine_t since 1.31). */
export const SELINUX_TYPES: readonly string[] = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

/** B8 seLinuxOptions (check_seLinuxOptions.go). */
export const seLinuxOptions = pssRule({
  id: "k8s-pss-selinux-options",
  check: "B8 seLinuxOptions",
  level: "baseline",
  title: "No custom SELinux user, role or type",
  description: `securityContext.seLinuxOptions (pod and containers) sets no user or role, and a type only from ${SELINUX_TYPES.filter(Boolean).join(", ")}.`,
  tools: [
    { framework: "Polaris", id: "linuxHardening" },
    { framework: "Kyverno", id: "pod-security/baseline/disallow-selinux" },
    { framework: "KSV", id: "KSV-0025" },
  ],
  remediation: "Remove seLinuxOptions.user and .role, and set seLinuxOptions.type only to container_t, container_init_t, container_kvm_t or container_engine_t (or omit it).",
  validate(pod, report) {
    const checkOptions = (where: string, owner: Record<string, unknown>) => {
      const options = scField(owner, "seLinuxOptions");
      if (!isRecord(options)) return;
      const type = options["type"];
      if (type !== undefined && type !== null && !(typeof type === "string" && SELINUX_TYPES.includes(type))) {
        report(`${where}securityContext.seLinuxOptions.type is ${show(type)}; it must be unset, empty or one of ${SELINUX_TYPES.filter(Boolean).join(", ")}.`);
      }
      for (const field of ["user", "role"]) {
        const value = options[field];
        if (value !== undefined && value !== null && value !== "") report(`${where}securityContext.seLinuxOptions.${field} is ${show(value)}; it must be unset or empty.`);
      }
    };
    checkOptions(`${pod.path}.`, pod.spec);
    for (const c of pod.containers) checkOptions(`${at(pod, c)}: `, c.container);
  },
});

/** B9 procMount (check_procMount_baseline.go; at 1.34 without the 1.35 user-namespace relaxation). */
export const procMount = pssRule({
  id: "k8s-pss-proc-mount",
  check: "B9 procMount",
  level: "baseline",
  title: "Default /proc mount",
  description: "No container sets securityContext.procMount to anything but Default (Unmasked exposes the host's /proc paths); at 1.34 spec.hostUsers: false does not relax this.",
  tools: [
    { framework: "Polaris", id: "procMount" },
    { framework: "kube-linter", id: "unsafe-proc-mount" },
    { framework: "Kyverno", id: "pod-security/baseline/disallow-proc-mount" },
    { framework: "KSV", id: "KSV-0027" },
  ],
  remediation: "Remove securityContext.procMount (or set it to \"Default\").",
  validate: checkProcMount,
});

const SECCOMP_TYPES: readonly string[] = ["RuntimeDefault", "Localhost"];

/** B10 seccompProfile_baseline (check_seccompProfile_baseline.go, the 1.19+ field check). */
export const seccompProfileBaseline = pssRule({
  id: "k8s-pss-seccomp-profile-baseline",
  check: "B10 seccompProfile_baseline",
  level: "baseline",
  title: "Seccomp not disabled",
  description: "securityContext.seccompProfile.type (pod and containers) is RuntimeDefault or Localhost wherever a seccompProfile is set; Unconfined is refused. The pre-1.19 seccomp annotations are not checked at this version.",
  tools: [
    { framework: "kube-score", id: "container-seccomp-profile" },
    { framework: "Polaris", id: "linuxHardening" },
    { framework: "CKV", id: "CKV_K8S_31" },
    { framework: "Kyverno", id: "pod-security/baseline/restrict-seccomp" },
    { framework: "KSV", id: "KSV-0104" },
  ],
  remediation: "Set seccompProfile: {type: RuntimeDefault} (or Localhost with a localhostProfile) instead of Unconfined.",
  validate(pod, report) {
    const checkProfile = (where: string, owner: Record<string, unknown>) => {
      const profile = scField(owner, "seccompProfile");
      if (profile === undefined) return;
      const type = isRecord(profile) ? profile["type"] : undefined;
      if (typeof type !== "string" || !SECCOMP_TYPES.includes(type)) {
        report(`${where}securityContext.seccompProfile.type is ${show(type)}; it must be "RuntimeDefault" or "Localhost".`);
      }
    };
    checkProfile(`${pod.path}.`, pod.spec);
    for (const c of pod.containers) checkProfile(`${at(pod, c)}: `, c.container);
  },
});

/** The sysctls baseline allows at 1.34: the 1.0 set plus the 1.27, 1.29 and 1.32 additions (not those of 1.37). */
export const SAFE_SYSCTLS: readonly string[] = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
  // 1.27
  "net.ipv4.ip_local_reserved_ports",
  // 1.29
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  // 1.32
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
];

/** B11 sysctls (check_sysctls.go). */
export const sysctls = pssRule({
  id: "k8s-pss-sysctls",
  check: "B11 sysctls",
  level: "baseline",
  title: "Only safe sysctls",
  description: `spec.securityContext.sysctls names only the namespaced, isolated sysctls the ${PSS_VERSION} baseline allows (${SAFE_SYSCTLS.join(", ")}).`,
  tools: [
    { framework: "kube-linter", id: "unsafe-sysctls" },
    { framework: "Kyverno", id: "pod-security/baseline/restrict-sysctls" },
    { framework: "KSV", id: "KSV-0026" },
  ],
  remediation: "Remove the sysctl from spec.securityContext.sysctls, or tune it on the node (e.g. in the node group's launch template) instead.",
  validate(pod, report) {
    const sc = securityContext(pod.spec);
    if (!sc) return;
    records(sc["sysctls"]).forEach((sysctl, index) => {
      const name = sysctl["name"];
      if (typeof name !== "string" || !SAFE_SYSCTLS.includes(name)) {
        report(`${pod.path}.securityContext.sysctls[${index}].name is ${show(name)}; allowed at v${PSS_VERSION}: ${SAFE_SYSCTLS.join(", ")}.`);
      }
    });
  },
});

/** B12 hostProbesAndHostLifecycle (check_hostProbesAndhostLifecycle.go, 1.34+). */
export const hostProbesAndHostLifecycle = pssRule({
  id: "k8s-pss-host-probes-and-host-lifecycle",
  check: "B12 hostProbesAndHostLifecycle",
  level: "baseline",
  title: "No host in probes or lifecycle handlers",
  description:
    "No liveness, readiness or startup probe and no postStart/preStop handler sets httpGet.host or tcpSocket.host (the kubelet would connect to any address named there, from the node).",
  // No other tool checks this 1.34 control yet (catalogue §1.3, §6.1).
  tools: [],
  remediation: "Remove host from the probe or lifecycle handler: the kubelet then connects to the pod's own IP. To probe a process bound to 127.0.0.1, use an exec probe or bind the port on the pod IP.",
  validate(pod, report) {
    const handlers = [
      ["livenessProbe"],
      ["readinessProbe"],
      ["startupProbe"],
      ["lifecycle", "postStart"],
      ["lifecycle", "preStop"],
    ];
    for (const c of pod.containers) {
      for (const handlerPath of handlers) {
        const handler = get(c.container, handlerPath.join("."));
        if (!isRecord(handler)) continue;
        for (const action of ["httpGet", "tcpSocket"]) {
          const host = get(handler, `${action}.host`);
          if (host !== undefined && host !== null && host !== "") {
            report(`${at(pod, c)}: ${handlerPath.join(".")}.${action}.host is ${show(host)}; it must be unset or empty.`);
          }
        }
      }
    }
  },
});

export const pssBaselineRules: PssRule[] = [
  windowsHostProcess,
  hostNamespaces,
  privileged,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  appArmorProfile,
  seLinuxOptions,
  procMount,
  seccompProfileBaseline,
  sysctls,
  hostProbesAndHostLifecycle,
];
