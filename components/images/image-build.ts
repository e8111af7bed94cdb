import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import type * as dockerSdk from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface ImageBuildArgs {
  /** Repository name in ECR, unique in the account and region. Required. */
  repositoryName: string;
  /** Folder under image/ with the Dockerfile: `server` or `backup`. Required. */
  dockerfileDir: string;
  /** Build arguments (BASE_IMAGE and the like); they also enter the tag. Required. */
  buildArgs: Record<string, string>;
  /** KMS key that encrypts the repository. Required. */
  kmsKeyArn: pulumi.Input<string>;
  /** Target platform. Default linux/amd64 (the node group's architecture decides). */
  platform?: string;
}

// Loaded only when a stack builds its image, so stacks that do not pay nothing for the Docker SDK.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadDocker = (): typeof dockerSdk => require("@pulumi/docker") as typeof dockerSdk;

/** image/<dir>, found by walking up from here, so this works from the sources and from dist/. */
function contextFor(dockerfileDir: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      readFileSync(path.join(dir, "image", dockerfileDir, "Dockerfile"));
      return path.join(dir, "image", dockerfileDir);
    } catch {
      if (path.dirname(dir) === dir) throw new Error(`no image/${dockerfileDir}/Dockerfile above ${__dirname}`);
    }
  }
}

/**
 * Builds an image of this repository (image/<dir>/Dockerfile) and pushes it to a private ECR repository with
 * immutable tags, scan on push and KMS encryption. The tag is a hash of the Dockerfile and the build arguments, so it
 * changes exactly when the image would; consumers run the pushed digest.
 */
export class ImageBuild extends pulumi.ComponentResource {
  /** `<repository>@sha256:…` of the pushed image. */
  public readonly imageDigestRef: pulumi.Output<string>;
  public readonly repositoryUrl: pulumi.Output<string>;

  constructor(name: string, args: ImageBuildArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:images:ImageBuild", name, {}, opts);
    const child = { parent: this };
    const context = contextFor(args.dockerfileDir);
    const dockerfile = path.join(context, "Dockerfile");
    const hash = createHash("sha256").update(readFileSync(dockerfile));
    for (const [k, v] of Object.entries(args.buildArgs).sort()) hash.update(`\0${k}=${v}`);
    const tag = `build-${hash.digest("hex").slice(0, 12)}`;

    const repository = new aws.ecr.Repository(`${name}-repo`, {
      name: args.repositoryName,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
      // Deletable while it holds images: every image here is rebuilt from this repository (the tag is the hash of
      // its Dockerfile and build arguments) and the pods run it by digest, so the images are a cache, not data. Without
      // it, `pulumi destroy` fails with RepositoryNotEmptyException once the first push has happened.
      forceDelete: true,
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
      build: { context, dockerfile, platform: args.platform ?? "linux/amd64", args: args.buildArgs },
      registry: { server: repository.repositoryUrl, username: token.userName, password: pulumi.secret(token.password) },
      skipPush: false,
    }, child);

    this.repositoryUrl = repository.repositoryUrl;
    this.imageDigestRef = image.repoDigest;
    this.registerOutputs({ repositoryUrl: this.repositoryUrl, imageDigestRef: this.imageDigestRef });
  }
}
