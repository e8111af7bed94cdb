// Image references and their names in the pull-through cache or a mirror: the rules of Docker's reference grammar
// (distribution/reference normalize.go) and of ECR's pull-through naming (pull-through-cache-working-pulling.html).
import { describe, expect, it } from "vitest";
import { cacheNamespace, ecrHost, resolveImage } from "../../components/images/image-plan";
import { parseImageRef } from "../../components/images/references";
import * as pins from "../../components/images/pins";
import { OTEL_COLLECTOR_IMAGE, POSTGRES_EXPORTER_IMAGE } from "../../components/observability/images";

const D = "sha256:" + "a".repeat(64);
const cache = { kind: "pull-through" as const, host: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", namespace: "agents-prod" };

describe("parseImageRef", () => {
  it.each([
    ["redis:7.4.6-alpine", { registry: "docker.io", repository: "library/redis", tag: "7.4.6-alpine" }],
    ["letta/letta:0.16.8", { registry: "docker.io", repository: "letta/letta", tag: "0.16.8" }],
    ["docker.io/library/postgres:17", { registry: "docker.io", repository: "library/postgres", tag: "17" }],
    ["index.docker.io/otel/x:1", { registry: "docker.io", repository: "otel/x", tag: "1" }],
    ["quay.io/prometheuscommunity/postgres-exporter:v0.17.1", { registry: "quay.io", repository: "prometheuscommunity/postgres-exporter", tag: "v0.17.1" }],
    ["localhost:5000/app:1", { registry: "localhost:5000", repository: "app", tag: "1" }],
    [`ghcr.io/a/b@${D}`, { registry: "ghcr.io", repository: "a/b", digest: D }],
    [`letta/letta:0.16.8@${D}`, { registry: "docker.io", repository: "letta/letta", tag: "0.16.8", digest: D }],
  ])("%s", (image, expected) => {
    expect(parseImageRef(image)).toEqual(expected);
  });
});

describe("resolveImage", () => {
  it("names Docker Hub images under the docker-hub rule, official ones with library/", () => {
    expect(resolveImage(`redis:7.4.6-alpine@${D}`, cache)).toBe(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/agents-prod/docker-hub/library/redis:7.4.6-alpine@${D}`);
    expect(resolveImage(`letta/letta:0.16.8@${D}`, cache)).toBe(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/agents-prod/docker-hub/letta/letta:0.16.8@${D}`);
  });

  it("names Quay, ECR Public and registry.k8s.io images under their own rules", () => {
    expect(resolveImage(`quay.io/a/b:1@${D}`, cache)).toBe(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/agents-prod/quay/a/b:1@${D}`);
    expect(resolveImage(`public.ecr.aws/docker/library/redis:7@${D}`, cache)).toBe(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/agents-prod/ecr-public/docker/library/redis:7@${D}`);
    expect(resolveImage(`registry.k8s.io/pause:3.10@${D}`, cache)).toBe(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/agents-prod/k8s/pause:3.10@${D}`);
  });

  it("leaves private ECR images and registries no rule covers as written", () => {
    const ecr = `210987654321.dkr.ecr.us-east-1.amazonaws.com/team/app@${D}`;
    expect(resolveImage(ecr, cache)).toBe(ecr);
    expect(resolveImage(`ghcr.io/a/b:1@${D}`, cache)).toBe(`ghcr.io/a/b:1@${D}`);
  });

  it("puts every image under image.registry, upstream path kept; public leaves it alone", () => {
    const mirror = { kind: "registry" as const, registry: "registry.example.com/mirror" };
    expect(resolveImage(`redis:7@${D}`, mirror)).toBe(`registry.example.com/mirror/library/redis:7@${D}`);
    expect(resolveImage(`quay.io/a/b:1@${D}`, mirror)).toBe(`registry.example.com/mirror/a/b:1@${D}`);
    expect(resolveImage(`redis:7@${D}`, { kind: "public" })).toBe(`redis:7@${D}`);
  });

  it("uses the China partition's host in cn- regions", () => {
    expect(ecrHost("123456789012", "cn-north-1")).toBe("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn");
  });
});

describe("cacheNamespace", () => {
  // ecrRepositoryPrefix: 2-30 characters, (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*
  // (docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html).
  const PREFIX = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
  it.each(["agents-prod", "Agents-Production_EU", "a-very-long-platform-name-for-stack-production", "x--y"])("%s gives a valid prefix for every rule", (physical) => {
    const ns = cacheNamespace(physical);
    for (const key of ["docker-hub", "ecr-public", "quay", "k8s"]) {
      const prefix = `${ns}/${key}`;
      expect(prefix).toMatch(PREFIX);
      expect(prefix.length).toBeLessThanOrEqual(30);
    }
  });

  it("keeps names apart that clean to the same text, and leaves a clean short name bare", () => {
    expect(new Set(["dev_a", "dev-a", "Dev-a", "dev.a"].map(cacheNamespace)).size).toBe(4);
    expect(cacheNamespace("agents-prod")).toBe("agents-prod");
  });

  it("keeps two long names apart", () => {
    expect(cacheNamespace("a-very-long-platform-name-prod")).not.toBe(cacheNamespace("a-very-long-platform-name-staging"));
  });
});

describe("the default images", () => {
  const all = [...Object.values(pins).flatMap((v) => (typeof v === "string" ? [v] : Object.values(v))), OTEL_COLLECTOR_IMAGE, POSTGRES_EXPORTER_IMAGE];
  it.each(all)("%s is pinned by tag and digest", (image) => {
    const ref = parseImageRef(image);
    expect(ref.tag).toMatch(/^[\w][\w.-]*$/);
    expect(ref.tag).not.toBe("latest");
    expect(ref.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
