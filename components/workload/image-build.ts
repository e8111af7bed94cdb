import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import type * as dockerSdk from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface ServerImageBuildArgs {
  /** Repository name in ECR, unique in the account and region. Required. */
  repositoryName: string;
  /** The pinned upstream image the build derives from (server.image). Required. */
  baseImage: string;
  /** KMS key that encrypts the repository. Required. */
  kmsKeyArn: pulumi.Input<string>;
  /** Target platform. Default linux/amd64 (the node group's architecture decides). */
  platform?: string;
  /** Folder with the Dockerfile. Default: image/ at the project root. */
  contextDir?: string;
}

// Loaded only when a stack builds its image, so stacks that do not pay nothing for the Docker SDK.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadDocker = (): typeof dockerSdk => require("@pulumi/docker") as typeof dockerSdk;

/** The folder holding image/Dockerfile: walk up from here, so this works from the sources and from dist/. */
function defaultContext(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      readFileSync(path.join(dir, "image", "Dockerfile"));
      return path.join(dir, "image");
    } catch {
      if (path.dirname(dir) === dir) throw new Error(`no image/Dockerfile above ${__dirname}`);
    }
  }
}

/**
 * Builds the derived server image (image/Dockerfile: non-root, no bundled database or Redis) and pushes it to a
 * private ECR repository with immutable tags, scan on push and KMS encryption. The tag is a hash of the Dockerfile
 * and the base image, so it changes exactly when the image would; the Deployment runs the pushed digest.
 */
export class ServerImageBuild extends pulumi.ComponentResource {
  /** `<repository>@sha256:…` of the pushed image. */
  public readonly imageDigestRef: pulumi.Output<string>;
  public readonly repositoryUrl: pulumi.Output<string>;

  constructor(name: string, args: ServerImageBuildArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:workload:ServerImageBuild", name, {}, opts);
    const child = { parent: this };
    const context = args.contextDir ?? defaultContext();
    const dockerfile = path.join(context, "Dockerfile");
    const tag = `build-${createHash("sha256").update(readFileSync(dockerfile)).update(args.baseImage).digest("hex").slice(0, 12)}`;

    const repository = new aws.ecr.Repository(`${name}-repo`, {
      name: args.repositoryName,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
      forceDelete: false,
    }, child);
    new aws.ecr.LifecyclePolicy(`${name}-lifecycle`, {
      repository: repository.name,
      policy: JSON.stringify({
        rules: [{ rulePriority: 1, description: "Keep the last 30 images", selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 }, action: { type: "expire" } }],
      }),
    }, child);

    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, child);
    const docker = loadDocker();
    const image = new docker.Image(`${name}-image`, {
      imageName: pulumi.interpolate`${repository.repositoryUrl}:${tag}`,
      build: { context, dockerfile, platform: args.platform ?? "linux/amd64", args: { BASE_IMAGE: args.baseImage } },
      registry: { server: repository.repositoryUrl, username: token.userName, password: pulumi.secret(token.password) },
      skipPush: false,
    }, child);

    this.repositoryUrl = repository.repositoryUrl;
    this.imageDigestRef = image.repoDigest;
    this.registerOutputs({ repositoryUrl: this.repositoryUrl, imageDigestRef: this.imageDigestRef });
  }
}
