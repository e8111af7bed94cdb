import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CapturedResource } from "../../tools/plan/capture";
import { isSecretValue } from "../../tools/plan/wire";
import { runStack, type ProgramRun } from "../support/harness";
import { named, type Workload } from "../support/k8s";

type Json = Record<string, unknown>;
let built: ProgramRun;

beforeAll(async () => {
  built = await runStack("prod", { "image.build": "true" });
});

/** The one resource of a type matching `test`; fails clearly when there is none or several. */
function only(run: ProgramRun, type: string, test: (inputs: Json) => boolean): CapturedResource {
  const found = run.ofType(type).filter((r) => test(run.inputs(r)));
  if (found.length !== 1) throw new Error(`expected one ${type} for the server image, found ${found.length}`);
  return found[0] as CapturedResource;
}
const serverRepository = (run: ProgramRun): CapturedResource => only(run, "aws:ecr/repository:Repository", (i) => String(i.name).endsWith("-server"));
const serverImageBuild = (run: ProgramRun): CapturedResource => only(run, "docker:index/image:Image", (i) => String(i.imageName).includes("-server:"));
const serverImage = (run: ProgramRun): string => named<Workload>(run, "kubernetes:apps/v1:Deployment", "agents-server").spec.template.spec.containers[0]?.image ?? "";
const migrationsImage = (run: ProgramRun): string => {
  const job = run.ofType("kubernetes:batch/v1:Job").find((j) => String((run.inputs(j).metadata as Json).name).startsWith("agents-db-migrate-")) as CapturedResource;
  return (run.inputs(job) as unknown as Workload).spec.template.spec.containers[0]?.image ?? "";
};

describe("image.build", () => {
  it("is off by default: the configured pinned image runs and nothing is built", async () => {
    const prod = await runStack("prod");
    // (The backup jobs' image is built in prod all the same; only the server's is at stake here.)
    expect(prod.ofType("aws:ecr/repository:Repository").filter((r) => String(prod.inputs(r).name).endsWith("-server"))).toEqual([]);
    expect(prod.ofType("docker:index/image:Image").filter((i) => String(prod.inputs(i).imageName).includes("-server:"))).toEqual([]);
    expect(serverImage(prod)).toBe("123456789012.dkr.ecr.eu-west-1.amazonaws.com/agents-prod/docker-hub/letta/letta:0.16.8@sha256:aa66c3eeee13d2dfc40c650d709b550237ee31bfc91942a52fa488a13fa8c102");
  });

  it("pushes to a private ECR repository with immutable tags, scan on push and KMS", () => {
    const repo = built.inputs(serverRepository(built));
    const key = built.ofType("aws:kms/key:Key").find((k) => String(built.inputs(k).description).startsWith("Encrypts the secrets"));
    expect(repo).toMatchObject({
      name: "agents-prod-server", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: (key?.outputs)?.arn }],
    });
    expect(built.awsTypes()).toContain("aws:ecr/lifecyclePolicy:LifecyclePolicy");
  });

  it("builds image/Dockerfile from server.image for the nodes' architecture, with the registry password kept secret", () => {
    const image = serverImageBuild(built);
    const inputs = built.inputs(image) as { imageName: string; build: { context: string; dockerfile: string; platform: string; args: Json } };
    expect(inputs.build.args).toEqual({ BASE_IMAGE: "letta/letta:0.16.8@sha256:aa66c3eeee13d2dfc40c650d709b550237ee31bfc91942a52fa488a13fa8c102" });
    expect(inputs.build.platform).toBe("linux/amd64");
    expect(path.relative(process.cwd(), inputs.build.dockerfile)).toBe(path.join("image", "server", "Dockerfile"));
    expect(inputs.imageName).toMatch(/\/agents-prod-server:build-[0-9a-f]{12}$/);
    expect(isSecretValue((image.inputs.registry as Json).password)).toBe(true);
  });

  it("runs the pushed digest in the server and in the migrations Job", () => {
    const digest = String((serverImageBuild(built).outputs as Json).repoDigest);
    expect(digest).toMatch(/\/agents-prod-server@sha256:[0-9a-f]{64}$/);
    expect(serverImage(built)).toBe(digest);
    expect(migrationsImage(built)).toBe(digest);
  });

  it("builds for arm64 when the nodes are Graviton", async () => {
    const arm = await runStack("prod", { "image.build": "true", "cluster.nodeInstanceTypes": '["m7g.large"]' });
    for (const image of arm.ofType("docker:index/image:Image")) expect((arm.inputs(image).build as Json).platform).toBe("linux/arm64");
    expect(arm.ofType("docker:index/image:Image")).toHaveLength(2);
  });
});

describe("image/server/Dockerfile", () => {
  const text = readFileSync(path.join(process.cwd(), "image", "server", "Dockerfile"), "utf8");
  const instructions = text.split("\n").filter((l) => /^[A-Z]+\s/.test(l));

  it("derives from the configured base, never a floating tag", () => {
    expect(instructions[0]).toBe("ARG BASE_IMAGE");
    expect(instructions[1]).toBe("FROM ${BASE_IMAGE}");
    expect(text).not.toMatch(/:latest\b/);
  });

  it("ends as the numeric non-root user the pod security context names", () => {
    const users = instructions.filter((l) => l.startsWith("USER "));
    expect(users.at(-1)).toBe("USER 10001:10001");
    const pod = named<Workload>(built, "kubernetes:apps/v1:Deployment", "agents-server").spec.template.spec.securityContext;
    expect(pod).toMatchObject({ runAsUser: 10001, runAsGroup: 10001 });
  });

  it("runs the server directly, not the start script that launches the bundled database and Redis", () => {
    expect(instructions.at(-1)).toBe('ENTRYPOINT ["letta", "server", "--host", "0.0.0.0", "--port", "8283"]');
    expect(text).toContain("rm -f /usr/local/bin/docker-entrypoint.sh");
    expect(text).toMatch(/redis-server/);
  });
});
