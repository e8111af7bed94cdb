// What the plans render for images: the image of every container (init containers and native sidecars included) of
// every workload, in dev (public registries, by digest) and prod (the stack's ECR pull-through cache, by digest); the
// cache rules and their Docker Hub credential; the registry account; the node role's right to fill the cache;
// image.registry.
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../../components/config";
import { LETTA_SERVER_IMAGE, POSTGRES_CLIENT_IMAGES } from "../../components/images/pins";
import { checkRegistryAccount } from "../../components/images/pull-through-cache";
import { evaluate } from "../../tools/validate/iam/simulate";
import { readStackFile, resolveStackFile } from "../../tools/plan/stack-file";
import { PROJECT_DIR, projectName } from "../../tools/plan/plan-stack";
import { NS, runStack, type ProgramRun } from "../support/harness";
import { allContainers, outputsOf, podTemplates } from "../support/workload";

const ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const CREDENTIAL = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf";
const RULE = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule";
const PINNED = /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9._/-]+:[\w][\w.-]*@sha256:[0-9a-f]{64}$/;
/** The backup image the stack builds: its own repository, by the digest the push returned (no tag). */
const BUILT = new RegExp(`^${ECR.replace(/\./g, "\\.")}/agents-prod-backup@sha256:[0-9a-f]{64}$`);

/** `Kind/name/container → image` of every container of every pod template. */
function images(run: ProgramRun): Record<string, string> {
  return Object.fromEntries(podTemplates(run).flatMap((t) => allContainers(t.spec).map((c) => [`${t.kind}/${t.name}/${c.name}`, c.image ?? ""])));
}

const runs: Record<string, ProgramRun> = {};
beforeAll(async () => {
  runs.dev = await runStack("dev");
  runs.prod = await runStack("prod");
}, 120_000);

describe("dev: the public registries, every image by tag and digest, no cache", () => {
  it("pins every container's image by digest, from the images' own registries", () => {
    const all = images(runs.dev!);
    expect(Object.keys(all).length).toBeGreaterThanOrEqual(8);
    for (const [where, image] of Object.entries(all)) {
      expect(image, where).toMatch(PINNED);
      expect(image, where).not.toMatch(/dkr\.ecr/);
    }
    expect(all["Deployment/agents-server/server"]).toBe(LETTA_SERVER_IMAGE);
  });

  it("creates no cache rule and uses no AWS", () => {
    expect(runs.dev!.ofType(RULE)).toEqual([]);
    expect(runs.dev!.awsTypes()).toEqual([]);
  });
});

describe("prod: every image from the account's ECR, by digest", () => {
  it("names every container's image in the stack's cache namespace or its own ECR repository", () => {
    const all = images(runs.prod!);
    expect(Object.keys(all).length).toBeGreaterThanOrEqual(10);
    for (const [where, image] of Object.entries(all)) {
      if (BUILT.test(image)) continue;
      expect(image, where).toMatch(PINNED);
      expect(image.startsWith(`${ECR}/agents-prod/docker-hub/`), `${where}: ${image}`).toBe(true);
    }
    expect(all["Deployment/agents-server/server"]).toBe(`${ECR}/agents-prod/docker-hub/${LETTA_SERVER_IMAGE}`);
    // The backup jobs, and the bootstrap Job's admin-secret reader (an init container), run the digest the build
    // pushed, built from the digest-pinned PostgreSQL base.
    const build = runs.prod!.ofType("docker:index/image:Image").map((i) => runs.prod!.inputs(i)).find((i) => String(i.imageName).includes("-backup:"));
    expect((build?.build as { args: unknown }).args).toEqual({ POSTGRES_IMAGE: POSTGRES_CLIENT_IMAGES["17"] });
    const backups = Object.entries(all).filter(([, i]) => BUILT.test(i)).map(([w]) => w.split("/")[0]);
    expect(backups).toEqual(["CronJob", "CronJob", "CronJob", "Job"]);
  });

  it("creates one rule per upstream the images use: Docker Hub, with the configured credential", () => {
    const rules = runs.prod!.ofType(RULE).map((r) => runs.prod!.inputs(r));
    expect(rules).toEqual([{ ecrRepositoryPrefix: "agents-prod/docker-hub", upstreamRegistryUrl: "registry-1.docker.io", credentialArn: CREDENTIAL }]);
    // The existing secret is only referenced: no secret holding a Docker Hub token is created or stored in state.
    expect(runs.prod!.ofType("aws:secretsmanager/secret:Secret").map((s) => String(runs.prod!.inputs(s).name))).not.toEqual(expect.arrayContaining([expect.stringMatching(/^ecr-pullthroughcache\//)]));
  });

  it("creates the namespace (so every workload) after the rules: no pod pulls before its rule exists", () => {
    const ns = runs.prod!.one("kubernetes:core/v1:Namespace");
    const rule = runs.prod!.one(RULE);
    expect(ns.dependencies).toContain(rule.urn);
  });

  it("lets the nodes import into the stack's cache namespace, and nowhere else", async () => {
    const policyResource = runs.prod!.one("aws:iam/rolePolicy:RolePolicy", "agents-cluster-nodes-pull-through");
    const document = JSON.parse(String(runs.prod!.inputs(policyResource).policy)) as unknown;
    expect(document).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "PullThroughCacheImport", Effect: "Allow", Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"], Resource: "arn:aws:ecr:eu-west-1:123456789012:repository/agents-prod/*" }],
    });
    const role = runs.prod!.one("aws:iam/role:Role", "agents-cluster-nodes");
    expect(runs.prod!.inputs(policyResource).role).toBe(role.id);
    const principal = String(outputsOf(role).arn);
    const ask = (action: string, repository: string) => evaluate({ principal, action, resource: `arn:aws:ecr:eu-west-1:123456789012:repository/${repository}`, resourceAccount: "123456789012", context: {}, identityPolicies: [document] });
    expect(await ask("ecr:BatchImportUpstreamImage", "agents-prod/docker-hub/letta/letta")).toBe("Allowed");
    expect(await ask("ecr:CreateRepository", "agents-prod/docker-hub/library/redis")).toBe("Allowed");
    expect(await ask("ecr:CreateRepository", "another-stack/docker-hub/letta/letta")).toBe("ImplicitlyDenied");
    expect(await ask("ecr:DeleteRepository", "agents-prod/docker-hub/letta/letta")).toBe("ImplicitlyDenied");
    expect(await ask("ecr:PutImage", "agents-prod/docker-hub/letta/letta")).toBe("ImplicitlyDenied");
  });
});

describe("the Docker Hub credential", () => {
  it("refuses pull-through without a credential, naming the key and what to set", () => {
    const values = { ...stackConfig("prod") };
    delete values[`${NS}:image.dockerHubCredentialArn`];
    const error = rejects(values);
    expect(error.issues.map((i) => i.key)).toEqual([`${NS}:image.dockerHubCredentialArn`]);
    expect(error.message).toContain("server.image, database.image, observability.collectorImage, cache.tlsProxyImage come from Docker Hub");
    expect(error.message).toContain("image.pullThroughCache=false");
  });

  it("refuses a credential of another account or region than the rule's", () => {
    const other = rejects({ ...stackConfig("prod"), [`${NS}:image.awsAccountId`]: "210987654321" });
    expect(other.issues.map((i) => i.key)).toEqual([`${NS}:image.dockerHubCredentialArn`]);
    const elsewhere = rejects({ ...stackConfig("prod"), [`${NS}:image.dockerHubCredentialArn`]: CREDENTIAL.replace("eu-west-1", "us-east-1") });
    expect(elsewhere.issues.map((i) => i.key)).toEqual([`${NS}:image.dockerHubCredentialArn`]);
    expect(elsewhere.message).toContain("aws:region eu-west-1");
  });

  it("refuses a secret not named ecr-pullthroughcache/…", () => {
    const error = rejects({ ...stackConfig("prod"), [`${NS}:image.dockerHubCredentialArn`]: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:docker-hub-AbCdEf" });
    expect(error.issues.map((i) => i.key)).toEqual([`${NS}:image.dockerHubCredentialArn`]);
  });
});

describe("the registry account", () => {
  it("is the credential's account, unless image.awsAccountId names it (then they must agree)", () => {
    const values = { ...stackConfig("prod"), [`${NS}:image.awsAccountId`]: "123456789012" };
    expect(parseStackConfig(values, NS, () => false).image).toMatchObject({ pullThroughCache: true, awsAccountId: "123456789012" });
  });

  it("is required without a Docker Hub image and credential (every image mirrored from Quay, say)", () => {
    const values: Record<string, string> = { ...stackConfig("prod") };
    delete values[`${NS}:image.dockerHubCredentialArn`];
    for (const key of ["server.image", "database.image", "observability.collectorImage", "cache.tlsProxyImage"]) values[`${NS}:${key}`] = `quay.io/mirror/${key.replace(/\W/g, "").toLowerCase()}:1@sha256:${"b".repeat(64)}`;
    expect(rejects(values).issues.map((i) => i.key)).toEqual([`${NS}:image.awsAccountId`]);
  });

  it("fails the deploy, naming image.awsAccountId, when the provider's account is another", () => {
    // The rules' prefixes pass through this check of getCallerIdentity (the plan's fake account passed above).
    expect(checkRegistryAccount("123456789012", "123456789012")).toBe("123456789012");
    expect(() => checkRegistryAccount("210987654321", "123456789012")).toThrow("agent-platform:image.awsAccountId is 210987654321 (or the account of image.dockerHubCredentialArn), but the AWS provider deploys to account 123456789012");
  });

  it("is not a stack-made secret: a username or token in config is an unknown key", () => {
    expect(rejects({ ...stackConfig("prod"), [`${NS}:image.dockerHubAccessToken`]: "dckr_pat_example" }).issues.map((i) => i.key)).toEqual([`${NS}:image.dockerHubAccessToken`]);
  });
});

describe("image.registry: a private mirror for clusters without public registries", () => {
  it("pulls every image from the mirror, upstream path kept, and creates no cache rule or node permission", async () => {
    const run = await runStack("prod", { "image.registry": "registry.example.com/mirror" });
    for (const [where, image] of Object.entries(images(run))) {
      if (BUILT.test(image)) continue;
      expect(image.startsWith("registry.example.com/mirror/"), `${where}: ${image}`).toBe(true);
      expect(image, where).toMatch(PINNED);
    }
    expect(images(run)["Deployment/agents-server/server"]).toBe(`registry.example.com/mirror/${LETTA_SERVER_IMAGE}`);
    expect(run.ofType(RULE)).toEqual([]);
    expect(run.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.endsWith("-pull-through"))).toEqual([]);
  });

  it("serves a prebuilt backup.image from the mirror too, in the backup CronJobs and the bootstrap's reader", async () => {
    const prebuilt = "docker.io/example/pg-backup:17@sha256:" + "a".repeat(64);
    const run = await runStack("prod", { "image.registry": "registry.example.com/mirror", "backup.image": prebuilt });
    const backupImages = Object.entries(images(run)).filter(([, image]) => image.includes("pg-backup"));
    expect(backupImages.map(([where]) => where.split("/")[0]).sort()).toEqual(["CronJob", "CronJob", "CronJob", "Job"]);
    for (const [where, image] of backupImages) expect(image, where).toBe(`registry.example.com/mirror/example/pg-backup:17@sha256:${"a".repeat(64)}`);
  });

  it("is refused with image.pullThroughCache=true", () => {
    const error = rejects({ ...stackConfig("prod"), [`${NS}:image.registry`]: "registry.example.com/mirror", [`${NS}:image.pullThroughCache`]: "true" });
    expect(error.issues.map((i) => i.key)).toEqual([`${NS}:image.pullThroughCache`]);
  });
});

const project = projectName();
function stackConfig(stack: string): Record<string, string> {
  return readStackFile(resolveStackFile(stack, PROJECT_DIR), project).config;
}

/** The ConfigError of a stack's values (aws:region included: the file sets it). */
function rejects(values: Record<string, string>): ConfigError {
  try {
    parseStackConfig(values, NS, () => false);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}
