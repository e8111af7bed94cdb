import { always, type StackRule } from "../../../lib/rule";
import { get, show } from "../../../lib/values";
import { blocksOf, BUCKET_TYPES, buckets, label, sideResources, VERSIONING_TYPES } from "./lib/s3";

export const s3Versioning: StackRule = {
  kind: "stack",
  id: "s3-versioning",
  title: "S3 versioning enabled",
  description:
    'Every bucket has a BucketVersioning(V2) (linked through its bucket input) with versioningConfiguration.status "Enabled"; without one, its own inline versioning.enabled (v7 Bucket) / versionings[].enabled (BucketV2) must be true.',
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "S3.14" },
    { framework: "CKV", id: "CKV_AWS_21" },
    { framework: "AVD", id: "AWS-0090" },
  ],
  remediation: 'Add aws.s3.BucketVersioning with bucket: <bucket>.id and versioningConfiguration: {status: "Enabled"}.',
  targets: [...BUCKET_TYPES, ...VERSIONING_TYPES],
  validate(view, { report }) {
    for (const bucket of buckets(view)) {
      const sides = sideResources(view, bucket, VERSIONING_TYPES);
      for (const side of sides) {
        const status = get(side.props, "versioningConfiguration.status");
        if (status !== "Enabled") report(`${label(side)} (for ${label(bucket)}): versioningConfiguration.status is ${show(status)}; it must be "Enabled".`, bucket.urn);
      }
      if (sides.length > 0) continue;
      const inline = blocksOf(bucket.props, "versioning", "versionings");
      if (inline.length === 0) {
        report(`${label(bucket)}: no BucketVersioning has its bucket input from this bucket and none is set inline, so versioning is off; required: status "Enabled".`, bucket.urn);
      }
      for (const b of inline) {
        if (b.value["enabled"] !== true) report(`${label(bucket)}: ${b.path}.enabled is ${show(b.value["enabled"])}; it must be true (or use a BucketVersioning with status "Enabled").`, bucket.urn);
      }
    }
  },
};
