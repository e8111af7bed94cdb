// Typed views of rendered Kubernetes objects, for assertions.
import type { CapturedResource } from "../../tools/plan/capture";
import type { ProgramRun } from "./harness";

export interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
export interface Container {
  name: string; image: string; command?: string[]; args?: string[]; env?: EnvVar[]; restartPolicy?: string; workingDir?: string;
  securityContext?: Record<string, unknown>; resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  startupProbe?: Record<string, unknown>; livenessProbe?: Record<string, unknown>; readinessProbe?: Record<string, unknown>;
  lifecycle?: Record<string, unknown>; ports?: { name?: string; containerPort: number }[]; volumeMounts?: { name: string; mountPath: string }[];
}
export interface PodSpec {
  containers: Container[]; initContainers?: Container[]; securityContext?: Record<string, unknown>; enableServiceLinks?: boolean;
  automountServiceAccountToken?: boolean; serviceAccountName?: string; terminationGracePeriodSeconds?: number;
  topologySpreadConstraints?: { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }[];
  volumes?: { name: string; emptyDir?: unknown; configMap?: { name: string } }[];
}
export interface Workload {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: { replicas?: number; selector?: { matchLabels: Record<string, string> }; strategy?: Record<string, unknown>; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } & Record<string, unknown>;
}

export function objectOf<T>(run: ProgramRun, resource: CapturedResource): T {
  return run.inputs(resource) as T;
}

/** The Kubernetes object of a type whose metadata.name is `name`. */
export function named<T>(run: ProgramRun, type: string, name: string): T {
  const found = run.ofType(type).filter((r) => (run.inputs(r).metadata as { name?: string } | undefined)?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return objectOf<T>(run, found[0] as CapturedResource);
}

export function envOf(container: Container): Map<string, EnvVar> {
  return new Map((container.env ?? []).map((e) => [e.name, e]));
}
