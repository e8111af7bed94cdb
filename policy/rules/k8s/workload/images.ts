import { always, type ResourceRule, type RuleContext, type RuleResource } from "../../../lib/rule";
import { at, containers, podTemplate, WORKLOAD_TYPES, type ContainerRef, type PodTemplate } from "../../../lib/podspec";
import { show, str, strings } from "../../../lib/values";
import { isDigestPinned, parseImage, registryAllowed, type ImageRef } from "./lib/image";

/** Runs `check` for every container with its parsed image; a container without an image string is reported. */
function eachImage(resource: RuleResource, ctx: RuleContext, check: (pod: PodTemplate, c: ContainerRef, image: ImageRef) => void): void {
  const pod = podTemplate(resource.type, resource.props);
  if (!pod) return;
  for (const c of containers(pod.spec)) {
    const raw = c.container["image"];
    const image = str(raw);
    if (image === undefined || image.trim() === "") {
      ctx.report(`${at(pod, c)}: image is ${show(raw)}; name an image reference.`);
      continue;
    }
    check(pod, c, parseImage(image.trim()));
  }
}

const imageRefs = [
  { framework: "kube-score", id: "container-image-tag" },
  { framework: "Polaris", id: "tagNotSpecified" },
  { framework: "kube-linter", id: "latest-tag" },
  { framework: "CKV", id: "CKV_K8S_14" },
  { framework: "Kyverno", id: "best-practices/disallow-latest-tag" },
  { framework: "KSV", id: "KSV-0013" },
] as const;

export const imageTag: ResourceRule = {
  kind: "resource",
  id: "k8s-image-tag",
  title: "Images are pinned by tag or digest, never latest",
  description: "Every container image carries a digest, or a tag other than \"latest\" (a `registry:5000/app` port is not a tag).",
  severity: "high",
  enforcement: always("mandatory"),
  references: [...imageRefs],
  remediation: "Reference images by an immutable version tag (app:1.2.3) or, better, by digest (app@sha256:…).",
  targets: WORKLOAD_TYPES,
  validate(resource, ctx) {
    eachImage(resource, ctx, (pod, c, image) => {
      if (isDigestPinned(image)) return;
      if (image.tag === undefined || image.tag === "") {
        ctx.report(`${at(pod, c)}: image ${show(image.raw)} has no tag (the runtime pulls "latest"); pin a version tag or a digest.`);
      } else if (image.tag.toLowerCase() === "latest") {
        ctx.report(`${at(pod, c)}: image ${show(image.raw)} uses the tag "latest"; pin a version tag or a digest.`);
      }
    });
  },
};

export const imageDigest: ResourceRule = {
  kind: "resource",
  id: "k8s-image-digest",
  title: "Images are pinned by digest",
  description: "Every container image is referenced by digest (image@sha256:<64 hex>), so what runs cannot change under the same tag.",
  severity: "medium",
  enforcement: always("advisory"),
  references: [
    { framework: "CKV", id: "CKV_K8S_43" },
    { framework: "Kyverno", id: "other/require-image-checksum" },
  ],
  remediation: "Append the image's digest (app:1.2.3@sha256:…), or deploy the digest of the image the stack builds.",
  targets: WORKLOAD_TYPES,
  validate(resource, ctx) {
    eachImage(resource, ctx, (pod, c, image) => {
      if (isDigestPinned(image)) return;
      const why = image.digest === undefined ? "has no digest" : `has a malformed digest ${show(image.digest)}`;
      ctx.report(`${at(pod, c)}: image ${show(image.raw)} ${why}; reference it as <image>@sha256:<64 hex digits>.`);
    });
  },
};

export const imagePullPolicy: ResourceRule = {
  kind: "resource",
  id: "k8s-image-pull-policy",
  title: "Image pull policy re-checks mutable references",
  description: "A container whose image is not pinned by digest sets imagePullPolicy: Always (a digest-pinned image passes with any policy: checkov semantics).",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "CKV", id: "CKV_K8S_15" },
    { framework: "kube-score", id: "container-image-pull-policy" },
    { framework: "Polaris", id: "pullPolicyNotAlways" },
    { framework: "Kyverno", id: "other/imagepullpolicy-always" },
  ],
  remediation: "Pin the image by digest (then IfNotPresent is right), or set imagePullPolicy: Always so a moved tag is noticed.",
  targets: WORKLOAD_TYPES,
  validate(resource, ctx) {
    eachImage(resource, ctx, (pod, c, image) => {
      if (isDigestPinned(image)) return;
      const policy = c.container["imagePullPolicy"];
      // Unset defaults to Always for a missing or "latest" tag, IfNotPresent otherwise.
      const latest = image.tag === undefined || image.tag === "" || image.tag.toLowerCase() === "latest";
      const effective = policy === undefined ? (latest ? "Always" : "IfNotPresent") : policy;
      if (effective === "Always") return;
      const shown = policy === undefined ? `unset (IfNotPresent for the tag ${show(image.tag)})` : show(policy);
      ctx.report(`${at(pod, c)}: imagePullPolicy is ${shown} for image ${show(image.raw)}, which is not pinned by digest; pin the digest or set imagePullPolicy: Always.`);
    });
  },
};

export const DEFAULT_REGISTRIES = ["*.dkr.ecr.*.amazonaws.com", "public.ecr.aws"];

export const imageRegistry: ResourceRule = {
  kind: "resource",
  id: "k8s-image-registry",
  title: "Images come from allowed registries",
  description:
    "Every container image comes from a registry in allowedRegistries (default: any private ECR registry and ECR Public). An entry without '/' matches the registry host, one with '/' matches registry/repository; '*' stays within one label or path segment.",
  severity: "medium",
  enforcement: always("advisory"),
  references: [
    { framework: "Kyverno", id: "best-practices/restrict-image-registries" },
    { framework: "KSV", id: "KSV-0125" },
  ],
  remediation: "Mirror the image into the account's ECR (pull-through cache or a build), or add its registry (e.g. \"docker.io/letta/*\") to this rule's allowedRegistries.",
  targets: WORKLOAD_TYPES,
  configSchema: {
    allowedRegistries: {
      type: "array",
      items: { type: "string" },
      default: DEFAULT_REGISTRIES,
      description: "Registry hosts (with port) or registry/repository globs images may come from; '*' matches within one DNS label or path segment.",
    },
  },
  validate(resource, ctx) {
    const allowed = strings(ctx.config["allowedRegistries"]);
    eachImage(resource, ctx, (pod, c, image) => {
      if (registryAllowed(image, allowed)) return;
      const where = image.explicitRegistry ? `registry "${image.registry}"` : `Docker Hub ("${image.registry}", no registry named)`;
      ctx.report(`${at(pod, c)}: image ${show(image.raw)} comes from ${where}; allowed: ${allowed.map((a) => `"${a}"`).join(", ") || "none"}.`);
    });
  },
};
