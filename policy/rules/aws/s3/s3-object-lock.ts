import { always, type StackRule } from "../../../lib/rule";
import { get, num, show } from "../../../lib/values";
import { blocksOf, BUCKET_TYPES, buckets, isAccessLogTarget, label, LOGGING_TYPES, nestedBlocks, OBJECT_LOCK_TYPES, sideResources } from "./lib/s3";

const retains = (retention: unknown): boolean => (num(get(retention, "days")) ?? 0) > 0 || (num(get(retention, "years")) ?? 0) > 0;

export const s3ObjectLock: StackRule = {
  kind: "stack",
  id: "s3-object-lock",
  title: "S3 Object Lock with a default retention",
  description:
    "Every bucket sets objectLockEnabled: true and has a default retention (days or years) from a BucketObjectLockConfiguration(V2) linked through its bucket input, else from its inline objectLockConfiguration. Access-log target buckets are exempt: S3 server access logging refuses a target with a default retention, and a load balancer log bucket (a bucket whose policy allows logdelivery.elasticloadbalancing.amazonaws.com s3:PutObject) is a log bucket like it.",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "FSBP", id: "S3.15" },
    { framework: "CKV", id: "CKV_AWS_143" },
  ],
  remediation:
    'Create the bucket with objectLockEnabled: true (only possible at creation) and add aws.s3.BucketObjectLockConfiguration with rule: {defaultRetention: {mode: "GOVERNANCE", days: N}}.',
  targets: [...BUCKET_TYPES, ...OBJECT_LOCK_TYPES, ...LOGGING_TYPES],
  validate(view, { report }) {
    for (const bucket of buckets(view)) {
      if (isAccessLogTarget(view, bucket)) continue;
      const flag = bucket.props["objectLockEnabled"];
      const legacy = flag === undefined ? blocksOf(bucket.props, "objectLockConfiguration", "objectLockConfigurations") : [];
      const enabled = flag === true || legacy.some((b) => b.value["objectLockEnabled"] === "Enabled");
      if (!enabled) {
        report(`${label(bucket)}: objectLockEnabled is ${show(flag)}; it should be true, so Object Lock (WORM) keeps objects from being deleted or overwritten during their retention.`, bucket.urn);
        continue;
      }
      const sides = sideResources(view, bucket, OBJECT_LOCK_TYPES);
      const sideRetains = sides.some((s) => retains(get(s.props, "rule.defaultRetention")));
      const inline = nestedBlocks(sides.length > 0 ? [] : blocksOf(bucket.props, "objectLockConfiguration", "objectLockConfigurations"), "rule", "rules");
      const inlineRetains = inline.some((r) => retains(r.value["defaultRetention"]) || blocksOf(r.value, "defaultRetention", "defaultRetentions").some((d) => retains(d.value)));
      if (!sideRetains && !inlineRetains) {
        report(`${label(bucket)}: Object Lock is on but no BucketObjectLockConfiguration sets rule.defaultRetention.days or .years, so new objects are not locked; add a default retention.`, bucket.urn);
      }
    }
  },
};
