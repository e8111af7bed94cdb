import { always, type StackRule } from "../../../lib/rule";
import { show } from "../../../lib/values";
import { BUCKET_TYPES, buckets, label, PUBLIC_ACCESS_BLOCK_TYPES, sideResources } from "./lib/s3";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export const s3PublicAccessBlock: StackRule = {
  kind: "stack",
  id: "s3-public-access-block",
  title: "S3 bucket has Block Public Access with all four flags",
  description:
    "Every Bucket / BucketV2 has exactly one BucketPublicAccessBlock (linked through its bucket input) with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
  severity: "critical",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "S3.8" },
    { framework: "CKV", id: "CKV2_AWS_6" },
    { framework: "CKV", id: "CKV_AWS_53" },
    { framework: "CKV", id: "CKV_AWS_54" },
    { framework: "CKV", id: "CKV_AWS_55" },
    { framework: "CKV", id: "CKV_AWS_56" },
    { framework: "AVD", id: "AWS-0086" },
    { framework: "AVD", id: "AWS-0087" },
    { framework: "AVD", id: "AWS-0091" },
    { framework: "AVD", id: "AWS-0093" },
    { framework: "AVD", id: "AWS-0094" },
  ],
  remediation: "Add one aws.s3.BucketPublicAccessBlock with bucket: <bucket>.id and all four flags set to true.",
  targets: [...BUCKET_TYPES, ...PUBLIC_ACCESS_BLOCK_TYPES],
  validate(view, { report }) {
    for (const bucket of buckets(view)) {
      const blocks = sideResources(view, bucket, PUBLIC_ACCESS_BLOCK_TYPES);
      if (blocks.length === 0) {
        report(`${label(bucket)}: no BucketPublicAccessBlock has its bucket input from this bucket; required: one with ${FLAGS.join(", ")} all true.`, bucket.urn);
        continue;
      }
      if (blocks.length > 1) {
        report(`${label(bucket)}: ${blocks.length} BucketPublicAccessBlocks (${blocks.map(label).join(", ")}) manage it and overwrite each other; allowed: exactly one.`, bucket.urn);
      }
      for (const block of blocks) {
        for (const flag of FLAGS) {
          const value = block.props[flag];
          if (value !== true) report(`${label(block)} (for ${label(bucket)}): ${flag} is ${show(value)}; it must be true.`, bucket.urn);
        }
      }
    }
  },
};
