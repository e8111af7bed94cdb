// kube-linter's default checks (stackrox/kube-linter@v0.8.3: the 31 checks docs/generated/checks.md marks "Enabled by
// default"), each with its built-in parameters (pkg/builtinchecks/yamls/<check>.yaml) and its template's logic
// (pkg/templates/<template>/template.go) ported. Read line by line for: anti-affinity (antiaffinity), job-ttl-
// seconds-after-finished (jobttlsecondsafterfinished), non-existent-service-account, dangling-service,
// run-as-non-root (runasnonroot), env-var-secret (envvar), pdb-max-unavailable, pdb-min-available,
// pdb-unhealthy-pod-eviction-policy, drop-net-raw-capability (containercapabilities), liveness/readiness/startup-port
// (util.CheckProbePort). The others (host-*, privileged, privilege escalation, read-only root fs, docker-sock,
// ssh-port, sensitive-host-mounts, unsafe-sysctls, latest-tag, unset-*-requirements, duplicate-env-var,
// mismatching-selector, invalid-target-ports, deprecated-service-account-field, no-extensions-v1beta) are ported from
// their parameters and the field each template reads; their logic is a single field test.
import type { K8sObject, PeerFinding } from "./model";
import { selectorMatches } from "./kube-score";

export const KUBE_LINTER_VERSION = "v0.8.3";
type Raw = Record<string, unknown>;
const map = (v: unknown): Raw => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Raw) : {});
const list = (v: unknown): Raw[] => (Array.isArray(v) ? (v as Raw[]) : []);
const DEPLOYMENT_LIKE = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "ReplicationController", "DeploymentConfig"];

/** extract.PodTemplateSpec: the typed pod template of a deployment-like kind, containers or not. */
function podTemplateOf(o: K8sObject): Raw | undefined {
  if (o.kind === "Pod") return { metadata: o.metadata, spec: o.spec ?? {} };
  if (o.kind === "CronJob") return map(map(map(o.spec?.["jobTemplate"])["spec"])["template"]);
  return DEPLOYMENT_LIKE.includes(o.kind) ? map(o.spec?.["template"]) : undefined;
}
const podSpecOf = (o: K8sObject): Raw | undefined => { const t = podTemplateOf(o); return t ? map(t["spec"]) : undefined; };
function containersOf(o: K8sObject): { container: Raw; init: boolean }[] {
  const spec = podSpecOf(o) ?? {};
  return [...list(spec["initContainers"]).map((c) => ({ container: c, init: true })), ...list(spec["containers"]).map((c) => ({ container: c, init: false }))];
}

/** extract.Replicas: the replicas of a kind that has the field (unset: 1); none for the others. */
function replicas(o: K8sObject): number | undefined {
  if (!["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig"].includes(o.kind)) return undefined;
  return typeof o.spec?.["replicas"] === "number" ? o.spec["replicas"] : 1;
}

/** util.CheckProbePort: a probe's port (number or name) must be one of the container's ports. */
function probePortMissing(container: Raw, probe: unknown): boolean {
  const p = map(probe);
  const handler = map(p["httpGet"] ?? p["tcpSocket"] ?? p["grpc"]);
  const port = handler["port"];
  if (port === undefined) return false;
  const ports = list(container["ports"]);
  // The probe's port must be a TCP port of the container (a UDP port of that name or number does not count).
  return !ports.some((cp) => (cp["protocol"] ?? "TCP") === "TCP" && (typeof port === "number" ? cp["containerPort"] === port : cp["name"] === port));
}

/** IANA service names (RFC 6335 5.1): at most 15 lower-case letters, digits and '-', a letter among them, no '--', no edge '-'. */
const ianaServiceName = (n: string): boolean => /^(?=.*[a-z])(?!.*--)[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(n);

function checks(o: K8sObject, all: K8sObject[]): string[] {
  const out: string[] = [];
  const fail = (check: string, failed: boolean) => { if (failed) out.push(check); };
  const spec = podSpecOf(o);
  const template = podTemplateOf(o);
  const ns = o.metadata.namespace;
  if (spec && DEPLOYMENT_LIKE.includes(o.kind)) {
    const entries = containersOf(o);
    const containers = entries.map((e) => e.container);
    const regular = entries.filter((e) => !e.init).map((e) => e.container);
    const sc = (c: Raw) => map(c["securityContext"]);
    const podSc = map(spec["securityContext"]);
    const labels = map(map(template?.["metadata"])["labels"]) as Record<string, string>;

    const r = replicas(o);
    if (r !== undefined && r >= 2) {
      const anti = map(map(spec["affinity"])["podAntiAffinity"]);
      const terms = [...list(anti["preferredDuringSchedulingIgnoredDuringExecution"]).map((p) => map(p["podAffinityTerm"])), ...list(anti["requiredDuringSchedulingIgnoredDuringExecution"])];
      // defaultTopologyKeyMatcher: kubernetes.io/hostname.
      fail("no-anti-affinity", !terms.some((t) => t["topologyKey"] === "kubernetes.io/hostname" && selectorMatches(t["labelSelector"], labels) && (list(t["namespaces"]).length === 0 || (t["namespaces"] as string[]).includes(ns ?? ""))));
    }
    if (o.kind === "Job") fail("job-ttl-seconds-after-finished", o.spec?.["ttlSecondsAfterFinished"] === undefined);
    if (o.kind === "CronJob") fail("job-ttl-seconds-after-finished", map(map(o.spec?.["jobTemplate"])["spec"])["ttlSecondsAfterFinished"] !== undefined);
    const sa = (spec["serviceAccountName"] as string | undefined) ?? (spec["serviceAccount"] as string | undefined) ?? "";
    fail("non-existent-service-account", sa !== "" && sa !== "default" && !all.some((x) => x.kind === "ServiceAccount" && x.metadata.namespace === ns && x.metadata.name === sa));
    fail("deprecated-service-account-field", typeof spec["serviceAccount"] === "string" && spec["serviceAccount"] !== "");
    fail("run-as-non-root", containers.some((c) => {
      const uid = sc(c)["runAsUser"] ?? podSc["runAsUser"];
      if (typeof uid === "number" && uid > 0) return false;
      const nonRoot = sc(c)["runAsNonRoot"] ?? podSc["runAsNonRoot"];
      return nonRoot === true ? uid === 0 : true;
    }));
    fail("env-var-secret", containers.some((c) => list(c["env"]).some((e) => /secret/i.test(String(e["name"])) && typeof e["value"] === "string" && e["value"].length > 0)));
    fail("duplicate-env-var", containers.some((c) => { const n = list(c["env"]).map((e) => e["name"]); return new Set(n).size !== n.length; }));
    fail("drop-net-raw-capability", containers.some((c) => {
      const caps = map(sc(c)["capabilities"]);
      const drop = (list(caps["drop"]) as unknown as string[]).map((x) => x.toUpperCase());
      const add = (list(caps["add"]) as unknown as string[]).map((x) => x.toUpperCase());
      return add.includes("NET_RAW") || add.includes("ALL") || !(drop.includes("NET_RAW") || drop.includes("ALL"));
    }));
    fail("privileged-container", containers.some((c) => sc(c)["privileged"] === true));
    fail("privilege-escalation-container", containers.some((c) => sc(c)["allowPrivilegeEscalation"] === true || sc(c)["privileged"] === true || (list(map(sc(c)["capabilities"])["add"]) as unknown as string[]).includes("SYS_ADMIN")));
    fail("no-read-only-root-fs", containers.some((c) => sc(c)["readOnlyRootFilesystem"] !== true));
    fail("host-network", spec["hostNetwork"] === true);
    fail("host-pid", spec["hostPID"] === true);
    fail("host-ipc", spec["hostIPC"] === true);
    const hostPaths = list(spec["volumes"]).map((v) => map(v["hostPath"])["path"]).filter((p): p is string => typeof p === "string" && p !== "");
    fail("docker-sock", hostPaths.some((p) => /docker\.sock$/.test(p)));
    fail("sensitive-host-mounts", hostPaths.some((p) => /^\/(?:$|boot|dev|etc|lib|proc|sys|usr)(?:\/|$)/.test(p) || /^\/var\/run\/docker\.sock$/.test(p)));
    fail("ssh-port", containers.some((c) => list(c["ports"]).some((p) => p["containerPort"] === 22 && (p["protocol"] ?? "TCP") === "TCP")));
    fail("unsafe-sysctls", list(podSc["sysctls"]).some((s) => /^(kernel\.msg|kernel\.sem|kernel\.shm|fs\.mqueue\.|net\.)/.test(String(s["name"])) && !["net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"].includes(String(s["name"]))));
    // BlockList [".*:(latest)$", "^[^:]*$", "(.*/[^:]+)$"].
    fail("latest-tag", containers.some((c) => [/.*:(latest)$/, /^[^:]*$/, /(.*\/[^:]+)$/].some((re) => re.test(String(c["image"])))));
    const quantity = (c: Raw, kind: "requests" | "limits", res: string) => map(map(c["resources"])[kind])[res];
    fail("unset-cpu-requirements", containers.some((c) => quantity(c, "requests", "cpu") === undefined));
    fail("unset-memory-requirements", containers.some((c) => quantity(c, "requests", "memory") === undefined || quantity(c, "limits", "memory") === undefined));
    fail("liveness-port", regular.some((c) => probePortMissing(c, c["livenessProbe"])));
    fail("readiness-port", regular.some((c) => probePortMissing(c, c["readinessProbe"])));
    fail("startup-port", regular.some((c) => probePortMissing(c, c["startupProbe"])));
    // A DeploymentConfig's selector is a plain label map; the others' a LabelSelector.
    const selector = o.kind === "DeploymentConfig" ? { matchLabels: o.spec?.["selector"] } : o.spec?.["selector"];
    if (o.spec?.["selector"] && template) fail("mismatching-selector", !selectorMatches(selector, labels));
    fail("invalid-target-ports", containers.some((c) => list(c["ports"]).some((p) => typeof p["name"] === "string" && !ianaServiceName(p["name"]))));
  }
  if (o.kind === "Service" && o.spec?.["type"] !== "ExternalName") {
    const selector = map(o.spec?.["selector"]) as Record<string, string>;
    fail("dangling-service", Object.keys(selector).length === 0 || !all.some((x) => x.metadata.namespace === ns && podTemplateOf(x) !== undefined && selectorMatches({ matchLabels: selector }, map(map(podTemplateOf(x)?.["metadata"])["labels"]) as Record<string, string>)));
    fail("invalid-target-ports", list(o.spec?.["ports"]).some((p) => {
      const t = p["targetPort"];
      if (typeof t === "number") return t < 1 || t > 65535;
      if (typeof t !== "string") return false;
      return /^\d+$/.test(t) ? Number(t) < 1 || Number(t) > 65535 : !ianaServiceName(t);
    }));
  }
  if (o.kind === "PodDisruptionBudget") {
    const max = o.spec?.["maxUnavailable"];
    fail("pdb-max-unavailable", max === 0 || max === "0%");
    fail("pdb-min-available", pdbMinAvailableFails(o, all));
    fail("pdb-unhealthy-pod-eviction-policy", o.spec?.["unhealthyPodEvictionPolicy"] === undefined);
  }
  fail("no-extensions-v1beta", o.apiVersion === "extensions/v1beta1");
  return out;
}

/**
 * pdbminavailable/template.go minAvailableCheck: minAvailable of 100%, or a deployment-like object it selects (its own
 * selector's labels matched by the PDB's) whose replicas (an HPA's minReplicas when it has 1) are not above it.
 */
function pdbMinAvailableFails(pdb: K8sObject, all: K8sObject[]): boolean {
  const min = pdb.spec?.["minAvailable"];
  if (min === undefined) return false;
  const percent = typeof min === "string" && min.endsWith("%");
  const value = typeof min === "number" ? min : typeof min === "string" ? Number(min.replace(/%$/, "")) : NaN;
  if (Number.isNaN(value)) return true;
  if (percent && value === 100) return true;
  if (pdb.spec?.["selector"] === undefined) return true;
  const ns = pdb.metadata.namespace;
  return all.filter((o) => DEPLOYMENT_LIKE.includes(o.kind) && o.metadata.namespace === ns).some((o) => {
    const own = o.kind === "DeploymentConfig" ? map(o.spec?.["selector"]) : map(map(o.spec?.["selector"])["matchLabels"]);
    if (o.spec?.["selector"] === undefined || !selectorMatches(pdb.spec?.["selector"], own as Record<string, string>)) return false;
    let count = replicas(o) ?? 0;
    if (count === 1) {
      const hpa = all.find((h) => h.kind === "HorizontalPodAutoscaler" && h.metadata.namespace === ns && map(h.spec?.["scaleTargetRef"])["name"] === o.metadata.name);
      if (typeof hpa?.spec?.["minReplicas"] === "number") count = hpa.spec["minReplicas"];
    }
    const needed = percent ? Math.ceil(count * (value / 100)) : value;
    return count <= needed;
  });
}

export function runKubeLinter(objects: K8sObject[]): PeerFinding[] {
  return objects.flatMap((o) => checks(o, objects).map((check) => ({ checker: "kube-linter" as const, check, severity: "error", object: `${o.kind}/${o.metadata.name}` })));
}
