import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** Labels every object of the platform carries, so `kubectl get -l` and cost reports can find them. */
export function platformLabels(instance: string, component?: string): Record<string, string> {
  return {
    "app.kubernetes.io/part-of": "agent-platform",
    "app.kubernetes.io/instance": instance,
    "app.kubernetes.io/managed-by": "pulumi",
    ...(component ? { "app.kubernetes.io/component": component } : {}),
  };
}

export interface NamespaceArgs {
  /** Namespace name (a DNS-1123 label). Required. */
  name: string;
  /** Platform instance name, for the labels. Required. */
  instance: string;
  /** Pod Security Standards version the admission controller enforces, such as v1.34. Required. */
  podSecurityVersion: string;
  /** Provider of the target cluster. Required. */
  provider: k8s.Provider;
  /** Extra labels, such as the ALB pod readiness gate. Default: none. */
  extraLabels?: Record<string, string>;
}

/**
 * The platform's namespace, labelled so Pod Security Admission enforces the "restricted" profile: a pod that runs
 * as root, keeps capabilities or may escalate privileges is refused by the API server itself, whatever created it.
 * The version is pinned so a cluster upgrade cannot silently change what is enforced.
 */
export function createNamespace(resourceName: string, args: NamespaceArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.Namespace {
  const pss: Record<string, string> = {};
  for (const mode of ["enforce", "audit", "warn"]) {
    pss[`pod-security.kubernetes.io/${mode}`] = "restricted";
    pss[`pod-security.kubernetes.io/${mode}-version`] = args.podSecurityVersion;
  }
  return new k8s.core.v1.Namespace(resourceName, {
    metadata: { name: args.name, labels: { ...platformLabels(args.instance), ...pss, ...args.extraLabels } },
  }, { ...opts, provider: args.provider });
}
