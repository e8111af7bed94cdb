/**
 * A real image-reference parser (the distribution/reference grammar, reduced to what the rules need):
 * `[registry[:port]/]path[:tag][@algorithm:hex]`. The digest is split off at `@` first; a tag is the text after the
 * last `:` only when that colon comes after the last `/` (so `registry:5000/app` has a port, not a tag); the first
 * path component is a registry only when it contains `.` or `:` or is `localhost`, else the image is on Docker Hub.
 */
export interface ImageRef {
  /** The reference as written. */
  raw: string;
  /** Registry host (with port), `docker.io` when the reference names none. */
  registry: string;
  /** Whether the reference names its registry itself. */
  explicitRegistry: boolean;
  /** Repository path inside the registry (`library/redis` for a Docker Hub official image). */
  repository: string;
  tag?: string;
  /** `sha256:…` as written, when the reference has an `@` part. */
  digest?: string;
}

export const DOCKER_HUB = "docker.io";
const DIGEST = /^(sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;

export function parseImage(raw: string): ImageRef {
  const at = raw.indexOf("@");
  const name = at >= 0 ? raw.slice(0, at) : raw;
  const digest = at >= 0 ? raw.slice(at + 1) : undefined;
  const lastSlash = name.lastIndexOf("/");
  const lastColon = name.lastIndexOf(":");
  const hasTag = lastColon > lastSlash;
  const path = hasTag ? name.slice(0, lastColon) : name;
  const tag = hasTag ? name.slice(lastColon + 1) : undefined;
  const firstSlash = path.indexOf("/");
  const first = firstSlash >= 0 ? path.slice(0, firstSlash) : "";
  const explicitRegistry = firstSlash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = explicitRegistry ? first : DOCKER_HUB;
  let repository = explicitRegistry ? path.slice(firstSlash + 1) : path;
  if (!explicitRegistry && !repository.includes("/")) repository = `library/${repository}`;
  return { raw, registry, explicitRegistry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Pinned to content: an `@` part that is a well-formed digest (sha256, sha384 or sha512 with its full hex length). */
export function isDigestPinned(ref: ImageRef): boolean {
  return ref.digest !== undefined && DIGEST.test(ref.digest);
}

/**
 * Glob over a registry host or `host/repository`: `*` matches within one DNS label or path segment (never `.` or
 * `/`), so `*.dkr.ecr.*.amazonaws.com` admits every ECR registry and nothing that merely ends like one.
 */
export function registryGlob(pattern: string): RegExp {
  const parts = pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join("[^./]*")}$`, "i");
}

/** Whether the image's registry (pattern without `/`) or `registry/repository` (pattern with `/`) is allowed. */
export function registryAllowed(ref: ImageRef, patterns: readonly string[]): boolean {
  return patterns.some((p) => {
    const re = registryGlob(p);
    return p.includes("/") ? re.test(`${ref.registry}/${ref.repository}`) : re.test(ref.registry);
  });
}
