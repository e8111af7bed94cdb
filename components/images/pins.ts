// The default container images, pinned by tag AND digest (`repo:tag@sha256:…`), in one leaf module (it imports
// nothing, so the config schema can read it). A tag says which release; the digest says which bytes: a re-pushed tag
// cannot change what runs, and k8s-image-digest / k8s-image-pull-policy hold.
//
// Provenance. This workplace cannot reach Docker Hub or Quay, so no digest below was checked against its registry
// here (docs/verification.md, "Image digests"). Each was read in public source that pins the same `repo:tag`, found
// with the source index's exact-string search; the count of independent files that agree is given. Prefer re-reading
// them with `docker buildx imagetools inspect <repo:tag>` (the multi-arch index digest) before a first deploy. A
// wrong digest fails closed: the pull fails (ErrImagePull), nothing else runs in its place.

/**
 * The Letta server. letta/letta:0.16.8 is the release the workload contract was read at
 * (components/workload/letta-preset.ts). Digest: seen in 6 public files (scripts that `docker run` it pinned,
 * "Pinned to the digest … validated (letta 0.16.8)"). Not verified against Docker Hub here.
 */
export const LETTA_SERVER_IMAGE = "letta/letta:0.16.8@sha256:aa66c3eeee13d2dfc40c650d709b550237ee31bfc91942a52fa488a13fa8c102";

/** pgvector on PostgreSQL 17 (in-cluster database; psql for the bootstrap Job). Digest: seen in 10 public files. Not verified here. */
export const PGVECTOR_IMAGE = "pgvector/pgvector:0.8.1-pg17@sha256:3e8b3adfd27b5707128f60956f62a793c3c9326ea8cfaf0eab7adccb5d700b21";

/**
 * Redis for cache.mode=in-cluster. Digest: seen in 4 public files, one calling it "the official multi-platform image
 * by version and registry digest" (a fifth file pins another digest of the same tag, an older build of it). Not verified here.
 */
export const REDIS_IMAGE = "redis:7.4.6-alpine@sha256:3b73847e72874be07e6657b129a94761662b79bc0f679273757d4218573b2a98";

/**
 * Envoy, the TLS sidecar to ElastiCache. v1.34.10, not v1.34.1: no public source pins a digest of v1.34.1, and the
 * sidecar's configuration (components/cache/tls-sidecar.ts) uses only the v3 TCP proxy and TLS transport socket, which
 * the whole 1.34 line carries; a later patch of the same minor line carries its security fixes. Digest: seen in one
 * public document (a deployment report pinning "envoyproxy/envoy:v1.34.10@sha256:…" for production). Not verified here.
 */
export const ENVOY_IMAGE = "envoyproxy/envoy:v1.34.10@sha256:3343a698c1bdfdbb174f1bd907dea789d728692f4f99a943e3e6f0bc5ef6513f";

/**
 * The base of the backup image (image/backup/Dockerfile), per server major version: pg_dump must not be older than
 * the server. Digests: 17.6-bookworm seen in 10 public files; 16.10-bookworm in 6 (two other digests of the tag, older
 * rebuilds, in 3 more). Not verified here. The build runs where `pulumi up` runs and pulls this by digest.
 */
export const POSTGRES_CLIENT_IMAGES: Readonly<Record<"16" | "17", string>> = {
  "16": "postgres:16.10-bookworm@sha256:38471f330eb885e04de130b768d6db4e10469e2311879c7e5c699f6d2d8a1c74",
  "17": "postgres:17.6-bookworm@sha256:f3bd19c606e442c3d7bdfa8002e03fe260a1023351e0ea4598032022b68dd6e3",
};
