import { always, type StackRule } from "../../../lib/rule";
import { records } from "../../../lib/values";
import { blocksOf, BUCKET_TYPES, buckets, isAccessLogTarget, label, REPLICATION_TYPES, sideResources } from "./lib/s3";

export const s3Replication: StackRule = {
  kind: "stack",
  id: "s3-replication",
  title: "S3 cross-region replication",
  description:
    'Every bucket has a BucketReplicationConfig (linked through its bucket input, else an inline replicationConfiguration) with a rule of status "Enabled". Replication destinations (named in another bucket\'s replication rules) and access-log target buckets (S3 server access logs, or load balancer access logs (a bucket whose policy allows logdelivery.elasticloadbalancing.amazonaws.com s3:PutObject)) are exempt.',
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "FSBP", id: "S3.7" },
    { framework: "CKV", id: "CKV_AWS_144" },
  ],
  remediation: "Add aws.s3.BucketReplicationConfig to a bucket in another region (set backup.replicationRegion for the backup bucket).",
  targets: [...BUCKET_TYPES, ...REPLICATION_TYPES],
  validate(view, { report }) {
    for (const bucket of buckets(view)) {
      if (view.linked(bucket, REPLICATION_TYPES, "rules").length > 0 || isAccessLogTarget(view, bucket)) continue;
      const sides = sideResources(view, bucket, REPLICATION_TYPES);
      const enabled = (rules: unknown) => records(rules).some((r) => r["status"] === "Enabled");
      if (sides.length > 0) {
        for (const side of sides) {
          if (!enabled(side.props["rules"])) report(`${label(side)} (for ${label(bucket)}): no rules[] entry has status "Enabled"; one must.`, bucket.urn);
        }
        continue;
      }
      const inline = blocksOf(bucket.props, "replicationConfiguration", "replicationConfigurations");
      if (inline.some((b) => enabled(b.value["rules"]))) continue;
      report(`${label(bucket)}: no BucketReplicationConfig has its bucket input from this bucket, so it has no copy in another region; add one.`, bucket.urn);
    }
  },
};
