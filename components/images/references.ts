// Image references: which registry an image comes from, and its name in a pull-through cache or a private mirror.
// Docker's rules for a reference without a registry (distribution/reference normalize.go): the first path component
// is a registry only when it contains '.' or ':' or is `localhost`; else the image is on Docker Hub, and a one-part
// name is an official image under `library/`.

export interface ImageRef {
  /** Registry host as written, or `docker.io` when none is named. */
  registry: string;
  /** Repository path inside the registry (`library/redis` for an official Docker Hub image). */
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB_HOSTS = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** Split an image reference into registry, repository, tag and digest. */
export function parseImageRef(image: string): ImageRef {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(":");
  if (lastColon > rest.lastIndexOf("/")) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  let registry = hasRegistry ? first : "docker.io";
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (DOCKER_HUB_HOSTS.has(registry)) {
    registry = "docker.io";
    if (!repository.includes("/")) repository = `library/${repository}`;
  }
  return { registry, repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** `repository[:tag][@digest]` under a new registry path. */
export function refUnder(prefix: string, ref: ImageRef): string {
  return `${prefix}/${ref.repository}${ref.tag === undefined ? "" : `:${ref.tag}`}${ref.digest === undefined ? "" : `@${ref.digest}`}`;
}

/** A private ECR registry host: `<account>.dkr.ecr.<region>.amazonaws.com` (or `.amazonaws.com.cn`). */
export const PRIVATE_ECR_HOST = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/;

/**
 * The upstream registries an ECR pull-through cache rule can take without a cross-account role, by the host images
 * name (docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html, upstreamRegistryUrl:
 * "Docker Hub (docker-hub) – registry-1.docker.io", "Quay (quay) – quay.io", "Amazon ECR Public (ecr-public) –
 * public.ecr.aws", "Kubernetes (k8s) – registry.k8s.io"). `credential`: the upstream needs a Secrets Manager
 * credential (docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html lists Docker Hub;
 * ECR Public, Kubernetes and Quay rules take none, pull-through-cache-creating-rule.html). GitHub, GitLab and Azure
 * also need credentials; the stack has no setting for them, so images there are pulled as written.
 */
export const PULL_THROUGH_UPSTREAMS: Readonly<Record<string, { key: string; url: string; credential: boolean }>> = {
  "docker.io": { key: "docker-hub", url: "registry-1.docker.io", credential: true },
  "quay.io": { key: "quay", url: "quay.io", credential: false },
  "public.ecr.aws": { key: "ecr-public", url: "public.ecr.aws", credential: false },
  "registry.k8s.io": { key: "k8s", url: "registry.k8s.io", credential: false },
};
