import { always, type StackRule } from "../../../lib/rule";
import { get, records, str } from "../../../lib/values";
import { ACL_TYPES, aclsDisabled, BUCKET_TYPES, buckets, label, sideResources } from "./lib/s3";

const PUBLIC_CANNED = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GROUP = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)$/;

export const s3NoPublicAcl: StackRule = {
  kind: "stack",
  id: "s3-no-public-acl",
  title: "No public S3 ACL",
  description:
    "No BucketAcl(V2) linked to a bucket, and no bucket's own acl/grants (unless ACLs are disabled by BucketOwnerEnforced), uses a public canned ACL (public-read, public-read-write, authenticated-read) or grants to the AllUsers / AuthenticatedUsers groups.",
  severity: "critical",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "S3.2" },
    { framework: "FSBP", id: "S3.3" },
    { framework: "CKV", id: "CKV_AWS_20" },
    { framework: "CKV", id: "CKV_AWS_57" },
    { framework: "CKV", id: "CKV2_AWS_43" },
    { framework: "AVD", id: "AWS-0092" },
  ],
  remediation: "Remove the public ACL or grant; disable ACLs with BucketOwnershipControls objectOwnership BucketOwnerEnforced and grant access through the bucket policy to named principals.",
  targets: [...BUCKET_TYPES, ...ACL_TYPES],
  validate(view, { report }) {
    for (const bucket of buckets(view)) {
      for (const acl of sideResources(view, bucket, ACL_TYPES)) {
        const canned = str(acl.props["acl"]);
        if (canned !== undefined && PUBLIC_CANNED.includes(canned)) {
          report(`${label(acl)} (for ${label(bucket)}): acl is ${JSON.stringify(canned)}; allowed: "private" (not ${PUBLIC_CANNED.join(", ")}).`, bucket.urn);
        }
        records(get(acl.props, "accessControlPolicy.grants")).forEach((grant, i) => {
          const uri = str(get(grant, "grantee.uri"));
          if (uri !== undefined && PUBLIC_GROUP.test(uri)) {
            report(`${label(acl)} (for ${label(bucket)}): accessControlPolicy.grants[${i}].grantee.uri is ${JSON.stringify(uri)}; grants to AllUsers or AuthenticatedUsers are not allowed.`, bucket.urn);
          }
        });
      }
      if (aclsDisabled(view, bucket)) continue;
      const canned = str(bucket.props["acl"]);
      if (canned !== undefined && PUBLIC_CANNED.includes(canned)) {
        report(`${label(bucket)}: acl is ${JSON.stringify(canned)}; allowed: "private" (not ${PUBLIC_CANNED.join(", ")}).`, bucket.urn);
      }
      records(bucket.props["grants"]).forEach((grant, i) => {
        const uri = str(grant["uri"]);
        if (uri !== undefined && PUBLIC_GROUP.test(uri)) {
          report(`${label(bucket)}: grants[${i}].uri is ${JSON.stringify(uri)}; grants to AllUsers or AuthenticatedUsers are not allowed.`, bucket.urn);
        }
      });
    }
  },
};
