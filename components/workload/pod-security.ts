// The securityContext every pod of the platform runs with: what Pod Security "restricted" demands, plus a
// read-only root filesystem. One place, so the server, the database, Redis and the jobs cannot drift apart.
import type * as k8s from "@pulumi/kubernetes";

import type * as pulumi from "@pulumi/pulumi";

type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;

/** Pod-level: non-root with the given ids, volumes group-owned by gid, the runtime's default seccomp profile. */
export function restrictedPodSecurity(uid: number, gid = uid): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level: no privilege escalation, no capabilities, read-only root filesystem. */
export function restrictedContainerSecurity(uid: number, gid = uid): SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * The pod-level settings every workload of the platform shares: its own ServiceAccount, no Kubernetes API token
 * (none of them calls the API; IRSA projects a token of its own), no service links (they inject `<SERVICE>_PORT`
 * variables, and `LETTA_REDIS_PORT=tcp://…` crashes the server), and the restricted security context.
 */
export function hardenedPodBasics(uid: number, serviceAccountName?: pulumi.Input<string>): {
  serviceAccountName?: pulumi.Input<string>; automountServiceAccountToken: boolean; enableServiceLinks: boolean; securityContext: PodSecurityContext;
} {
  return {
    ...(serviceAccountName === undefined ? {} : { serviceAccountName }),
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: restrictedPodSecurity(uid),
  };
}

/** Replicas spread over zones, then hosts, softly: one zone or node failing never takes every replica. */
export function spreadOverZonesAndHosts(selector: Record<string, string>): k8s.types.input.core.v1.TopologySpreadConstraint[] {
  return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => (
    { maxSkew: 1, topologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } }));
}

/**
 * A PodDisruptionBudget spec that keeps a replicated workload serving during a drain and never blocks one: one pod at
 * a time, and an unhealthy (crash-looping) pod may always be evicted.
 */
export function drainSafeDisruptionBudget(selector: Record<string, string>): k8s.types.input.policy.v1.PodDisruptionBudgetSpec {
  return { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow", selector: { matchLabels: selector } };
}
