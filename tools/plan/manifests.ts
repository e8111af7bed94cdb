// Every Kubernetes object of the plan as YAML, one object per file, named so `kubectl apply -f DIR` creates
// namespaces and CRDs before the objects that live in them. Secrets are not among them: the plan never holds a
// secret's value, so their data is the placeholder "[secret]", and applying one would give the server a broken
// credential and a guessable admin password. They are written for review only, in a shape kubectl refuses.
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

/** Objects whose values the plan cannot know: written for review, never among the apply-able manifests. */
export function isReviewOnly(resource: CapturedResource): boolean {
  return resource.type === "kubernetes:core/v1:Secret";
}

/** The apply-able manifests: every Kubernetes object except the review-only Secrets. */
export function manifestsOf(captured: CapturedStack): Manifest[] {
  const used = new Set<string>();
  return captured.resources.filter((r) => isKubernetesObject(r) && !isReviewOnly(r)).map((resource) => {
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

/** Why a review-only file cannot be applied, written at its top. */
export const REVIEW_ONLY_NOTE = [
  "Review only: never apply. The offline plan does not know secret values, so every one reads [secret].",
  "`pulumi up` creates this Secret with the real values. The object sits under `object:`, so kubectl refuses the file.",
];

/** The Secrets of the plan, each wrapped so `kubectl apply -f` rejects the file (no top-level apiVersion/kind). */
export function reviewOnlySecretsOf(captured: CapturedStack): Manifest[] {
  return captured.resources.filter((r) => isKubernetesObject(r) && isReviewOnly(r)).map((resource) => {
    const object = kubernetesObject(resource);
    const metadata = (object.metadata ?? {}) as Record<string, Json>;
    const slug = ["secret", text(metadata.namespace, "cluster"), text(metadata.name, resource.name)].join("-").toLowerCase().replace(/[^a-z0-9.-]+/g, "-");
    return { file: `${slug}.yaml`, object };
  }).sort((a, b) => a.file.localeCompare(b.file));
}

export function toReviewOnlyYaml(object: Record<string, Json>): string {
  return `${REVIEW_ONLY_NOTE.map((line) => `# ${line}`).join("\n")}\n${stringify({ reviewOnly: true, object }, { lineWidth: 0 })}`;
}
