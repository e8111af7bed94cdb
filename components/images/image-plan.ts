// Where the cluster pulls each image from: the public registry it names (pinned by digest), the stack's ECR
// pull-through cache (image.pullThroughCache), or one private mirror (image.registry). A leaf module (types and
// references only), so the config schema can check the relations with it before any resource exists.
import { createHash } from "node:crypto";
import { PRIVATE_ECR_HOST, PULL_THROUGH_UPSTREAMS, parseImageRef, refUnder } from "./references";

/** The settings this module reads (a structural slice of PlatformConfig, so this file imports nothing of config). */
export interface ImageSettings {
  cluster: { mode: string };
  database: { mode: string; image: string };
  cache: { mode: string; image: string; tlsProxyImage: string };
  server: { image: string };
  backup: { enabled: boolean; image?: string | undefined };
  observability: { collectorImage: string; postgresExporterImage: string };
  image: {
    build: boolean; pullThroughCache: boolean; registry?: string | undefined; awsAccountId?: string | undefined;
    dockerHubCredentialArn?: string | undefined;
  };
}

/** An image the cluster pulls, with the config key that sets it. */
export interface UsedImage { key: string; image: string }

/** Every image the cluster pulls in the chosen modes (built images excepted: they are pushed to the stack's ECR). */
export function usedImages(c: ImageSettings): UsedImage[] {
  const used: UsedImage[] = [];
  // With image.build the cluster runs the built digest; server.image is only the build's base.
  if (!c.image.build) used.push({ key: "server.image", image: c.server.image });
  used.push({ key: "database.image", image: c.database.image });
  used.push({ key: "observability.collectorImage", image: c.observability.collectorImage });
  if (c.cache.mode === "in-cluster") used.push({ key: "cache.image", image: c.cache.image });
  else used.push({ key: "cache.tlsProxyImage", image: c.cache.tlsProxyImage });
  if (c.database.mode === "statefulset") used.push({ key: "observability.postgresExporterImage", image: c.observability.postgresExporterImage });
  if (c.backup.enabled && c.backup.image !== undefined) used.push({ key: "backup.image", image: c.backup.image });
  return used;
}

/**
 * The namespace of this stack's cache rules: `<ns>/docker-hub` and so on. A rule's prefix is unique per registry
 * (account and region) and 2-30 characters of `[a-z0-9]+([._-][a-z0-9]+)*` segments joined by '/'
 * (API_CreatePullThroughCacheRule.html, ecrRepositoryPrefix); per stack, so two stacks of one account never share (or
 * delete) each other's rules. At most 19 characters, leaving room for `/ecr-public`.
 */
export function cacheNamespace(physicalName: string): string {
  const clean = physicalName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "stack";
  // Only a name that is already its own clean form stays bare: "dev_a" and "dev-a" must not share "dev-a".
  if (clean === physicalName && clean.length <= 19) return clean;
  const hash = createHash("sha256").update(physicalName).digest("hex").slice(0, 6);
  return `${clean.slice(0, 12).replace(/-+$/, "")}-${hash}`;
}

/** The private ECR registry host of an account and region. */
export function ecrHost(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

/**
 * The account of the cache registry: image.awsAccountId, else the account of the Docker Hub credential's ARN (a rule
 * only takes a secret of its own account and region, docs.aws.amazon.com/AmazonECR/latest/userguide/
 * pull-through-cache-creating-rule.html, so that is the registry's account).
 */
export function registryAccount(c: ImageSettings): string | undefined {
  return c.image.awsAccountId ?? c.image.dockerHubCredentialArn?.split(":")[4];
}

export type ImageSource =
  | { kind: "public" }
  | { kind: "pull-through"; host: string; namespace: string }
  | { kind: "registry"; registry: string };

/** The source the settings choose; the pull-through host needs the stack's region. */
export function imageSource(c: ImageSettings, physicalName: string, region: string | undefined): ImageSource {
  if (c.image.registry !== undefined) return { kind: "registry", registry: c.image.registry.replace(/\/+$/, "") };
  const account = registryAccount(c);
  if (c.image.pullThroughCache && account !== undefined && region !== undefined) {
    return { kind: "pull-through", host: ecrHost(account, region), namespace: cacheNamespace(physicalName) };
  }
  return { kind: "public" };
}

/**
 * The reference the cluster pulls. Pull-through: `<host>/<ns>/<upstream key>/<repository>:<tag>@<digest>` (Docker Hub
 * official images keep `library/`, docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-working-pulling.html:
 * "For Docker Hub official images, the /library prefix must be included"). Registry: `<registry>/<repository>…`, the
 * upstream path kept (a mirror made with `crane copy` or `skopeo sync` keeps it). Images already in a private ECR
 * registry are left as they are.
 */
export function resolveImage(image: string, source: ImageSource): string {
  if (source.kind === "public") return image;
  const ref = parseImageRef(image);
  if (PRIVATE_ECR_HOST.test(ref.registry)) return image;
  if (source.kind === "registry") return refUnder(source.registry, ref);
  // A registry no rule covers (a private one, ghcr.io) is pulled as written: the user named it on purpose, and the
  // policy pack's k8s-image-registry says so unless its allow-list names it.
  const upstream = PULL_THROUGH_UPSTREAMS[ref.registry];
  if (!upstream) return image;
  return refUnder(`${source.host}/${source.namespace}/${upstream.key}`, ref);
}

/** The upstream registries (keys of PULL_THROUGH_UPSTREAMS) the used images need rules for, sorted. */
export function neededUpstreams(c: ImageSettings): string[] {
  const hosts = new Set<string>();
  for (const { image } of usedImages(c)) {
    const { registry } = parseImageRef(image);
    if (!PRIVATE_ECR_HOST.test(registry) && PULL_THROUGH_UPSTREAMS[registry]) hosts.add(registry);
  }
  return [...hosts].sort();
}

type Issue = { path: string[]; message: string; input: unknown };

/** The relations of the image.* keys, checked with the environment defaults applied. */
export function imageSourceIssues(c: ImageSettings): Issue[] {
  const issues: Issue[] = [];
  const fail = (key: string, input: unknown, message: string) => issues.push({ path: key.split("."), input, message });
  const i = c.image;
  if (i.registry !== undefined && i.pullThroughCache) {
    fail("image.pullThroughCache", true, "must be false with image.registry: every image comes from that registry, so no cache rule is needed");
  }
  if (!i.pullThroughCache) return issues;
  if (c.cluster.mode !== "create") {
    fail("image.pullThroughCache", true, "needs cluster.mode=create: the stack grants the node role the pull-through permissions, and an existing cluster's nodes are not the stack's (use image.registry, or set it false)");
  }
  const arnAccount = i.dockerHubCredentialArn?.split(":")[4];
  if (arnAccount !== undefined && i.awsAccountId !== undefined && arnAccount !== i.awsAccountId) {
    fail("image.dockerHubCredentialArn", i.dockerHubCredentialArn, `must be a secret of account ${i.awsAccountId} (image.awsAccountId): a pull-through cache rule only takes a secret of its own account and region (docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html)`);
  }
  if (neededUpstreams(c).includes("docker.io") && i.dockerHubCredentialArn === undefined) {
    const from = usedImages(c).filter((u) => parseImageRef(u.image).registry === "docker.io").map((u) => u.key).join(", ");
    fail("image.dockerHubCredentialArn", undefined, `is required with image.pullThroughCache (on by default with cluster.mode=create): ${from} come from Docker Hub, and ECR's Docker Hub rule needs a credential (docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html); create an ecr-pullthroughcache/ secret with {"username", "accessToken"} in the stack's account and region and name its ARN (docs/decisions/0105-images-by-digest-through-pull-through-cache.md), or set image.pullThroughCache=false to pull from the public registries`);
  } else if (registryAccount(c) === undefined) {
    fail("image.awsAccountId", undefined, "is required with image.pullThroughCache (unless image.dockerHubCredentialArn names the account): the images are named <account>.dkr.ecr.<region>.amazonaws.com/…, and the account must be known before any resource exists (the deploy checks it is the AWS provider's)");
  }
  return issues;
}

/** The Docker Hub credential must live in the stack's region (same source as the account rule). */
export function imageRegionIssues(c: ImageSettings, awsRegion: string): Issue[] {
  const region = c.image.dockerHubCredentialArn?.split(":")[3];
  if (!c.image.pullThroughCache || region === undefined || region === awsRegion) return [];
  return [{ path: ["image", "dockerHubCredentialArn"], input: c.image.dockerHubCredentialArn, message: `is a secret of ${region}, but the stack runs in aws:region ${awsRegion}: a pull-through cache rule only takes a secret of its own account and region` }];
}

/**
 * The configuration with every image the cluster pulls named as the source serves it, so the components, which read
 * their images from the configuration, need no knowledge of registries. server.image stays the upstream reference
 * when image.build is on (it is then only the base of a build that runs where pulumi runs).
 */
export function withResolvedImages<T extends ImageSettings>(c: T, source: ImageSource): T {
  const r = (image: string) => resolveImage(image, source);
  return {
    ...c,
    server: { ...c.server, image: c.image.build ? c.server.image : r(c.server.image) },
    database: { ...c.database, image: r(c.database.image) },
    cache: { ...c.cache, image: r(c.cache.image), tlsProxyImage: r(c.cache.tlsProxyImage) },
    backup: { ...c.backup, ...(c.backup.image === undefined ? {} : { image: r(c.backup.image) }) },
    observability: { ...c.observability, collectorImage: r(c.observability.collectorImage), postgresExporterImage: r(c.observability.postgresExporterImage) },
  };
}
