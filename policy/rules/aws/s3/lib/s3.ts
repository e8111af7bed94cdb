/**
 * S3 type tokens of both @pulumi/aws generations and the joins every bucket-level stack rule makes. A side resource
 * belongs to a bucket when its `bucket` input was computed from that bucket (propertyDependencies["bucket"], via
 * StackView.linked), which works during preview while names and ARNs are unknown. A side resource linked to another
 * bucket does not count.
 *
 * Inline settings on the bucket itself (v7 `aws.s3.Bucket` still has `versioning`, `serverSideEncryptionConfiguration`,
 * `logging`, `lifecycleRules`, `acl`, `grants`, `policy`, `replicationConfiguration`, `objectLockConfiguration`;
 * `BucketV2` has the plural forms) are read only when no side resource decides: stack rules see a bucket's outputs,
 * where those settings are provider-computed (unknown at preview, a snapshot of AWS afterwards).
 */
import type { StackResource, StackView } from "../../../../lib/stack-view";
import { get, isRecord, records } from "../../../../lib/values";
import type { Props } from "../../../../lib/rule";
import { isAllow, parsePolicy } from "../../../../lib/iam-policy";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"] as const;
export const PUBLIC_ACCESS_BLOCK_TYPES = ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"] as const;
export const ACL_TYPES = ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"] as const;
export const OWNERSHIP_TYPES = ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"] as const;
export const SSE_TYPES = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
] as const;
export const VERSIONING_TYPES = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"] as const;
export const LIFECYCLE_TYPES = [
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
] as const;
export const POLICY_TYPES = ["aws:s3/bucketPolicy:BucketPolicy"] as const;
export const LOGGING_TYPES = ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"] as const;
export const OBJECT_LOCK_TYPES = [
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
] as const;
export const REPLICATION_TYPES = ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"] as const;
export const NOTIFICATION_TYPES = ["aws:s3/bucketNotification:BucketNotification"] as const;

/** `Bucket "backups"` / `BucketV2 "logs"`: how messages name a resource. */
export function label(r: StackResource): string {
  return `${r.type.split(":").pop() ?? r.type} "${r.name}"`;
}

export function buckets(view: StackView): StackResource[] {
  return view.ofType(...BUCKET_TYPES);
}

/** The side resources of `types` whose `bucket` input came from this bucket. */
export function sideResources(view: StackView, bucket: StackResource, types: readonly string[]): StackResource[] {
  return view.linked(bucket, types, "bucket");
}

/**
 * Buckets that receive access logs: S3 server access logs from a bucket of the stack (the `targetBucket` of a
 * BucketLogging(V2), or the inline `logging` (v7 Bucket) / `loggings` (BucketV2) of another bucket), or load
 * balancer access logs (isElbLogTarget). Both deliveries support only SSE-S3.
 */
export function isAccessLogTarget(view: StackView, bucket: StackResource): boolean {
  return (
    view.linked(bucket, LOGGING_TYPES, "targetBucket").length > 0 ||
    view.linked(bucket, BUCKET_TYPES, "logging").some((b) => b !== bucket) ||
    view.linked(bucket, BUCKET_TYPES, "loggings").some((b) => b !== bucket) ||
    isElbLogTarget(view, bucket)
  );
}

/** The principal Elastic Load Balancing delivers access logs as (ELB User Guide, "Access logs", bucket policy). */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/**
 * A bucket whose BucketPolicy allows the ELB log-delivery service principal s3:PutObject: where a load balancer
 * (an ALB the AWS Load Balancer Controller makes, outside the stack) writes its access logs. The grant is the
 * evidence: without it no load balancer can deliver there.
 */
export function isElbLogTarget(view: StackView, bucket: StackResource): boolean {
  return sideResources(view, bucket, POLICY_TYPES).some((policy) => {
    const parsed = parsePolicy(policy.props["policy"]);
    return parsed.kind === "ok" && parsed.statements.some((st) =>
      isAllow(st) && (st.principal?.service ?? []).includes(ELB_LOG_DELIVERY_SERVICE) && (st.action ?? []).some((a) => a.toLowerCase() === "s3:putobject"));
  });
}

export interface Block {
  /** Field path for messages: `versioning`, `versionings[0]`, `rules[1].applyServerSideEncryptionByDefault`. */
  path: string;
  value: Props;
}

/**
 * The blocks under `singular` (an object, or a list) and `plural` (a list) of `holder`, so one reader serves the
 * v7 `Bucket` spelling (`versioning`, `serverSideEncryptionConfiguration.rule`) and the `BucketV2` / older one
 * (`versionings`, `serverSideEncryptionConfigurations[].rules[]`). Reading a computed (unknown) block throws, which
 * makes the rule undecided.
 */
export function blocksOf(holder: unknown, singular: string, plural: string, prefix = ""): Block[] {
  if (!isRecord(holder)) return [];
  const out: Block[] = [];
  const one = holder[singular];
  if (isRecord(one)) out.push({ path: `${prefix}${singular}`, value: one });
  else records(one).forEach((value, i) => out.push({ path: `${prefix}${singular}[${i}]`, value }));
  records(holder[plural]).forEach((value, i) => out.push({ path: `${prefix}${plural}[${i}]`, value }));
  return out;
}

/** Nested blocks: each block of `outer`, then its blocks of `inner` (paths joined). */
export function nestedBlocks(blocks: readonly Block[], singular: string, plural: string): Block[] {
  return blocks.flatMap((b) => blocksOf(b.value, singular, plural, `${b.path}.`));
}

/** Whether `key` is present in `obj` without reading its value (a value unknown at preview is not touched). */
export function hasKey(obj: unknown, key: string): boolean {
  return isRecord(obj) && Object.keys(obj).includes(key);
}

/** Whether the side resource's `property` input was computed from a resource of `type` (e.g. an aws:kms/key:Key). */
export function dependsOnType(side: StackResource, property: string, type: string): boolean {
  return (side.propertyDependencies[property] ?? []).some((d) => d.type === type);
}


/** ACLs are disabled (S3 ignores every ACL) when a linked BucketOwnershipControls says BucketOwnerEnforced. */
export function aclsDisabled(view: StackView, bucket: StackResource): boolean {
  return sideResources(view, bucket, OWNERSHIP_TYPES).some((o) => get(o.props, "rule.objectOwnership") === "BucketOwnerEnforced");
}
