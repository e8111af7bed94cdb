import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { platformLabels } from "../workload/namespace";

/** What each database Job runs: its ServiceAccount's name suffix and its pods' app.kubernetes.io/name. */
export type DatabaseJobRole = "bootstrap" | "migrations";

/** The ServiceAccount name of a database Job (an IRSA role's trust policy names it: `system:serviceaccount:<ns>:<name>`). */
export function databaseJobServiceAccountName(instance: string, role: DatabaseJobRole): string {
  return `${instance}-db-${role}`;
}

export interface DatabaseJobServiceAccountArgs {
  namespace: pulumi.Input<string>;
  instance: string;
  role: DatabaseJobRole;
  /** Annotations, such as eks.amazonaws.com/role-arn for a Job that reads AWS. Default: none. */
  annotations?: Record<string, pulumi.Input<string>>;
  provider: k8s.Provider;
}

/**
 * A database Job's own ServiceAccount, instead of the namespace's default: no Kubernetes API token (the Jobs call no
 * API; IRSA, where a Job needs AWS, projects its own token), and nothing else in the namespace shares its identity.
 */
export function createDatabaseJobServiceAccount(name: string, args: DatabaseJobServiceAccountArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.ServiceAccount {
  return new k8s.core.v1.ServiceAccount(name, {
    metadata: {
      name: databaseJobServiceAccountName(args.instance, args.role), namespace: args.namespace,
      labels: { ...platformLabels(args.instance, "database-jobs"), "app.kubernetes.io/name": `database-${args.role}` },
      ...(args.annotations ? { annotations: args.annotations } : {}),
    },
    automountServiceAccountToken: false,
  }, { ...opts, provider: args.provider });
}
