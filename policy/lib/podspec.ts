/**
 * Where the pod spec lives in each workload kind (catalogue §0.3), and a walk over every container list the
 * PodSecurity admission visits: containers, initContainers and ephemeralContainers.
 */
import type { Props } from "./rule";
import { get, isRecord, records, str } from "./values";

export const POD = "kubernetes:core/v1:Pod";
export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
export const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
export const DAEMONSET = "kubernetes:apps/v1:DaemonSet";
export const REPLICASET = "kubernetes:apps/v1:ReplicaSet";
export const JOB = "kubernetes:batch/v1:Job";
export const CRONJOB = "kubernetes:batch/v1:CronJob";

/** Every type that carries a pod template. */
export const WORKLOAD_TYPES = [POD, DEPLOYMENT, STATEFULSET, DAEMONSET, REPLICASET, JOB, CRONJOB] as const;
/**
 * What the catalogue's probe rules target (§5 k8s-probes): Deployments and StatefulSets, the kinds that serve
 * traffic here. DaemonSets are node agents and bare ReplicaSets are owned by Deployments.
 */
export const PROBED_TYPES = [DEPLOYMENT, STATEFULSET] as const;

export interface PodTemplate {
  /** `spec` of the pod (or the template's spec). */
  spec: Props;
  /** Pod metadata (labels, annotations). */
  metadata: Props;
  /** Prefix for messages, e.g. `spec.template.spec`. */
  path: string;
  /** Where the pod's metadata is, e.g. `spec.template.metadata`. */
  metadataPath: string;
}

export function podTemplate(type: string, props: Props): PodTemplate | undefined {
  const paths: Record<string, [string, string]> = {
    [POD]: ["spec", "metadata"],
    [CRONJOB]: ["spec.jobTemplate.spec.template.spec", "spec.jobTemplate.spec.template.metadata"],
  };
  const [specPath, metaPath] = paths[type] ?? ["spec.template.spec", "spec.template.metadata"];
  if (!(WORKLOAD_TYPES as readonly string[]).includes(type)) return undefined;
  const spec = get(props, specPath);
  if (!isRecord(spec)) return undefined;
  const metadata = get(props, metaPath);
  return { spec, metadata: isRecord(metadata) ? metadata : {}, path: specPath, metadataPath: metaPath };
}

export type ContainerList = "containers" | "initContainers" | "ephemeralContainers";
export const CONTAINER_LISTS: readonly ContainerList[] = ["containers", "initContainers", "ephemeralContainers"];

export interface ContainerRef {
  list: ContainerList;
  index: number;
  name: string;
  container: Props;
  /** `initContainers[0] "migrate"`: how messages name the container. */
  label: string;
}

export function containers(spec: Props, lists: readonly ContainerList[] = CONTAINER_LISTS): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const list of lists) {
    records(spec[list]).forEach((container, index) => {
      const name = str(container["name"]) ?? "";
      out.push({ list, index, name, container, label: `${list}[${index}] "${name}"` });
    });
  }
  return out;
}

/** `metadata.namespace` of the resource (pods and controllers). */
export function namespaceOf(props: Props): string | undefined {
  return str(get(props, "metadata.namespace"));
}

/** `spec.template.spec.containers[0] "app"`: how a message names a container. */
export function at(pod: PodTemplate, c: ContainerRef): string {
  return `${pod.path}.${c.label}`;
}

/** `securityContext` of a pod spec or a container, when it is an object. */
export function securityContext(owner: Props): Props | undefined {
  const sc = owner["securityContext"];
  return isRecord(sc) ? sc : undefined;
}

/** A field of an optional securityContext; null counts as unset, as in the Go API types. */
export function scField(owner: Props, path: string): unknown {
  const sc = securityContext(owner);
  const v = sc === undefined ? undefined : get(sc, path);
  return v === null ? undefined : v;
}
