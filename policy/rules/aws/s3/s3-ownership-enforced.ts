import { always, type StackRule } from "../../../lib/rule";
import { get, show } from "../../../lib/values";
import { ACL_TYPES, BUCKET_TYPES, buckets, label, OWNERSHIP_TYPES, sideResources } from "./lib/s3";

export const s3OwnershipEnforced: StackRule = {
  kind: "stack",
  id: "s3-ownership-enforced",
  title: "S3 ACLs disabled (BucketOwnerEnforced)",
  description:
    'Every Bucket / BucketV2 has a BucketOwnershipControls (linked through its bucket input) with rule.objectOwnership "BucketOwnerEnforced", and no BucketAcl(V2) is linked to it.',
  severity: "medium",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "S3.12" },
    { framework: "CKV", id: "CKV2_AWS_65" },
  ],
  remediation: 'Add aws.s3.BucketOwnershipControls with rule: {objectOwnership: "BucketOwnerEnforced"} and remove BucketAcl resources; grant access in the bucket policy.',
  targets: [...BUCKET_TYPES, ...OWNERSHIP_TYPES, ...ACL_TYPES],
  validate(view, { report }) {
    for (const bucket of buckets(view)) {
      const controls = sideResources(view, bucket, OWNERSHIP_TYPES);
      if (controls.length === 0) {
        report(`${label(bucket)}: no BucketOwnershipControls has its bucket input from this bucket, so ACLs stay enabled; required: rule.objectOwnership "BucketOwnerEnforced".`, bucket.urn);
      }
      for (const c of controls) {
        const ownership = get(c.props, "rule.objectOwnership");
        if (ownership !== "BucketOwnerEnforced") {
          report(`${label(c)} (for ${label(bucket)}): rule.objectOwnership is ${show(ownership)}; it must be "BucketOwnerEnforced".`, bucket.urn);
        }
      }
      for (const acl of sideResources(view, bucket, ACL_TYPES)) {
        report(`${label(acl)} manages ACLs of ${label(bucket)}; with ACLs disabled no BucketAcl is allowed (grant access in the bucket policy).`, bucket.urn);
      }
    }
  },
};
