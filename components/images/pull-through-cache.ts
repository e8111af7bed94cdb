import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PULL_THROUGH_UPSTREAMS } from "./references";
import { dockerHubSecretName } from "./image-plan";

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
  /** Docker Hub: an existing `ecr-pullthroughcache/…` secret, or a username and access token to store in a new one. */
  dockerHub?: { credentialArn: string } | { username: string; accessToken: pulumi.Input<string> };
}

/**
 * ECR pull-through cache rules for the upstream registries the stack's images come from, and the Docker Hub
 * credential they need. The cluster then pulls `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<repository>…`; ECR
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

    let dockerHubArn: pulumi.Output<string> | undefined;
    if (args.upstreams.includes("docker.io")) {
      if (!args.dockerHub) throw new Error("the Docker Hub pull-through cache rule needs a credential (image.dockerHubCredentialArn, or image.dockerHubUsername and image.dockerHubAccessToken)");
      if ("credentialArn" in args.dockerHub) {
        dockerHubArn = pulumi.output(args.dockerHub.credentialArn);
      } else {
        // The name must begin with ecr-pullthroughcache/ and the value is {"username", "accessToken"}
        // (docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html, Docker Hub). Encrypted
        // with the account's aws/secretsmanager key: ECR's service-linked role reads it with secretsmanager:GetSecretValue
        // only (slr-pullthroughcache.html), and whether it may decrypt with a customer-managed key is not verified here.
        const secret = new aws.secretsmanager.Secret(`${name}-docker-hub`, {
          name: dockerHubSecretName(args.namespace),
          description: "Docker Hub credential of the ECR pull-through cache rule (username and access token)",
          recoveryWindowInDays: 7,
        }, child);
        const { username, accessToken } = args.dockerHub;
        new aws.secretsmanager.SecretVersion(`${name}-docker-hub`, {
          secretId: secret.id,
          secretString: pulumi.secret(pulumi.output(accessToken).apply((token) => JSON.stringify({ username, accessToken: token }))),
        }, child);
        dockerHubArn = secret.arn;
      }
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
        ...(upstream.credential && dockerHubArn ? { credentialArn: dockerHubArn } : {}),
      }, child);
    }
    this.registerOutputs({ prefixes: this.prefixes });
  }
}
