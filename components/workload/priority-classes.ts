import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { platformLabels } from "./namespace";

/**
 * The platform's three scheduling tiers (docs/decisions/0110-priority-classes.md). Values stay far below the 1e9
 * ceiling of user-defined classes (HighestUserDefinablePriority = 1000000000; the system classes start at
 * SystemCriticalPriority = 2 * that: kubernetes/kubernetes pkg/apis/scheduling/types.go, read in stored copies of
 * several releases, the tag of the cluster's version not pinned), so the cluster's own add-ons always win.
 *
 * - serving: the agent server (and the dev in-cluster Postgres and Redis it cannot run without). Preempts lower pods.
 * - observability: the collector and postgres_exporter, so alerts keep flowing. Preempts lower pods.
 * - batch: the database bootstrap and migrations Jobs and the backup CronJobs. Never preempts: a Job waits for room
 *   (the autoscaler adds a node for a pending pod) instead of evicting a running server pod, and it is queued ahead
 *   of, and not preempted by, pods without a class (priority 0).
 */
export const PRIORITY_TIERS = {
  serving: { value: 100000, preemptionPolicy: "PreemptLowerPriority", description: "Agent platform serving pods (the agent server and its in-cluster data stores)" },
  observability: { value: 50000, preemptionPolicy: "PreemptLowerPriority", description: "Agent platform telemetry (OpenTelemetry Collector, postgres_exporter)" },
  batch: { value: 10000, preemptionPolicy: "Never", description: "Agent platform Jobs (database bootstrap and migrations, backups, restore drills); never preempts" },
} as const;

export type PriorityTier = keyof typeof PRIORITY_TIERS;

/** The names of an instance's PriorityClasses (outputs of the objects, so pods are created after their class). */
export type PlatformPriorityClasses = Record<PriorityTier, pulumi.Output<string>>;

/**
 * PriorityClass objects are cluster-scoped: named after the platform's namespace (the platform creates its
 * namespace, so no two platforms in a cluster share one: a second create of an existing Namespace fails, unless the
 * provider is told to upsert existing objects; that provider behaviour was not checked here at @pulumi/kubernetes
 * 4.34.2), `<namespace>-<tier>`. The API server reserves the
 * "system-" prefix for its own classes (SystemPriorityClassPrefix, same types.go: "Other priority classes are not
 * allowed to start with this prefix").
 */
export function priorityClassName(namespace: string, tier: PriorityTier): string {
  return `${namespace}-${tier}`;
}

export interface PriorityClassesArgs {
  /** The platform's namespace (a plain value: it names the cluster-scoped classes). Required. */
  namespace: string;
  /** Platform instance name, for the labels. Required. */
  instance: string;
  /** Provider of the target cluster. Required. */
  provider: k8s.Provider;
}

/** The serving, observability and batch PriorityClasses of one platform instance; none is the cluster default. */
export function createPriorityClasses(name: string, args: PriorityClassesArgs, opts: pulumi.CustomResourceOptions): PlatformPriorityClasses {
  const make = (tier: PriorityTier): pulumi.Output<string> => {
    const t = PRIORITY_TIERS[tier];
    return new k8s.scheduling.v1.PriorityClass(`${name}-${tier}`, {
      metadata: { name: priorityClassName(args.namespace, tier), labels: platformLabels(args.instance, "scheduling") },
      value: t.value,
      preemptionPolicy: t.preemptionPolicy,
      globalDefault: false,
      description: t.description,
    }, { ...opts, provider: args.provider }).metadata.name;
  };
  return { serving: make("serving"), observability: make("observability"), batch: make("batch") };
}
