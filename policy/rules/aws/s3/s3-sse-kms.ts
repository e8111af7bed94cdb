import { always, type StackRule } from "../../../lib/rule";
import type { StackResource, StackView } from "../../../lib/stack-view";
import { show, str } from "../../../lib/values";
import { blocksOf, BUCKET_TYPES, buckets, dependsOnType, hasKey, isAccessLogTarget, label, LOGGING_TYPES, nestedBlocks, sideResources, SSE_TYPES } from "./lib/s3";

const KMS_KEY = "aws:kms/key:Key";
const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

interface Setting {
  /** `BucketServerSideEncryptionConfiguration "x" rules[0]` or `Bucket "x" serverSideEncryptionConfiguration.rule`. */
  where: string;
  /** The applyServerSideEncryptionByDefault block (or undefined when the rule has none). */
  defaults: Record<string, unknown> | undefined;
  bucketKeyEnabled: unknown;
  /** The resource whose input holds the setting, and the input name, to recognise a key from this stack. */
  owner: StackResource;
  property: string;
}

/** Default-encryption settings of a bucket: its SSE side resources, or (only without one) the bucket's own inline block. */
function settingsOf(view: StackView, bucket: StackResource): { settings: Setting[]; source: "side" | "inline" | "none" } {
  const sides = sideResources(view, bucket, SSE_TYPES);
  const settings: Setting[] = [];
  for (const side of sides) {
    for (const rule of blocksOf(side.props, "rule", "rules")) {
      const defaults = blocksOf(rule.value, "applyServerSideEncryptionByDefault", "applyServerSideEncryptionByDefaults");
      settings.push({ where: `${label(side)} ${rule.path}`, defaults: defaults[0]?.value, bucketKeyEnabled: rule.value["bucketKeyEnabled"], owner: side, property: "rules" });
    }
  }
  if (sides.length > 0) return { settings, source: "side" };
  const configs = blocksOf(bucket.props, "serverSideEncryptionConfiguration", "serverSideEncryptionConfigurations");
  for (const rule of nestedBlocks(configs, "rule", "rules")) {
    const defaults = blocksOf(rule.value, "applyServerSideEncryptionByDefault", "applyServerSideEncryptionByDefaults");
    settings.push({
      where: `${label(bucket)} ${rule.path}`,
      defaults: defaults[0]?.value,
      bucketKeyEnabled: rule.value["bucketKeyEnabled"],
      owner: bucket,
      property: configs[0]?.path.split("[")[0] ?? "serverSideEncryptionConfiguration",
    });
  }
  return { settings, source: settings.length > 0 ? "inline" : "none" };
}

export const s3SseKms: StackRule = {
  kind: "stack",
  id: "s3-sse-kms",
  title: "S3 default encryption with a customer-managed KMS key",
  description:
    'Every bucket\'s default encryption (BucketServerSideEncryptionConfiguration(V2), else the bucket\'s inline setting) uses sseAlgorithm "aws:kms" (with bucketKeyEnabled) or "aws:kms:dsse" and a kmsMasterKeyId that is not an AWS-managed alias. Buckets that receive S3 server access logs (targetBucket of a BucketLogging in the stack) or load balancer access logs (a bucket whose policy allows logdelivery.elasticloadbalancing.amazonaws.com s3:PutObject) are exempt and must use SSE-S3 (AES256), the only encryption either log delivery supports.',
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "S3.17" },
    { framework: "CKV", id: "CKV_AWS_145" },
    { framework: "CKV", id: "CKV_AWS_19" },
    { framework: "AVD", id: "AWS-0132" },
  ],
  remediation:
    'Add aws.s3.BucketServerSideEncryptionConfiguration with rules: [{applyServerSideEncryptionByDefault: {sseAlgorithm: "aws:kms", kmsMasterKeyId: <key>.arn}, bucketKeyEnabled: true}]; an access-log target bucket uses sseAlgorithm "AES256".',
  targets: [...BUCKET_TYPES, ...SSE_TYPES, ...LOGGING_TYPES],
  validate(view, { report }) {
    for (const bucket of buckets(view)) {
      const { settings, source } = settingsOf(view, bucket);
      if (isAccessLogTarget(view, bucket)) {
        for (const s of settings) {
          const algorithm = s.defaults?.["sseAlgorithm"];
          if (algorithm !== "AES256") {
            report(
              `${s.where}: applyServerSideEncryptionByDefault.sseAlgorithm is ${show(algorithm)}, but ${label(bucket)} receives S3 server access logs or load balancer access logs, which are delivered only to SSE-S3 buckets; it must be "AES256".`,
              bucket.urn,
            );
          }
        }
        continue;
      }
      if (source === "none") {
        report(`${label(bucket)}: no BucketServerSideEncryptionConfiguration has its bucket input from this bucket and it sets none inline, so objects get SSE-S3; required: sseAlgorithm "aws:kms" with a customer-managed key.`, bucket.urn);
        continue;
      }
      if (settings.length === 0) {
        report(`${label(bucket)}: its BucketServerSideEncryptionConfiguration has no rules; required: one with sseAlgorithm "aws:kms" and a customer-managed key.`, bucket.urn);
      }
      for (const s of settings) {
        const algorithm = s.defaults?.["sseAlgorithm"];
        if (typeof algorithm !== "string" || !KMS_ALGORITHMS.includes(algorithm)) {
          report(`${s.where}: applyServerSideEncryptionByDefault.sseAlgorithm is ${show(algorithm)}; it must be "aws:kms" or "aws:kms:dsse".`, bucket.urn);
          continue;
        }
        // A key of this stack is accepted without reading its ARN, which is unknown until the key exists.
        const fromStackKey = hasKey(s.defaults, "kmsMasterKeyId") && dependsOnType(s.owner, s.property, KMS_KEY);
        if (!fromStackKey) {
          const key = str(s.defaults?.["kmsMasterKeyId"]);
          if (key === undefined || key === "") {
            report(`${s.where}: applyServerSideEncryptionByDefault.kmsMasterKeyId is unset, so S3 uses the AWS-managed key aws/s3; it must be a customer-managed key's ARN.`, bucket.urn);
          } else if (/(^|:)alias\/aws\//.test(key)) {
            report(`${s.where}: applyServerSideEncryptionByDefault.kmsMasterKeyId is ${JSON.stringify(key)}, an AWS-managed key; it must be a customer-managed key.`, bucket.urn);
          }
        }
        if (algorithm === "aws:kms" && s.bucketKeyEnabled !== true) {
          report(`${s.where}: bucketKeyEnabled is ${show(s.bucketKeyEnabled)}; it must be true with aws:kms (an S3 Bucket Key cuts KMS calls and cost).`, bucket.urn);
        }
      }
    }
  },
};
