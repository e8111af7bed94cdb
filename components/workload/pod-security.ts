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
