import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** S3 Object Lock retention modes, as the S3 API spells them. */
export type ObjectLockMode = "GOVERNANCE" | "COMPLIANCE";

export interface HardenedBucketArgs {
  /** Prefix of the globally unique bucket name; AWS-side uniqueness comes from Pulumi's random suffix. Required. */
  namePrefix: string;
  /** Server-side encryption: a customer-managed KMS key, or SSE-S3 (what S3 server access logging requires). Required. */
  encryption: { kmsKeyArn: pulumi.Input<string> } | "sse-s3";
  /** Lifecycle rules. Required (every bucket expires something). */
  lifecycleRules: aws.types.input.s3.BucketLifecycleConfigurationRule[];
  /**
   * S3 Object Lock: every new object version is locked for `days` in `mode` (COMPLIANCE: no one, root included, can
   * delete it or shorten the lock; GOVERNANCE: principals with s3:BypassGovernanceRetention can). Unset or 0 days: off.
   * Turning it on for a bucket created without it enables it in place (see docs/backups.md "Object Lock").
   */
  objectLock?: { mode: ObjectLockMode; days: number };
  /** Send the bucket's events to Amazon EventBridge (deletions and writes can be alerted on). Default true. */
  eventBridge?: boolean;
  /** Statements added to the bucket policy beside the TLS-only and encryption denials. Default: none. */
  extraStatements?: (bucketArn: string, accountId: string) => Record<string, unknown>[];
  /** Send server access logs to this bucket under this prefix. Default: no access logging (the log bucket itself). */
  accessLogs?: { bucket: pulumi.Input<string>; prefix: string };
  /** Region of the bucket. Default: the provider's (aws:region). */
  region?: string;
}

/**
 * An S3 bucket as terraform-aws-s3-bucket would make it with every hardening toggle on: versioning, default
 * encryption (KMS with a bucket key, or SSE-S3), all four public-access-block flags, BucketOwnerEnforced (no ACLs),
 * a policy that denies plain-HTTP requests and uploads asking for another encryption, lifecycle rules, optional
 * Object Lock and access logging. Uses the @pulumi/aws v7 side resources, one per concern.
 */
export class HardenedBucket extends pulumi.ComponentResource {
  public readonly bucket: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: HardenedBucketArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:backup:HardenedBucket", name, {}, opts);
    const child = { parent: this };
    const lockDays = args.objectLock?.days ?? 0;
    const inRegion = args.region ? { region: args.region } : {};

    const bucket = new aws.s3.Bucket(`${name}`, {
      ...inRegion,
      bucketPrefix: args.namePrefix,
      forceDestroy: false,
      objectLockEnabled: lockDays > 0,
      // objectLockEnabled forces a new bucket in the provider (terraform-provider-aws internal/service/s3/bucket.go:
      // ForceNew): a new, empty bucket, and a failed deletion of the old one, which holds the backups. The BucketObjectLockConfiguration below enables Object Lock
      // in place on a bucket created without it (S3's PutObjectLockConfiguration with ObjectLockEnabled=Enabled), and a
      // lock once on can never be turned off, so a change of this input is never acted on.
    }, { ...child, ignoreChanges: ["objectLockEnabled"] });
    const owner = { bucket: bucket.id, ...inRegion };

    const blocked = new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
      ...owner, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    }, child);
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { ...owner, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
    const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { ...owner, versioningConfiguration: { status: "Enabled" } }, child);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
      ...owner,
      rules: [args.encryption === "sse-s3"
        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.encryption.kmsKeyArn }, bucketKeyEnabled: true }],
    }, child);
    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, { ...owner, rules: args.lifecycleRules }, { ...child, dependsOn: [versioning] });
    if (lockDays > 0) {
      new aws.s3.BucketObjectLockConfiguration(`${name}-object-lock`, {
        ...owner, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: args.objectLock?.mode ?? "COMPLIANCE", days: lockDays } },
      }, { ...child, dependsOn: [versioning] });
    }
    if (args.eventBridge ?? true) {
      new aws.s3.BucketNotification(`${name}-events`, { ...owner, eventbridge: true }, child);
    }
    if (args.accessLogs) {
      new aws.s3.BucketLogging(`${name}-access-logs`, { ...owner, targetBucket: args.accessLogs.bucket, targetPrefix: args.accessLogs.prefix }, child);
    }

    const expectedAlgorithm = args.encryption === "sse-s3" ? "AES256" : "aws:kms";
    new aws.s3.BucketPolicy(`${name}-policy`, {
      ...owner,
      policy: pulumi.all([bucket.arn, aws.getCallerIdentityOutput({}, child).accountId]).apply(([arn, accountId]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "DenyOutdatedTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`],
            Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
          },
          {
            // Default encryption covers uploads that name none; this refuses the ones that ask for another kind.
            Sid: "DenyOtherEncryption", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `${arn}/*`,
            Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": expectedAlgorithm } },
          },
          ...(args.extraStatements?.(arn, accountId) ?? []),
        ],
      })),
    }, { ...child, dependsOn: [blocked] });

    this.bucket = bucket.bucket;
    this.arn = bucket.arn;
    this.registerOutputs({ bucket: this.bucket, arn: this.arn });
  }
}
