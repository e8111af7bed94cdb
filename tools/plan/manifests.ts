// Every Kubernetes object of the plan as YAML, one object per file, named so `kubectl apply -f DIR` creates
// namespaces and CRDs before the objects that live in them.
import { stringify } from "yaml";
import type { CapturedResource, CapturedStack } from "./capture";
import { redact, type Json } from "./wire";

export interface Manifest {
  file: string;
  object: Record<string, Json>;
}

// Earlier groups are applied first; everything unlisted comes after.
const applyOrder = ["CustomResourceDefinition", "Namespace", "ServiceAccount", "Secret", "ConfigMap", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "PersistentVolumeClaim", "Service"];

export function isKubernetesObject(resource: CapturedResource): boolean {
  return resource.custom && resource.type.startsWith("kubernetes:") && !resource.type.startsWith("kubernetes:helm");
}

/** The object the provider would send: the resource's inputs, with secret values redacted. */
export function kubernetesObject(resource: CapturedResource): Record<string, Json> {
  return redact(resource.inputs) as Record<string, Json>;
}

export function manifestsOf(captured: CapturedStack): Manifest[] {
  const used = new Set<string>();
  return captured.resources.filter(isKubernetesObject).map((resource) => {
    const object = kubernetesObject(resource);
    const kind = text(object.kind, "Unknown");
    const metadata = (object.metadata ?? {}) as Record<string, Json>;
    const order = applyOrder.indexOf(kind);
    const prefix = String(order === -1 ? applyOrder.length : order).padStart(2, "0");
    const slug = [kind, text(metadata.namespace, "cluster"), text(metadata.name, resource.name)].join("-").toLowerCase().replace(/[^a-z0-9.-]+/g, "-");
    let file = `${prefix}-${slug}.yaml`;
    for (let i = 2; used.has(file); i++) file = `${prefix}-${slug}-${i}.yaml`;
    used.add(file);
    return { file, object };
  }).sort((a, b) => a.file.localeCompare(b.file));
}

function text(value: Json | undefined, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

export function toYaml(object: Record<string, Json>): string {
  return stringify(object, { lineWidth: 0 });
}
