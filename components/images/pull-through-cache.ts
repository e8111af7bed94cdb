import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PULL_THROUGH_UPSTREAMS } from "./references";

/** The account the image names point to must be the one the rules are created in; else fail, naming the key. */
export function checkRegistryAccount(expected: string, actual: string): string {
  if (actual !== expected) {
    throw new Error(`agent-platform:image.awsAccountId is ${expected} (or the account of image.dockerHubCredentialArn), but the AWS provider deploys to account ${actual}: the images would name a registry without the cache rules; set it to ${actual}`);
  }
  return actual;
}

export interface PullThroughCacheArgs {
  /** This stack's namespace of rules (cacheNamespace): each rule's prefix is `<namespace>/<upstream key>`. Required. */
  namespace: string;
  /** Upstream registry hosts to cache (keys of PULL_THROUGH_UPSTREAMS, e.g. docker.io). Required. */
  upstreams: string[];
  /** The account the rules must be created in (image.awsAccountId); the deploy fails if the provider's differs. Required. */
  accountId: string;
  /**
   * Docker Hub's credential: an existing Secrets Manager secret named `ecr-pullthroughcache/…` holding
   * {"username", "accessToken"} (docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html).
   * Required when upstreams include docker.io.
   */
  dockerHubCredentialArn?: string;
}

/**
 * ECR pull-through cache rules for the upstream registries the stack's images come from (Docker Hub's with its
 * credential). The cluster then pulls `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<repository>…`; ECR
 * fetches an image from upstream on the first pull and serves its copy afterwards (the node role needs
 * ecr:BatchImportUpstreamImage and ecr:CreateRepository on the prefix: EksCluster's pullThroughCacheNamespace).
 */
export class PullThroughCache extends pulumi.ComponentResource {
  /** The rules, by upstream host. */
  public readonly rules: Record<string, aws.ecr.PullThroughCacheRule>;
  /** `<namespace>/<key>` of each rule, by upstream host. */
  public readonly prefixes: Record<string, string>;

  constructor(name: string, args: PullThroughCacheArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:images:PullThroughCache", name, {}, opts);
    const child = { parent: this };
    // The image names were made from image.awsAccountId before any resource existed: fail the deploy, naming the key,
    // when the provider's account is another (the pods would pull from a registry that has no such rules).
    const account = aws.getCallerIdentityOutput({}, child).accountId.apply((actual) => checkRegistryAccount(args.accountId, actual));

    // The stack names the secret and never creates it: a Docker Hub token cannot rotate through Secrets Manager (it is
    // made in Docker Hub), and ECR's service-linked role has no kms:Decrypt (AWSECRPullThroughCache_ServiceRolePolicy),
    // so a stack-made secret could neither rotate nor use a customer-managed key (the pack's secret-rotation and
    // secret-cmk). Kept outside, the token never enters Pulumi state (docs/decisions/0105).
    if (args.upstreams.includes("docker.io") && !args.dockerHubCredentialArn) {
      throw new Error("the Docker Hub pull-through cache rule needs a credential: set image.dockerHubCredentialArn");
    }

    this.rules = {};
    this.prefixes = {};
    for (const host of args.upstreams) {
      const upstream = PULL_THROUGH_UPSTREAMS[host];
      if (!upstream) throw new Error(`no pull-through cache rule for ${host}`);
      const prefix = `${args.namespace}/${upstream.key}`;
      this.prefixes[host] = prefix;
      this.rules[host] = new aws.ecr.PullThroughCacheRule(`${name}-${upstream.key}`, {
        // Through the account check, so no rule is created in an account the image names do not point to.
        ecrRepositoryPrefix: account.apply(() => prefix),
        upstreamRegistryUrl: upstream.url,
        ...(upstream.credential && args.dockerHubCredentialArn ? { credentialArn: args.dockerHubCredentialArn } : {}),
      }, child);
    }
    this.registerOutputs({ prefixes: this.prefixes });
  }
}
