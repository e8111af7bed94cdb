/**
 * Cases for the Pod Security Standards rules (policy version 1.34) and k8s-high-uid-gid: the compliant pod of
 * fixtures/pod-security.ts with one mutation each. The official PSA fixtures are replayed separately in
 * test/policy/pss-conformance.test.ts; these cases add what they do not cover: every workload kind and the CronJob
 * path, messages naming the field, pod/container precedence both ways, ephemeral containers and unknowns at preview.
 */
import type { PolicyCase } from "../support/cases";
import type { Obj } from "../fixtures/k8s";
import {
  addEphemeral,
  container,
  cronRes,
  DEP,
  depRes,
  CRON,
  DS,
  JOB,
  POD,
  podRes,
  pssSpec as spec,
  RS,
  sc,
  STS,
  UNKNOWN,
  workloadRes,
} from "../fixtures/pod-security";

const app = (s: Obj) => container(s, "containers");
const init = (s: Obj) => container(s, "initContainers");
const CRON_PATH = "spec.jobTemplate.spec.template.spec";
const APP = 'spec.template.spec.containers[0] "app"';
const MIGRATE = 'spec.template.spec.initContainers[0] "migrate"';
/** A literal string as a RegExp source. */
const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const windowsHostProcess: PolicyCase[] = [
  { rule: "k8s-pss-windows-host-process", name: "hostProcess unset everywhere (default)", expect: "pass", resources: [depRes()] },
  {
    rule: "k8s-pss-windows-host-process",
    name: "hostProcess explicitly false at pod and container level",
    expect: "pass",
    resources: [depRes(spec((s) => { sc(s)["windowsOptions"] = { hostProcess: false }; sc(app(s))["windowsOptions"] = { hostProcess: false }; }))],
  },
  {
    rule: "k8s-pss-windows-host-process",
    name: "pod-level hostProcess true",
    expect: "fail",
    message: "spec.template.spec.securityContext.windowsOptions.hostProcess is true",
    resources: [depRes(spec((s) => { sc(s)["windowsOptions"] = { hostProcess: true }; }))],
  },
  {
    rule: "k8s-pss-windows-host-process",
    name: "container true overrides pod-level false: still refused",
    expect: "fail",
    message: `${APP}: securityContext.windowsOptions.hostProcess is true`,
    resources: [depRes(spec((s) => { sc(s)["windowsOptions"] = { hostProcess: false }; sc(app(s))["windowsOptions"] = { hostProcess: true }; }))],
  },
  {
    rule: "k8s-pss-windows-host-process",
    name: "pod-level true with every container false: the pod-level value is refused on its own",
    expect: "fail",
    message: "spec.template.spec.securityContext.windowsOptions.hostProcess",
    resources: [depRes(spec((s) => { sc(s)["windowsOptions"] = { hostProcess: true }; sc(app(s))["windowsOptions"] = { hostProcess: false }; sc(init(s))["windowsOptions"] = { hostProcess: false }; }))],
  },
  {
    rule: "k8s-pss-windows-host-process",
    name: "init container hostProcess true",
    expect: "fail",
    message: `${MIGRATE}: securityContext.windowsOptions.hostProcess is true`,
    resources: [depRes(spec((s) => { sc(init(s))["windowsOptions"] = { hostProcess: true }; }))],
  },
  {
    rule: "k8s-pss-windows-host-process",
    name: "CronJob pod template is checked",
    expect: "fail",
    message: `${CRON_PATH}.securityContext.windowsOptions.hostProcess`,
    resources: [cronRes(spec((s) => { sc(s)["windowsOptions"] = { hostProcess: true }; }))],
  },
  {
    rule: "k8s-pss-windows-host-process",
    name: "hostProcess unknown at preview",
    expect: "undecided",
    resources: [depRes(spec((s) => { sc(app(s))["windowsOptions"] = { hostProcess: UNKNOWN.boolean }; }))],
  },
];

const hostNamespaces: PolicyCase[] = [
  { rule: "k8s-pss-host-namespaces", name: "host namespaces unset (default)", expect: "pass", resources: [depRes()] },
  {
    rule: "k8s-pss-host-namespaces",
    name: "hostNetwork, hostPID and hostIPC explicitly false",
    expect: "pass",
    resources: [depRes(spec((s) => Object.assign(s, { hostNetwork: false, hostPID: false, hostIPC: false })))],
  },
  { rule: "k8s-pss-host-namespaces", name: "hostNetwork true", expect: "fail", message: "spec.template.spec.hostNetwork is true", resources: [depRes(spec((s) => { s["hostNetwork"] = true; }))] },
  { rule: "k8s-pss-host-namespaces", name: "hostPID true on a bare Pod", expect: "fail", message: "spec.hostPID is true", resources: [podRes(spec((s) => { s["hostPID"] = true; }))] },
  { rule: "k8s-pss-host-namespaces", name: "hostIPC true", expect: "fail", message: "hostIPC", resources: [depRes(spec((s) => { s["hostIPC"] = true; }))] },
  { rule: "k8s-pss-host-namespaces", name: "CronJob pod template is checked", expect: "fail", message: `${CRON_PATH}.hostNetwork`, resources: [cronRes(spec((s) => { s["hostNetwork"] = true; }))] },
  { rule: "k8s-pss-host-namespaces", name: "hostNetwork unknown at preview", expect: "undecided", resources: [depRes(spec((s) => { s["hostNetwork"] = UNKNOWN.boolean; }))] },
];

const privileged: PolicyCase[] = [
  { rule: "k8s-pss-privileged", name: "privileged unset (default)", expect: "pass", resources: [depRes()] },
  { rule: "k8s-pss-privileged", name: "privileged explicitly false", expect: "pass", resources: [depRes(spec((s) => { sc(app(s))["privileged"] = false; }))] },
  { rule: "k8s-pss-privileged", name: "privileged app container", expect: "fail", message: `${APP}: securityContext.privileged is true`, resources: [depRes(spec((s) => { sc(app(s))["privileged"] = true; }))] },
  { rule: "k8s-pss-privileged", name: "privileged init container", expect: "fail", message: `${MIGRATE}: securityContext.privileged is true`, resources: [depRes(spec((s) => { sc(init(s))["privileged"] = true; }))] },
  {
    rule: "k8s-pss-privileged",
    name: "privileged ephemeral (debug) container",
    expect: "fail",
    message: 'ephemeralContainers[0] "debugger"',
    resources: [depRes(spec((s) => addEphemeral(s, (c) => { sc(c)["privileged"] = true; })))],
  },
  { rule: "k8s-pss-privileged", name: "CronJob pod template is checked", expect: "fail", message: `${CRON_PATH}.containers[0] "app": securityContext.privileged is true`, resources: [cronRes(spec((s) => { sc(app(s))["privileged"] = true; }))] },
  { rule: "k8s-pss-privileged", name: "privileged unknown at preview", expect: "undecided", resources: [depRes(spec((s) => { sc(app(s))["privileged"] = UNKNOWN.boolean; }))] },
];

const capabilitiesBaseline: PolicyCase[] = [
  { rule: "k8s-pss-capabilities-baseline", name: "nothing added (default)", expect: "pass", resources: [depRes()] },
  {
    rule: "k8s-pss-capabilities-baseline",
    name: "adds only capabilities of the runtime's default set",
    expect: "pass",
    resources: [depRes(spec((s) => { sc(app(s))["capabilities"] = { drop: ["ALL"], add: ["NET_BIND_SERVICE", "CHOWN", "SETUID"] }; }))],
  },
  {
    rule: "k8s-pss-capabilities-baseline",
    name: "adds NET_RAW (not in the default set)",
    expect: "fail",
    message: `${APP}: securityContext.capabilities.add contains ["NET_RAW"]`,
    resources: [depRes(spec((s) => { sc(app(s))["capabilities"] = { drop: ["ALL"], add: ["NET_RAW"] }; }))],
  },
  {
    rule: "k8s-pss-capabilities-baseline",
    name: "lower-case chown: names are compared exactly",
    expect: "fail",
    message: '"chown"',
    resources: [depRes(spec((s) => { sc(app(s))["capabilities"] = { drop: ["ALL"], add: ["chown"] }; }))],
  },
  {
    rule: "k8s-pss-capabilities-baseline",
    name: "CAP_-prefixed name is not the default-set name",
    expect: "fail",
    message: '"CAP_CHOWN"',
    resources: [depRes(spec((s) => { sc(app(s))["capabilities"] = { drop: ["ALL"], add: ["CAP_CHOWN"] }; }))],
  },
  {
    rule: "k8s-pss-capabilities-baseline",
    name: "init container adds SYS_ADMIN",
    expect: "fail",
    message: `${MIGRATE}: securityContext.capabilities.add contains ["SYS_ADMIN"]`,
    resources: [depRes(spec((s) => { sc(init(s))["capabilities"] = { drop: ["ALL"], add: ["SYS_ADMIN"] }; }))],
  },
  {
    rule: "k8s-pss-capabilities-baseline",
    name: "CronJob pod template is checked",
    expect: "fail",
    message: `${CRON_PATH}.containers[0] "app": securityContext.capabilities.add contains ["NET_ADMIN"]`,
    resources: [cronRes(spec((s) => { sc(app(s))["capabilities"] = { add: ["NET_ADMIN"] }; }))],
  },
  {
    rule: "k8s-pss-capabilities-baseline",
    name: "capabilities.add unknown at preview",
    expect: "undecided",
    resources: [depRes(spec((s) => { sc(app(s))["capabilities"] = { drop: ["ALL"], add: UNKNOWN.array }; }))],
  },
];

const hostPathVolumes: PolicyCase[] = [
  { rule: "k8s-pss-host-path-volumes", name: "emptyDir only", expect: "pass", resources: [depRes()] },
  {
    rule: "k8s-pss-host-path-volumes",
    name: "hostPath to the container runtime socket",
    expect: "fail",
    message: 'spec.template.spec.volumes[1] "sock": hostPath is {"path":"/run/containerd/containerd.sock"}',
    resources: [depRes(spec((s) => { (s["volumes"] as Obj[]).push({ name: "sock", hostPath: { path: "/run/containerd/containerd.sock" } }); }))],
  },
  {
    rule: "k8s-pss-host-path-volumes",
    name: "CronJob pod template is checked",
    expect: "fail",
    message: `${CRON_PATH}.volumes[1]`,
    resources: [cronRes(spec((s) => { (s["volumes"] as Obj[]).push({ name: "logs", hostPath: { path: "/var/log" } }); }))],
  },
  {
    rule: "k8s-pss-host-path-volumes",
    name: "volume source unknown at preview",
    expect: "undecided",
    resources: [depRes(spec((s) => { (s["volumes"] as Obj[]).push({ name: "data", hostPath: UNKNOWN.object }); }))],
  },
];

const hostPorts: PolicyCase[] = [
  { rule: "k8s-pss-host-ports", name: "containerPort without hostPort (default)", expect: "pass", resources: [depRes()] },
  { rule: "k8s-pss-host-ports", name: "hostPort 0 means none", expect: "pass", resources: [depRes(spec((s) => { (app(s)["ports"] as Obj[])[0]!["hostPort"] = 0; }))] },
  {
    rule: "k8s-pss-host-ports",
    name: "hostPort on the app container",
    expect: "fail",
    message: `${APP}: ports[0].hostPort is 8283`,
    resources: [depRes(spec((s) => { (app(s)["ports"] as Obj[])[0]!["hostPort"] = 8283; }))],
  },
  {
    rule: "k8s-pss-host-ports",
    name: "hostPort on an init container",
    expect: "fail",
    message: `${MIGRATE}: ports[0].hostPort is 9000`,
    resources: [depRes(spec((s) => { init(s)["ports"] = [{ containerPort: 9000, hostPort: 9000 }]; }))],
  },
  { rule: "k8s-pss-host-ports", name: "CronJob pod template is checked", expect: "fail", message: `${CRON_PATH}.containers[0] "app": ports[0].hostPort is 80`, resources: [cronRes(spec((s) => { (app(s)["ports"] as Obj[])[0]!["hostPort"] = 80; }))] },
  { rule: "k8s-pss-host-ports", name: "hostPort unknown at preview", expect: "undecided", resources: [depRes(spec((s) => { (app(s)["ports"] as Obj[])[0]!["hostPort"] = UNKNOWN.number; }))] },
];

const AA = "container.apparmor.security.beta.kubernetes.io/app";
const appArmor: PolicyCase[] = [
  { rule: "k8s-pss-apparmor-profile", name: "AppArmor unset (runtime default applies)", expect: "pass", resources: [depRes()] },
  { rule: "k8s-pss-apparmor-profile", name: "annotation runtime/default", expect: "pass", resources: [depRes(spec(), { [AA]: "runtime/default" })] },
  { rule: "k8s-pss-apparmor-profile", name: "annotation localhost/<profile>", expect: "pass", resources: [depRes(spec(), { [AA]: "localhost/agent" })] },
  {
    rule: "k8s-pss-apparmor-profile",
    name: "fields RuntimeDefault on the pod and Localhost on a container",
    expect: "pass",
    resources: [depRes(spec((s) => { sc(s)["appArmorProfile"] = { type: "RuntimeDefault" }; sc(app(s))["appArmorProfile"] = { type: "Localhost", localhostProfile: "agent" }; }))],
  },
  {
    rule: "k8s-pss-apparmor-profile",
    name: "annotation unconfined on the pod template",
    expect: "fail",
    message: `spec.template.metadata.annotations["${AA}"] is "unconfined"`,
    resources: [depRes(spec(), { [AA]: "unconfined" })],
  },
  {
    rule: "k8s-pss-apparmor-profile",
    name: "pod-level field Unconfined",
    expect: "fail",
    message: 'spec.template.spec.securityContext.appArmorProfile.type is "Unconfined"',
    resources: [depRes(spec((s) => { sc(s)["appArmorProfile"] = { type: "Unconfined" }; }))],
  },
  {
    rule: "k8s-pss-apparmor-profile",
    name: "container Unconfined overrides pod-level RuntimeDefault",
    expect: "fail",
    message: `${APP}: securityContext.appArmorProfile.type is "Unconfined"`,
    resources: [depRes(spec((s) => { sc(s)["appArmorProfile"] = { type: "RuntimeDefault" }; sc(app(s))["appArmorProfile"] = { type: "Unconfined" }; }))],
  },
  {
    rule: "k8s-pss-apparmor-profile",
    name: "pod-level Unconfined with every container RuntimeDefault: the pod-level value is refused on its own",
    expect: "fail",
    message: "spec.template.spec.securityContext.appArmorProfile.type",
    resources: [depRes(spec((s) => { sc(s)["appArmorProfile"] = { type: "Unconfined" }; sc(app(s))["appArmorProfile"] = { type: "RuntimeDefault" }; sc(init(s))["appArmorProfile"] = { type: "RuntimeDefault" }; }))],
  },
  {
    rule: "k8s-pss-apparmor-profile",
    name: "appArmorProfile without a type",
    expect: "fail",
    message: "appArmorProfile.type is unset",
    resources: [depRes(spec((s) => { sc(init(s))["appArmorProfile"] = {}; }))],
  },
  {
    rule: "k8s-pss-apparmor-profile",
    name: "init container field Unconfined",
    expect: "fail",
    message: `${MIGRATE}: securityContext.appArmorProfile.type is "Unconfined"`,
    resources: [depRes(spec((s) => { sc(init(s))["appArmorProfile"] = { type: "Unconfined" }; }))],
  },
  {
    rule: "k8s-pss-apparmor-profile",
    name: "CronJob template annotations are checked",
    expect: "fail",
    message: "spec.jobTemplate.spec.template.metadata.annotations",
    resources: [cronRes(spec(), { [AA]: "unconfined" })],
  },
  {
    rule: "k8s-pss-apparmor-profile",
    name: "profile type unknown at preview",
    expect: "undecided",
    resources: [depRes(spec((s) => { sc(app(s))["appArmorProfile"] = { type: UNKNOWN.string }; }))],
  },
];

const seLinux: PolicyCase[] = [
  { rule: "k8s-pss-selinux-options", name: "seLinuxOptions unset (default)", expect: "pass", resources: [depRes()] },
  {
    rule: "k8s-pss-selinux-options",
    name: "allowed types, and a level (levels are not restricted)",
    expect: "pass",
    resources: [depRes(spec((s) => { sc(s)["seLinuxOptions"] = { type: "container_t", level: "s0:c123,c456" }; sc(init(s))["seLinuxOptions"] = { type: "container_init_t" }; }))],
  },
  {
    rule: "k8s-pss-selinux-options",
    name: "container_engine_t is allowed from 1.31",
    expect: "pass",
    resources: [depRes(spec((s) => { sc(app(s))["seLinuxOptions"] = { type: "container_engine_t" }; }))],
  },
  {
    rule: "k8s-pss-selinux-options",
    name: "spc_t (super-privileged container) at pod level",
    expect: "fail",
    message: 'spec.template.spec.securityContext.seLinuxOptions.type is "spc_t"',
    resources: [depRes(spec((s) => { sc(s)["seLinuxOptions"] = { type: "spc_t" }; }))],
  },
  {
    rule: "k8s-pss-selinux-options",
    name: "container type spc_t overrides an allowed pod-level type",
    expect: "fail",
    message: `${APP}: securityContext.seLinuxOptions.type is "spc_t"`,
    resources: [depRes(spec((s) => { sc(s)["seLinuxOptions"] = { type: "container_t" }; sc(app(s))["seLinuxOptions"] = { type: "spc_t" }; }))],
  },
  {
    rule: "k8s-pss-selinux-options",
    name: "custom SELinux user",
    expect: "fail",
    message: 'seLinuxOptions.user is "system_u"',
    resources: [depRes(spec((s) => { sc(s)["seLinuxOptions"] = { user: "system_u" }; }))],
  },
  {
    rule: "k8s-pss-selinux-options",
    name: "custom SELinux role on the init container",
    expect: "fail",
    message: `${MIGRATE}: securityContext.seLinuxOptions.role is "system_r"`,
    resources: [depRes(spec((s) => { sc(init(s))["seLinuxOptions"] = { role: "system_r" }; }))],
  },
  { rule: "k8s-pss-selinux-options", name: "CronJob pod template is checked", expect: "fail", message: `${CRON_PATH}.securityContext.seLinuxOptions.type is "unconfined_t"`, resources: [cronRes(spec((s) => { sc(s)["seLinuxOptions"] = { type: "unconfined_t" }; }))] },
  {
    rule: "k8s-pss-selinux-options",
    name: "SELinux type unknown at preview",
    expect: "undecided",
    resources: [depRes(spec((s) => { sc(app(s))["seLinuxOptions"] = { type: UNKNOWN.string }; }))],
  },
];

function procMountCases(rule: string): PolicyCase[] {
  return [
    { rule, name: "procMount unset (default)", expect: "pass", resources: [depRes()] },
    { rule, name: "procMount Default", expect: "pass", resources: [depRes(spec((s) => { sc(app(s))["procMount"] = "Default"; }))] },
    { rule, name: "procMount Unmasked", expect: "fail", message: `${APP}: securityContext.procMount is "Unmasked"`, resources: [depRes(spec((s) => { sc(app(s))["procMount"] = "Unmasked"; }))] },
    {
      rule,
      name: "Unmasked in a user-namespaced pod (hostUsers: false): the 1.35 relaxation does not apply at 1.34",
      expect: "fail",
      message: "Unmasked",
      resources: [depRes(spec((s) => { s["hostUsers"] = false; sc(app(s))["procMount"] = "Unmasked"; }))],
    },
    { rule, name: "init container Unmasked", expect: "fail", message: `${MIGRATE}: securityContext.procMount is "Unmasked"`, resources: [depRes(spec((s) => { sc(init(s))["procMount"] = "Unmasked"; }))] },
    { rule, name: "CronJob pod template is checked", expect: "fail", message: `${CRON_PATH}.containers[0] "app": securityContext.procMount is "Unmasked"`, resources: [cronRes(spec((s) => { sc(app(s))["procMount"] = "Unmasked"; }))] },
    { rule, name: "procMount unknown at preview", expect: "undecided", resources: [depRes(spec((s) => { sc(app(s))["procMount"] = UNKNOWN.string; }))] },
  ];
}

const seccompBaseline: PolicyCase[] = [
  { rule: "k8s-pss-seccomp-profile-baseline", name: "pod-level RuntimeDefault", expect: "pass", resources: [depRes()] },
  {
    rule: "k8s-pss-seccomp-profile-baseline",
    name: "seccompProfile unset everywhere: baseline allows it (restricted does not)",
    expect: "pass",
    resources: [depRes(spec((s) => { delete sc(s)["seccompProfile"]; }))],
  },
  {
    rule: "k8s-pss-seccomp-profile-baseline",
    name: "Localhost profile on a container",
    expect: "pass",
    resources: [depRes(spec((s) => { sc(app(s))["seccompProfile"] = { type: "Localhost", localhostProfile: "profiles/agent.json" }; }))],
  },
  {
    rule: "k8s-pss-seccomp-profile-baseline",
    name: "pod-level Unconfined",
    expect: "fail",
    message: 'spec.template.spec.securityContext.seccompProfile.type is "Unconfined"',
    resources: [depRes(spec((s) => { sc(s)["seccompProfile"] = { type: "Unconfined" }; }))],
  },
  {
    rule: "k8s-pss-seccomp-profile-baseline",
    name: "container Unconfined overrides pod-level RuntimeDefault",
    expect: "fail",
    message: `${APP}: securityContext.seccompProfile.type is "Unconfined"`,
    resources: [depRes(spec((s) => { sc(app(s))["seccompProfile"] = { type: "Unconfined" }; }))],
  },
  {
    rule: "k8s-pss-seccomp-profile-baseline",
    name: "seccompProfile without a type on the init container",
    expect: "fail",
    message: `${MIGRATE}: securityContext.seccompProfile.type is unset`,
    resources: [depRes(spec((s) => { sc(init(s))["seccompProfile"] = {}; }))],
  },
  {
    rule: "k8s-pss-seccomp-profile-baseline",
    name: "seccomp annotations are not read at 1.34 (only the fields are)",
    expect: "pass",
    resources: [depRes(spec(), { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" })],
  },
  { rule: "k8s-pss-seccomp-profile-baseline", name: "CronJob pod template is checked", expect: "fail", message: `${CRON_PATH}.securityContext.seccompProfile.type is "Unconfined"`, resources: [cronRes(spec((s) => { sc(s)["seccompProfile"] = { type: "Unconfined" }; }))] },
  {
    rule: "k8s-pss-seccomp-profile-baseline",
    name: "profile type unknown at preview",
    expect: "undecided",
    resources: [depRes(spec((s) => { sc(s)["seccompProfile"] = { type: UNKNOWN.string }; }))],
  },
];

const sysctl = (name: string) => (s: Obj) => { sc(s)["sysctls"] = [{ name, value: "1" }]; };
const sysctls: PolicyCase[] = [
  { rule: "k8s-pss-sysctls", name: "no sysctls (default)", expect: "pass", resources: [depRes()] },
  { rule: "k8s-pss-sysctls", name: "net.ipv4.tcp_keepalive_time (allowed since 1.29)", expect: "pass", resources: [depRes(spec(sysctl("net.ipv4.tcp_keepalive_time")))] },
  { rule: "k8s-pss-sysctls", name: "net.ipv4.tcp_rmem (allowed since 1.32)", expect: "pass", resources: [depRes(spec(sysctl("net.ipv4.tcp_rmem")))] },
  {
    rule: "k8s-pss-sysctls",
    name: "net.ipv4.tcp_slow_start_after_idle is only allowed from 1.37",
    expect: "fail",
    message: 'spec.template.spec.securityContext.sysctls[0].name is "net.ipv4.tcp_slow_start_after_idle"',
    resources: [depRes(spec(sysctl("net.ipv4.tcp_slow_start_after_idle")))],
  },
  { rule: "k8s-pss-sysctls", name: "kernel.msgmax is not namespaced-safe", expect: "fail", message: '"kernel.msgmax"', resources: [depRes(spec(sysctl("kernel.msgmax")))] },
  { rule: "k8s-pss-sysctls", name: "CronJob pod template is checked", expect: "fail", message: `${CRON_PATH}.securityContext.sysctls[0]`, resources: [cronRes(spec(sysctl("vm.swappiness")))] },
  { rule: "k8s-pss-sysctls", name: "sysctl name unknown at preview", expect: "undecided", resources: [depRes(spec(sysctl(UNKNOWN.string)))] },
];

const hostProbes: PolicyCase[] = [
  { rule: "k8s-pss-host-probes-and-host-lifecycle", name: "probes without host (the kubelet uses the pod IP)", expect: "pass", resources: [depRes()] },
  {
    rule: "k8s-pss-host-probes-and-host-lifecycle",
    name: "empty host, exec probe and sleep preStop",
    expect: "pass",
    resources: [depRes(spec((s) => {
      app(s)["readinessProbe"] = { httpGet: { path: "/v1/ready/", port: "http", host: "" } };
      app(s)["startupProbe"] = { exec: { command: ["true"] } };
      app(s)["lifecycle"] = { preStop: { sleep: { seconds: 10 } } };
    }))],
  },
  {
    rule: "k8s-pss-host-probes-and-host-lifecycle",
    name: "tcpSocket probe to 127.0.0.1 (the shape of a loopback-only sidecar)",
    expect: "fail",
    message: `${APP}: livenessProbe.tcpSocket.host is "127.0.0.1"`,
    resources: [depRes(spec((s) => { app(s)["livenessProbe"] = { tcpSocket: { port: 6379, host: "127.0.0.1" } }; }))],
  },
  {
    rule: "k8s-pss-host-probes-and-host-lifecycle",
    name: "preStop httpGet to another host",
    expect: "fail",
    message: 'lifecycle.preStop.httpGet.host is "metadata.internal"',
    resources: [depRes(spec((s) => { app(s)["lifecycle"] = { preStop: { httpGet: { path: "/", port: 80, host: "metadata.internal" } } }; }))],
  },
  {
    rule: "k8s-pss-host-probes-and-host-lifecycle",
    name: "native sidecar (init container, restartPolicy Always) with a startupProbe host",
    expect: "fail",
    message: `${MIGRATE}: startupProbe.tcpSocket.host is "::1"`,
    resources: [depRes(spec((s) => { Object.assign(init(s), { restartPolicy: "Always", startupProbe: { tcpSocket: { port: 6379, host: "::1" } } }); }))],
  },
  {
    rule: "k8s-pss-host-probes-and-host-lifecycle",
    name: "CronJob pod template is checked",
    expect: "fail",
    message: `${CRON_PATH}.containers[0] "app": lifecycle.postStart.httpGet.host is "10.0.0.1"`,
    resources: [cronRes(spec((s) => { app(s)["lifecycle"] = { postStart: { httpGet: { path: "/", port: 80, host: "10.0.0.1" } } }; }))],
  },
  {
    rule: "k8s-pss-host-probes-and-host-lifecycle",
    name: "probe host unknown at preview",
    expect: "undecided",
    resources: [depRes(spec((s) => { app(s)["readinessProbe"] = { httpGet: { path: "/", port: "http", host: UNKNOWN.string } }; }))],
  },
];

const restrictedVolumes: PolicyCase[] = [
  {
    rule: "k8s-pss-restricted-volumes",
    name: "every allowed volume source (image included since 1.33)",
    expect: "pass",
    resources: [depRes(spec((s) => {
      s["volumes"] = [
        { name: "tmp", emptyDir: {} },
        { name: "cfg", configMap: { name: "cfg" } },
        { name: "sec", secret: { secretName: "sec" } },
        { name: "proj", projected: { sources: [] } },
        { name: "down", downwardAPI: { items: [] } },
        { name: "pvc", persistentVolumeClaim: { claimName: "data" } },
        { name: "csi", csi: { driver: "secrets-store.csi.k8s.io" } },
        { name: "eph", ephemeral: { volumeClaimTemplate: { spec: {} } } },
        { name: "img", image: { reference: "registry.example/models:1" } },
      ];
    }))],
  },
  { rule: "k8s-pss-restricted-volumes", name: "volume without a source (the API defaults it to emptyDir)", expect: "pass", resources: [depRes(spec((s) => { s["volumes"] = [{ name: "scratch" }]; }))] },
  {
    rule: "k8s-pss-restricted-volumes",
    name: "nfs volume",
    expect: "fail",
    message: 'spec.template.spec.volumes[1] "share": uses the nfs volume source',
    resources: [depRes(spec((s) => { (s["volumes"] as Obj[]).push({ name: "share", nfs: { server: "fs", path: "/" } }); }))],
  },
  {
    rule: "k8s-pss-restricted-volumes",
    name: "awsElasticBlockStore directly instead of through a claim",
    expect: "fail",
    message: "awsElasticBlockStore",
    resources: [depRes(spec((s) => { (s["volumes"] as Obj[]).push({ name: "disk", awsElasticBlockStore: { volumeID: "vol-1" } }); }))],
  },
  {
    rule: "k8s-pss-restricted-volumes",
    name: "hostPath (also refused by baseline)",
    expect: "fail",
    message: "hostPath",
    resources: [podRes(spec((s) => { (s["volumes"] as Obj[]).push({ name: "host", hostPath: { path: "/" } }); }))],
  },
  {
    rule: "k8s-pss-restricted-volumes",
    name: "CronJob pod template is checked",
    expect: "fail",
    message: `${CRON_PATH}.volumes[1]`,
    resources: [cronRes(spec((s) => { (s["volumes"] as Obj[]).push({ name: "repo", gitRepo: { repository: "https://example/x.git" } }); }))],
  },
  {
    rule: "k8s-pss-restricted-volumes",
    name: "volume source unknown at preview",
    expect: "undecided",
    resources: [depRes(spec((s) => { (s["volumes"] as Obj[]).push({ name: "data", nfs: UNKNOWN.object }); }))],
  },
];

const WINDOWS_BARE = (s: Obj) => {
  s["os"] = { name: "windows" };
  for (const c of [app(s), init(s)]) delete c["securityContext"];
  s["securityContext"] = { runAsNonRoot: true };
};

const allowPrivilegeEscalation: PolicyCase[] = [
  { rule: "k8s-pss-allow-privilege-escalation", name: "explicitly false everywhere", expect: "pass", resources: [depRes()] },
  {
    rule: "k8s-pss-allow-privilege-escalation",
    name: "unset on the app container (the default allows escalation)",
    expect: "fail",
    message: `${APP}: securityContext.allowPrivilegeEscalation is unset; it must be false`,
    resources: [depRes(spec((s) => { delete sc(app(s))["allowPrivilegeEscalation"]; }))],
  },
  {
    rule: "k8s-pss-allow-privilege-escalation",
    name: "explicitly true",
    expect: "fail",
    message: "allowPrivilegeEscalation is true",
    resources: [depRes(spec((s) => { sc(app(s))["allowPrivilegeEscalation"] = true; }))],
  },
  {
    rule: "k8s-pss-allow-privilege-escalation",
    name: "no securityContext at all on the init container",
    expect: "fail",
    message: `${MIGRATE}: securityContext.allowPrivilegeEscalation is unset`,
    resources: [depRes(spec((s) => { delete init(s)["securityContext"]; }))],
  },
  {
    rule: "k8s-pss-allow-privilege-escalation",
    name: "ephemeral container without the setting",
    expect: "fail",
    message: 'ephemeralContainers[0] "debugger"',
    resources: [depRes(spec((s) => addEphemeral(s, (c) => { delete sc(c)["allowPrivilegeEscalation"]; })))],
  },
  { rule: "k8s-pss-allow-privilege-escalation", name: "Windows pod is exempt (spec.os.name: windows)", expect: "not-applicable", reason: "Windows pod", resources: [depRes(spec(WINDOWS_BARE))] },
  {
    rule: "k8s-pss-allow-privilege-escalation",
    name: "Linux pod with spec.os.name: linux is not exempt",
    expect: "fail", message: 'spec.template.spec.containers[0] "app": securityContext.allowPrivilegeEscalation is unset',
    resources: [depRes(spec((s) => { s["os"] = { name: "linux" }; delete sc(app(s))["allowPrivilegeEscalation"]; }))],
  },
  ...[POD, DEP, STS, DS, RS, JOB, CRON].map((type): PolicyCase => ({
    rule: "k8s-pss-allow-privilege-escalation",
    name: `${type.split(":").pop() ?? type} pod template is checked`,
    expect: "fail",
    message: `${type === CRON ? `${CRON_PATH}.containers[0] "app"` : type === POD ? 'spec.containers[0] "app"' : APP}: securityContext.allowPrivilegeEscalation is unset`,
    resources: [workloadRes(type, spec((s) => { delete sc(app(s))["allowPrivilegeEscalation"]; }))],
  })),
  {
    rule: "k8s-pss-allow-privilege-escalation",
    name: "setting unknown at preview",
    expect: "undecided",
    resources: [depRes(spec((s) => { sc(app(s))["allowPrivilegeEscalation"] = UNKNOWN.boolean; }))],
  },
  {
    rule: "k8s-pss-allow-privilege-escalation",
    name: "os.name unknown at preview with a container that escalates: the Windows exemption decides, undecided",
    expect: "undecided",
    resources: [depRes(spec((s) => { s["os"] = { name: UNKNOWN.string }; delete sc(app(s))["allowPrivilegeEscalation"]; }))],
  },
  {
    rule: "k8s-pss-allow-privilege-escalation",
    name: "os.name unknown at preview but every container compliant: passes either way",
    expect: "pass",
    resources: [depRes(spec((s) => { s["os"] = { name: UNKNOWN.string }; }))],
  },
];

const runAsNonRoot: PolicyCase[] = [
  {
    rule: "k8s-pss-run-as-non-root",
    name: "pod-level true, containers inherit it",
    expect: "pass",
    resources: [depRes(spec((s) => { delete sc(app(s))["runAsNonRoot"]; delete sc(init(s))["runAsNonRoot"]; }))],
  },
  {
    rule: "k8s-pss-run-as-non-root",
    name: "pod-level unset, every container true",
    expect: "pass",
    resources: [depRes(spec((s) => { delete sc(s)["runAsNonRoot"]; }))],
  },
  {
    rule: "k8s-pss-run-as-non-root",
    name: "unset at pod and container level (a runAsUser alone does not count)",
    expect: "fail",
    message: `${APP}: securityContext.runAsNonRoot is unset and spec.template.spec.securityContext.runAsNonRoot is unset`,
    resources: [depRes(spec((s) => { delete sc(s)["runAsNonRoot"]; delete sc(app(s))["runAsNonRoot"]; }))],
  },
  {
    rule: "k8s-pss-run-as-non-root",
    name: "container false overrides pod-level true",
    expect: "fail",
    message: `${APP}: securityContext.runAsNonRoot is false`,
    resources: [depRes(spec((s) => { sc(app(s))["runAsNonRoot"] = false; }))],
  },
  {
    rule: "k8s-pss-run-as-non-root",
    name: "pod-level false with every container true: the pod-level value is refused on its own",
    expect: "fail",
    message: "spec.template.spec.securityContext.runAsNonRoot is false",
    resources: [depRes(spec((s) => { sc(s)["runAsNonRoot"] = false; }))],
  },
  {
    rule: "k8s-pss-run-as-non-root",
    name: "init container false",
    expect: "fail",
    message: `${MIGRATE}: securityContext.runAsNonRoot is false`,
    resources: [depRes(spec((s) => { sc(init(s))["runAsNonRoot"] = false; }))],
  },
  {
    rule: "k8s-pss-run-as-non-root",
    name: "user-namespaced pod (hostUsers: false) gets no relaxation at 1.34",
    expect: "fail", message: 'containers[0] "app": securityContext.runAsNonRoot is unset and spec.template.spec.securityContext.runAsNonRoot is unset',
    resources: [depRes(spec((s) => { s["hostUsers"] = false; delete sc(s)["runAsNonRoot"]; delete sc(app(s))["runAsNonRoot"]; }))],
  },
  {
    rule: "k8s-pss-run-as-non-root",
    name: "Windows pods are not exempt from runAsNonRoot",
    expect: "fail", message: "securityContext.runAsNonRoot is unset and spec.template.spec.securityContext.runAsNonRoot is unset",
    resources: [depRes(spec((s) => { WINDOWS_BARE(s); delete sc(s)["runAsNonRoot"]; }))],
  },
  {
    rule: "k8s-pss-run-as-non-root",
    name: "CronJob pod template is checked",
    expect: "fail",
    message: `${CRON_PATH}.containers[0] "app": securityContext.runAsNonRoot is false`,
    resources: [cronRes(spec((s) => { sc(app(s))["runAsNonRoot"] = false; }))],
  },
  {
    rule: "k8s-pss-run-as-non-root",
    name: "pod-level value unknown at preview",
    expect: "undecided",
    resources: [depRes(spec((s) => { sc(s)["runAsNonRoot"] = UNKNOWN.boolean; }))],
  },
];

const runAsUser: PolicyCase[] = [
  { rule: "k8s-pss-run-as-user", name: "non-zero UID at pod and container level", expect: "pass", resources: [depRes()] },
  {
    rule: "k8s-pss-run-as-user",
    name: "runAsUser unset everywhere (runAsNonRoot guards the image user)",
    expect: "pass",
    resources: [depRes(spec((s) => { for (const o of [s, app(s), init(s)]) delete sc(o)["runAsUser"]; }))],
  },
  {
    rule: "k8s-pss-run-as-user",
    name: "container UID 0 overrides a non-root pod-level UID",
    expect: "fail",
    message: `${APP}: securityContext.runAsUser is 0`,
    resources: [depRes(spec((s) => { sc(app(s))["runAsUser"] = 0; }))],
  },
  {
    rule: "k8s-pss-run-as-user",
    name: "pod-level 0 with every container overriding it: the pod-level value is refused on its own",
    expect: "fail",
    message: "spec.template.spec.securityContext.runAsUser is 0",
    resources: [depRes(spec((s) => { sc(s)["runAsUser"] = 0; }))],
  },
  { rule: "k8s-pss-run-as-user", name: "init container UID 0", expect: "fail", message: `${MIGRATE}: securityContext.runAsUser is 0`, resources: [depRes(spec((s) => { sc(init(s))["runAsUser"] = 0; }))] },
  { rule: "k8s-pss-run-as-user", name: "CronJob pod template is checked", expect: "fail", message: `${CRON_PATH}.securityContext.runAsUser is 0`, resources: [cronRes(spec((s) => { sc(s)["runAsUser"] = 0; }))] },
  { rule: "k8s-pss-run-as-user", name: "UID unknown at preview", expect: "undecided", resources: [depRes(spec((s) => { sc(app(s))["runAsUser"] = UNKNOWN.number; }))] },
];

const noPodSeccomp = (s: Obj) => { delete sc(s)["seccompProfile"]; };
const seccompRestricted: PolicyCase[] = [
  { rule: "k8s-pss-seccomp-profile-restricted", name: "pod-level RuntimeDefault, containers inherit it", expect: "pass", resources: [depRes()] },
  {
    rule: "k8s-pss-seccomp-profile-restricted",
    name: "no pod-level profile, every container sets one (Localhost allowed)",
    expect: "pass",
    resources: [depRes(spec((s) => {
      noPodSeccomp(s);
      sc(app(s))["seccompProfile"] = { type: "RuntimeDefault" };
      sc(init(s))["seccompProfile"] = { type: "Localhost", localhostProfile: "profiles/migrate.json" };
    }))],
  },
  {
    rule: "k8s-pss-seccomp-profile-restricted",
    name: "unset at pod and container level",
    expect: "fail",
    message: `${APP}: securityContext.seccompProfile is unset and the pod sets no valid seccompProfile`,
    resources: [depRes(spec(noPodSeccomp))],
  },
  {
    rule: "k8s-pss-seccomp-profile-restricted",
    name: "only the app container sets a profile; the init container has none",
    expect: "fail",
    message: `${MIGRATE}: securityContext.seccompProfile is unset and the pod sets no valid seccompProfile`,
    resources: [depRes(spec((s) => { noPodSeccomp(s); sc(app(s))["seccompProfile"] = { type: "RuntimeDefault" }; }))],
  },
  {
    rule: "k8s-pss-seccomp-profile-restricted",
    name: "container Unconfined overrides pod-level RuntimeDefault",
    expect: "fail",
    message: `${APP}: securityContext.seccompProfile.type is "Unconfined"`,
    resources: [depRes(spec((s) => { sc(app(s))["seccompProfile"] = { type: "Unconfined" }; }))],
  },
  {
    rule: "k8s-pss-seccomp-profile-restricted",
    name: "pod-level Unconfined with every container RuntimeDefault: the pod-level value is refused on its own",
    expect: "fail",
    message: 'spec.template.spec.securityContext.seccompProfile.type is "Unconfined"',
    resources: [depRes(spec((s) => {
      sc(s)["seccompProfile"] = { type: "Unconfined" };
      sc(app(s))["seccompProfile"] = { type: "RuntimeDefault" };
      sc(init(s))["seccompProfile"] = { type: "RuntimeDefault" };
    }))],
  },
  { rule: "k8s-pss-seccomp-profile-restricted", name: "Windows pod is exempt", expect: "not-applicable", reason: "Windows pod", resources: [depRes(spec(WINDOWS_BARE))] },
  { rule: "k8s-pss-seccomp-profile-restricted", name: "CronJob pod template is checked", expect: "fail", message: `${CRON_PATH}.containers[0] "app": securityContext.seccompProfile is unset and the pod sets no valid seccompProfile`, resources: [cronRes(spec(noPodSeccomp))] },
  {
    rule: "k8s-pss-seccomp-profile-restricted",
    name: "pod-level profile unknown at preview",
    expect: "undecided",
    resources: [depRes(spec((s) => { sc(s)["seccompProfile"] = UNKNOWN.object; }))],
  },
];

const caps = (c: Obj, value: Obj) => { sc(c)["capabilities"] = value; };
const capabilitiesRestricted: PolicyCase[] = [
  { rule: "k8s-pss-capabilities-restricted", name: "drop ALL everywhere", expect: "pass", resources: [depRes()] },
  {
    rule: "k8s-pss-capabilities-restricted",
    name: "drop ALL and add back NET_BIND_SERVICE",
    expect: "pass",
    resources: [depRes(spec((s) => caps(app(s), { drop: ["ALL"], add: ["NET_BIND_SERVICE"] })))],
  },
  {
    rule: "k8s-pss-capabilities-restricted",
    name: 'drop ["all"] in lower case: PSA compares "ALL" exactly',
    expect: "fail",
    message: `${APP}: securityContext.capabilities.drop is ["all"]; it must contain "ALL"`,
    resources: [depRes(spec((s) => caps(app(s), { drop: ["all"] })))],
  },
  {
    rule: "k8s-pss-capabilities-restricted",
    name: "capabilities unset (the runtime's default set is kept)",
    expect: "fail",
    message: "capabilities.drop is unset",
    resources: [depRes(spec((s) => { delete sc(app(s))["capabilities"]; }))],
  },
  {
    rule: "k8s-pss-capabilities-restricted",
    name: "adds CHOWN, allowed by baseline but not by restricted",
    expect: "fail",
    message: 'capabilities.add contains ["CHOWN"]',
    resources: [depRes(spec((s) => caps(app(s), { drop: ["ALL"], add: ["CHOWN"] })))],
  },
  {
    rule: "k8s-pss-capabilities-restricted",
    name: "init container drops only NET_RAW",
    expect: "fail",
    message: `${MIGRATE}: securityContext.capabilities.drop is ["NET_RAW"]`,
    resources: [depRes(spec((s) => caps(init(s), { drop: ["NET_RAW"] })))],
  },
  { rule: "k8s-pss-capabilities-restricted", name: "Windows pod is exempt", expect: "not-applicable", reason: "Windows pod", resources: [depRes(spec(WINDOWS_BARE))] },
  { rule: "k8s-pss-capabilities-restricted", name: "CronJob pod template is checked", expect: "fail", message: new RegExp(`${esc(`${CRON_PATH}.containers[0] "app": securityContext.capabilities.drop is `)}(unset|\\[\\]); it must contain "ALL"`), resources: [cronRes(spec((s) => caps(app(s), { drop: [] })))] },
  {
    rule: "k8s-pss-capabilities-restricted",
    name: "drop list unknown at preview",
    expect: "undecided",
    resources: [depRes(spec((s) => caps(app(s), { drop: UNKNOWN.array })))],
  },
];

const highUidGid: PolicyCase[] = [
  { rule: "k8s-high-uid-gid", name: "UID and GID 10001 at pod and container level", expect: "pass", resources: [depRes()] },
  {
    rule: "k8s-high-uid-gid",
    name: "set only at pod level: containers inherit 10001",
    expect: "pass",
    resources: [depRes(spec((s) => { for (const c of [app(s), init(s)]) { delete sc(c)["runAsUser"]; delete sc(c)["runAsGroup"]; } }))],
  },
  {
    rule: "k8s-high-uid-gid",
    name: "pod-level 999 overridden by 65532 on every container",
    expect: "pass",
    resources: [depRes(spec((s) => {
      Object.assign(sc(s), { runAsUser: 999, runAsGroup: 999 });
      for (const c of [app(s), init(s)]) Object.assign(sc(c), { runAsUser: 65532, runAsGroup: 65532 });
    }))],
  },
  {
    rule: "k8s-high-uid-gid",
    name: "UID exactly 10000 (must be above it)",
    expect: "fail",
    level: "advisory",
    message: `${APP}: securityContext.runAsUser is 10000 (set on the container); it must be above 10000`,
    resources: [depRes(spec((s) => { sc(app(s))["runAsUser"] = 10000; }))],
  },
  {
    rule: "k8s-high-uid-gid",
    name: "container 999 overrides pod-level 10001",
    expect: "fail",
    message: `${MIGRATE}: securityContext.runAsGroup is 999`,
    resources: [depRes(spec((s) => { sc(init(s))["runAsGroup"] = 999; }))],
  },
  {
    rule: "k8s-high-uid-gid",
    name: "container unset inherits a low pod-level UID",
    expect: "fail",
    message: "runAsUser is 999 (inherited from spec.template.spec.securityContext.runAsUser)",
    resources: [depRes(spec((s) => { sc(s)["runAsUser"] = 999; delete sc(app(s))["runAsUser"]; }))],
  },
  {
    rule: "k8s-high-uid-gid",
    name: "runAsGroup unset at both levels (the image's group applies)",
    expect: "fail",
    message: "securityContext.runAsGroup is unset at container and pod level",
    resources: [depRes(spec((s) => { for (const o of [s, app(s), init(s)]) delete sc(o)["runAsGroup"]; }))],
  },
  { rule: "k8s-high-uid-gid", name: "Windows pod is exempt (no Linux ids)", expect: "not-applicable", reason: "Windows pod", resources: [depRes(spec(WINDOWS_BARE))] },
  { rule: "k8s-high-uid-gid", name: "CronJob pod template is checked", expect: "fail", message: `${CRON_PATH}.containers[0] "app": securityContext.runAsUser is 999 (set on the container)`, resources: [cronRes(spec((s) => { sc(app(s))["runAsUser"] = 999; }))] },
  {
    rule: "k8s-high-uid-gid",
    name: "container UID unknown at preview",
    expect: "undecided",
    resources: [depRes(spec((s) => { sc(app(s))["runAsUser"] = UNKNOWN.number; }))],
  },
];

export const podSecurityCases: PolicyCase[] = [
  ...windowsHostProcess,
  ...hostNamespaces,
  ...privileged,
  ...capabilitiesBaseline,
  ...hostPathVolumes,
  ...hostPorts,
  ...appArmor,
  ...seLinux,
  ...procMountCases("k8s-pss-proc-mount"),
  ...seccompBaseline,
  ...sysctls,
  ...hostProbes,
  ...restrictedVolumes,
  ...allowPrivilegeEscalation,
  ...runAsNonRoot,
  ...runAsUser,
  ...seccompRestricted,
  ...capabilitiesRestricted,
  ...procMountCases("k8s-pss-proc-mount-restricted"),
  ...highUidGid,
];
