/**
 * Joins for the stack rules, all through indexes built once per rule run: resources by namespace, by
 * namespace/name, and the reverse of StackView.linked (what a resource's input was computed from). Every join
 * compares namespaces; an unset namespace is the provider's default, which only matches another unset one.
 */
import { namespaceOf, podTemplate, type PodTemplate } from "../../../../lib/podspec";
import type { Props } from "../../../../lib/rule";
import type { StackResource, StackView } from "../../../../lib/stack-view";
import { get, isRecord, num, str } from "../../../../lib/values";
import { HPA_TYPES, SCALABLE } from "./kinds";
import { labelsOf, type Labels } from "./selector";

/**
 * What a stack rule reads of a resource. Stack policies get the resource's outputs: before the object exists (the
 * preview of a create) the inputs themselves, after deploy the live object with the API server's defaults filled in.
 * pulumi-kubernetes keeps the declared inputs beside it under `__inputs`, but the CLI drops top-level internal keys
 * from what it sends AnalyzeStack (pulumi/pulumi@v3.259.0:sdk/go/common/resource/plugin/rpc.go:104), so `__inputs`
 * reaches a rule only from runners that keep it. Where a server default changes a verdict, the rule reads through a
 * helper that knows it (declaredReplicas); test/policy/live-objects.test.ts holds every stack rule to the same
 * findings on the live copies of the dev and prod plans.
 */
export function declared(r: { props: Props }): Props {
  const inputs = r.props["__inputs"];
  return isRecord(inputs) ? inputs : r.props;
}

/**
 * spec.replicas as the program declared it, or undefined when unset or when it cannot be told. The CLI drops
 * top-level internal keys, `__inputs` among them, from what it sends AnalyzeStack
 * (pulumi/pulumi@v3.259.0:sdk/go/common/resource/plugin/rpc.go:104, analyzer_plugin.go:350-351), so after the first
 * deploy a stack rule sees the live object, whose spec.replicas the API server defaults to 1 and an HPA rewrites
 * (kubernetes-models@4.5.1 apps/v1/DeploymentSpec.d.ts:22-24 "Defaults to 1"). A live object is one with
 * metadata.uid, which only the system populates (@kubernetes-models/apimachinery@2.2.0
 * apis/meta/v1/ObjectMeta.d.ts:82-86); for it, spec.replicas says nothing about the program.
 */
export function declaredReplicas(r: { props: Props }): unknown {
  const inputs = r.props["__inputs"];
  if (isRecord(inputs)) return get(inputs, "spec.replicas");
  if (str(get(r.props, "metadata.uid")) !== undefined) return undefined;
  return get(r.props, "spec.replicas");
}

/** Namespace key for joins: `metadata.namespace`, or "" (the provider's default namespace) when unset. */
export function nsOf(r: { props: Props }): string {
  return namespaceOf(declared(r)) ?? "";
}

export function nameOf(r: { props: Props }): string | undefined {
  return str(get(declared(r), "metadata.name"));
}

/** `"ns/name"` for messages. */
export function showObject(r: { props: Props; name: string }): string {
  const name = nameOf(r);
  return name === undefined ? `"${r.name}"` : `"${nsOf(r) || "<provider default>"}/${name}"`;
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Resources of `types` that this resource's input `property` was computed from (the reverse of `linked`). */
export function dependsOn(r: StackResource, property: string, types: readonly string[]): StackResource[] {
  return (r.propertyDependencies[property] ?? []).filter((d) => types.includes(d.type));
}

export interface Workload {
  r: StackResource;
  ns: string;
  pod: PodTemplate;
  /** Pod template labels, and where they are (`spec.template.metadata.labels`). */
  labels: Labels;
  labelsPath: string;
}

export function workloadsOf(view: StackView, types: readonly string[]): Workload[] {
  const out: Workload[] = [];
  for (const r of view.ofType(...types)) {
    const pod = podTemplate(r.type, declared(r));
    if (pod) out.push({ r, ns: nsOf(r), pod, labels: labelsOf(pod.metadata["labels"]), labelsPath: `${pod.metadataPath}.labels` });
  }
  return out;
}

const nameIndexes = new WeakMap<StackView, Map<string, Map<string, StackResource[]>>>();

/** Resources of `type` named `name` in namespace `ns`, from an index built once per view and type. */
export function byName(view: StackView, type: string, ns: string, name: string): StackResource[] {
  let perView = nameIndexes.get(view);
  if (!perView) {
    perView = new Map<string, Map<string, StackResource[]>>();
    nameIndexes.set(view, perView);
  }
  let index = perView.get(type);
  if (!index) {
    index = groupBy(view.ofType(type), (r) => `${nsOf(r)}/${nameOf(r) ?? ""}`);
    perView.set(type, index);
  }
  return index.get(`${ns}/${name}`) ?? [];
}

const UNKNOWN_NAME = Symbol("unknown at preview");

/**
 * Reads a name, telling "unknown at preview" apart. The engine's proxy signals an unknown by throwing its
 * UnknownValueError; only that error is turned into a value here (the caller then trusts the engine's link), every
 * other error propagates.
 */
function nameUnlessUnknown(readName: () => string | undefined): string | undefined | typeof UNKNOWN_NAME {
  try {
    return readName();
  } catch (e) {
    if (e instanceof Error && e.constructor.name === "UnknownValueError") return UNKNOWN_NAME;
    throw e;
  }
}

/**
 * The resource of `type` that `from` refers to by name in its own namespace: first through propertyDependencies
 * of `property` (how the engine links at preview, when names can still be unknown), then by name.
 */
export function resolveRef(
  view: StackView, from: StackResource, property: string, type: string, ns: string, readName: () => string | undefined, trustSingleLink = true,
): StackResource | undefined {
  const linked = dependsOn(from, property, [type]).filter((d) => nsOf(d) === ns);
  // One linked resource of the type is the referent when the name cannot be read yet (unknown at preview) or names
  // it; a known name that differs wins (the link may come from another field of the same property, e.g. an env
  // value built from another object's name). A property holding several references passes trustSingleLink false.
  if (linked.length === 1 && trustSingleLink) {
    const only = linked[0] as StackResource;
    const name = nameUnlessUnknown(readName);
    if (name === UNKNOWN_NAME || name === undefined || name === nameOf(only)) return only;
    return byName(view, type, ns, name)[0];
  }
  const name = readName();
  if (name === undefined) return undefined;
  if (linked.length > 1) return linked.find((d) => nameOf(d) === name);
  return byName(view, type, ns, name)[0];
}

/** Pulumi type token of an object reference: `apps/v1` + `Deployment` → `kubernetes:apps/v1:Deployment`. */
export function typeOfRef(apiVersion: string | undefined, kind: string): string | undefined {
  if (apiVersion === undefined || apiVersion === "") return SCALABLE[kind];
  return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

/** The object an HPA scales (spec.scaleTargetRef), when it is part of the stack. */
export function hpaTarget(view: StackView, hpa: StackResource): StackResource | undefined {
  const kind = str(get(declared(hpa), "spec.scaleTargetRef.kind"));
  const type = kind === undefined ? undefined : typeOfRef(str(get(declared(hpa), "spec.scaleTargetRef.apiVersion")), kind);
  if (type === undefined) return undefined;
  return resolveRef(view, hpa, "spec", type, nsOf(hpa), () => str(get(declared(hpa), "spec.scaleTargetRef.name")));
}

const hpaIndexes = new WeakMap<StackView, Map<string, StackResource[]>>();

/** HPAs of the stack by the URN of the controller they scale. */
export function hpasByTarget(view: StackView): Map<string, StackResource[]> {
  let index = hpaIndexes.get(view);
  if (!index) {
    index = new Map();
    for (const hpa of view.ofType(...HPA_TYPES)) {
      const target = hpaTarget(view, hpa);
      if (!target) continue;
      const list = index.get(target.urn);
      if (list) list.push(hpa);
      else index.set(target.urn, [hpa]);
    }
    hpaIndexes.set(view, index);
  }
  return index;
}

export interface ReplicaCount {
  min: number;
  max: number;
  /** Where the count comes from, for messages. */
  via: string;
}

/** How many pods a controller runs: its HPA's bounds when one scales it, else spec.replicas (default 1). */
export function replicaCount(r: StackResource, hpas: readonly StackResource[]): ReplicaCount {
  if (hpas.length > 0) {
    const mins = hpas.map((h) => num(get(declared(h), "spec.minReplicas")) ?? 1);
    const maxs = hpas.map((h) => num(get(declared(h), "spec.maxReplicas")) ?? 1);
    const min = Math.max(...mins);
    const max = Math.max(...maxs);
    return { min, max, via: `HorizontalPodAutoscaler ${hpas[0] ? showObject(hpas[0]) : ""} (minReplicas ${min}, maxReplicas ${max})` };
  }
  const replicas = get(declared(r), "spec.replicas");
  const n = num(replicas) ?? 1;
  return { min: n, max: n, via: replicas === undefined ? "spec.replicas unset (1)" : `spec.replicas ${n}` };
}
