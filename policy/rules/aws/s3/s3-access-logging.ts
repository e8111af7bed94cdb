import { always, type StackRule } from "../../../lib/rule";
import type { StackResource } from "../../../lib/stack-view";
import { str } from "../../../lib/values";
import { blocksOf, BUCKET_TYPES, buckets, hasKey, isAccessLogTarget, label, LOGGING_TYPES, sideResources } from "./lib/s3";

/** A target bucket computed from a resource of the stack counts without reading it (unknown until that bucket exists). */
function hasTarget(holder: StackResource, obj: Record<string, unknown>, property: string): boolean {
  if (hasKey(obj, "targetBucket") && (holder.propertyDependencies[property] ?? []).length > 0) return true;
  const target = str(obj["targetBucket"]);
  return target !== undefined && target !== "";
}

export const s3AccessLogging: StackRule = {
  kind: "stack",
  id: "s3-access-logging",
  title: "S3 server access logging",
  description:
    "Every bucket has a BucketLogging(V2) (linked through its bucket input, else an inline logging / loggings block) with a targetBucket. Buckets that are themselves access-log targets (of S3 server access logs, or of load balancer access logs (a bucket whose policy allows logdelivery.elasticloadbalancing.amazonaws.com s3:PutObject)) are exempt (logging a log bucket loops).",
  severity: "medium",
  enforcement: always("advisory"),
  references: [
    { framework: "FSBP", id: "S3.9" },
    { framework: "CKV", id: "CKV_AWS_18" },
    { framework: "AVD", id: "AWS-0089" },
  ],
  remediation: "Add aws.s3.BucketLogging with bucket: <bucket>.id, targetBucket: <log bucket>.id (an SSE-S3 bucket) and a targetPrefix.",
  targets: [...BUCKET_TYPES, ...LOGGING_TYPES],
  validate(view, { report }) {
    for (const bucket of buckets(view)) {
      if (isAccessLogTarget(view, bucket)) continue;
      const sides = sideResources(view, bucket, LOGGING_TYPES);
      if (sides.length > 0) {
        for (const side of sides) {
          if (!hasTarget(side, side.props, "targetBucket")) report(`${label(side)} (for ${label(bucket)}): targetBucket is unset; it must name the log bucket.`, bucket.urn);
        }
        continue;
      }
      const inline = blocksOf(bucket.props, "logging", "loggings");
      if (inline.some((b) => hasTarget(bucket, b.value, b.path.startsWith("loggings") ? "loggings" : "logging"))) continue;
      report(`${label(bucket)}: no BucketLogging has its bucket input from this bucket and no logging.targetBucket is set inline, so requests to it are not logged; add a BucketLogging to a log bucket.`, bucket.urn);
    }
  },
};
