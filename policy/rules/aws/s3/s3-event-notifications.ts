import { always, type StackRule } from "../../../lib/rule";
import { records } from "../../../lib/values";
import { BUCKET_TYPES, buckets, label, NOTIFICATION_TYPES, sideResources } from "./lib/s3";

export const s3EventNotifications: StackRule = {
  kind: "stack",
  id: "s3-event-notifications",
  title: "S3 event notifications",
  description:
    "Every bucket has a BucketNotification (linked through its bucket input) that sends events somewhere: eventbridge true, or at least one of lambdaFunctions, queues, topics.",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "FSBP", id: "S3.11" },
    { framework: "CKV", id: "CKV2_AWS_62" },
  ],
  remediation: "Add aws.s3.BucketNotification with bucket: <bucket>.id and eventbridge: true (or a queue, topic or function) so deletions and writes can be alerted on.",
  targets: [...BUCKET_TYPES, ...NOTIFICATION_TYPES],
  validate(view, { report }) {
    for (const bucket of buckets(view)) {
      const sides = sideResources(view, bucket, NOTIFICATION_TYPES);
      const sends = sides.some(
        (n) => n.props["eventbridge"] === true || ["lambdaFunctions", "queues", "topics"].some((k) => records(n.props[k]).length > 0),
      );
      if (sends) continue;
      report(
        sides.length > 0
          ? `${sides.map(label).join(", ")} (for ${label(bucket)}): eventbridge is not true and lambdaFunctions, queues and topics are empty; one destination is required.`
          : `${label(bucket)}: no BucketNotification has its bucket input from this bucket; add one (eventbridge: true, or a queue, topic or function).`,
        bucket.urn,
      );
    }
  },
};
