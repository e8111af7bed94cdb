import { always, type ResourceRule } from "../../../lib/rule";
import { at, containers, podTemplate, PROBED_TYPES } from "../../../lib/podspec";
import type { Props } from "../../../lib/rule";
import { isRecord, show, strings } from "../../../lib/values";

// Probes apply to long-running controllers only (batch Job/CronJob are skipped, as kube-score, Polaris and checkov
// do) and to regular containers: init containers, native sidecars included, have their own start-up semantics.
const HANDLERS = ["httpGet", "tcpSocket", "exec", "grpc"] as const;

function hasHandler(probe: unknown): boolean {
  return isRecord(probe) && HANDLERS.some((h) => isRecord(probe[h]));
}

function probeRule(meta: Omit<ResourceRule, "kind" | "targets" | "validate">, field: "readinessProbe" | "livenessProbe", purpose: string): ResourceRule {
  return {
    kind: "resource",
    ...meta,
    targets: PROBED_TYPES,
    validate(resource, { report }) {
      const pod = podTemplate(resource.type, resource.props);
      if (!pod) return;
      for (const c of containers(pod.spec, ["containers"])) {
        const probe = c.container[field];
        if (hasHandler(probe)) continue;
        const state = probe === undefined ? "unset" : `${show(probe)} (no httpGet, tcpSocket, exec or grpc handler)`;
        report(`${at(pod, c)}: ${field} is ${state}; ${purpose}`);
      }
    },
  };
}

export const readinessProbe = probeRule(
  {
    id: "k8s-readiness-probe",
    title: "Readiness probe",
    description: "Every container of a Deployment or StatefulSet has a readinessProbe with a handler (init containers are skipped; batch kinds, DaemonSets and bare ReplicaSets are not targeted).",
    severity: "medium",
    enforcement: always("mandatory"),
    references: [
      { framework: "kube-score", id: "pod-probes" },
      { framework: "Polaris", id: "readinessProbeMissing" },
      { framework: "CKV", id: "CKV_K8S_9" },
      { framework: "kube-linter", id: "no-readiness-probe" },
      { framework: "Kyverno", id: "best-practices/require-probes" },
    ],
    remediation: "Add a readinessProbe (httpGet on the server's readiness path, or tcpSocket/exec) so a pod gets traffic only once it can serve and a failing rollout stops.",
  },
  "readinessProbe",
  "add one with an httpGet, tcpSocket, exec or grpc handler so the pod receives traffic only when it can serve.",
);

export const livenessProbe = probeRule(
  {
    id: "k8s-liveness-probe",
    title: "Liveness probe",
    description: "Every container of a Deployment or StatefulSet has a livenessProbe with a handler (init containers are skipped; batch kinds, DaemonSets and bare ReplicaSets are not targeted).",
    severity: "low",
    enforcement: always("advisory"),
    references: [
      { framework: "kube-score", id: "pod-probes" },
      { framework: "Polaris", id: "livenessProbeMissing" },
      { framework: "CKV", id: "CKV_K8S_8" },
      { framework: "kube-linter", id: "no-liveness-probe" },
    ],
    remediation: "Add a livenessProbe that fails only when the process is wedged (not when a dependency is down), so the kubelet restarts it.",
  },
  "livenessProbe",
  "add one that detects a wedged process, so the kubelet restarts it.",
);

/** kube-score's notion of identical: same httpGet path and port, same tcpSocket port, or the same exec command. */
function sameCheck(r: Props, l: Props): string | undefined {
  const rh = r["httpGet"];
  const lh = l["httpGet"];
  if (isRecord(rh) && isRecord(lh) && rh["path"] === lh["path"] && rh["port"] === lh["port"]) return `httpGet ${show(rh["path"])} on port ${show(rh["port"])}`;
  const rt = r["tcpSocket"];
  const lt = l["tcpSocket"];
  if (isRecord(rt) && isRecord(lt) && rt["port"] === lt["port"]) return `tcpSocket on port ${show(rt["port"])}`;
  const re = r["exec"];
  const le = l["exec"];
  if (isRecord(re) && isRecord(le)) {
    const rc = strings(re["command"]);
    const lc = strings(le["command"]);
    if (rc.length === lc.length && rc.every((v, i) => v === lc[i])) return `exec ${show(rc)}`;
  }
  const rg = r["grpc"];
  const lg = l["grpc"];
  if (isRecord(rg) && isRecord(lg) && rg["port"] === lg["port"] && rg["service"] === lg["service"]) return `grpc on port ${show(rg["port"])}`;
  return undefined;
}

export const probesDistinct: ResourceRule = {
  kind: "resource",
  id: "k8s-probes-distinct",
  title: "Readiness and liveness probes check different things",
  description: "A container's readinessProbe and livenessProbe do not run the same check (same httpGet path and port, tcpSocket port, exec command or grpc port).",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "kube-score", id: "pod-probes-identical" },
    { framework: "Kyverno", id: "other/ensure-probes-different" },
  ],
  remediation: "Point the livenessProbe at a check that fails only when the process must be restarted (e.g. /health), and the readinessProbe at one that also covers dependencies (e.g. /ready); or drop the livenessProbe.",
  targets: PROBED_TYPES,
  validate(resource, { report }) {
    const pod = podTemplate(resource.type, resource.props);
    if (!pod) return;
    for (const c of containers(pod.spec, ["containers"])) {
      const r = c.container["readinessProbe"];
      const l = c.container["livenessProbe"];
      if (!isRecord(r) || !isRecord(l)) continue;
      const same = sameCheck(r, l);
      if (same) report(`${at(pod, c)}: readinessProbe and livenessProbe both run ${same}; a dependency outage then restarts pods instead of only taking them out of rotation. Make the liveness check different.`);
    }
  },
};
