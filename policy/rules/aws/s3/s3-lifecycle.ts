import { always, type StackRule } from "../../../lib/rule";
import { get, num, records } from "../../../lib/values";
import { BUCKET_TYPES, buckets, label, LIFECYCLE_TYPES, sideResources } from "./lib/s3";

/** What a lifecycle must do, with how each generation spells it. */
interface Needs {
  expiration: boolean;
  noncurrent: boolean;
  abortMultipart: boolean;
}

const positive = (v: unknown): boolean => (num(v) ?? 0) > 0;

/** BucketLifecycleConfiguration(V2) rules: status "Enabled", expiration.days, noncurrentVersionExpiration.noncurrentDays, abortIncompleteMultipartUpload.daysAfterInitiation. */
function sideNeeds(rules: Record<string, unknown>[]): Needs {
  const on = rules.filter((r) => r["status"] === "Enabled");
  return {
    expiration: on.some((r) => positive(get(r, "expiration.days"))),
    noncurrent: on.some((r) => positive(get(r, "noncurrentVersionExpiration.noncurrentDays"))),
    abortMultipart: on.some((r) => positive(get(r, "abortIncompleteMultipartUpload.daysAfterInitiation"))),
  };
}

/** Inline lifecycleRules of a v7 Bucket (expiration.days) or BucketV2 (expirations[].days): enabled: true. */
function inlineNeeds(rules: Record<string, unknown>[]): Needs {
  const on = rules.filter((r) => r["enabled"] === true);
  const days = (r: Record<string, unknown>, singular: string, plural: string) =>
    positive(get(r, `${singular}.days`)) || records(r[plural]).some((e) => positive(e["days"]));
  return {
    expiration: on.some((r) => days(r, "expiration", "expirations")),
    noncurrent: on.some((r) => days(r, "noncurrentVersionExpiration", "noncurrentVersionExpirations")),
    abortMultipart: on.some((r) => positive(r["abortIncompleteMultipartUploadDays"])),
  };
}

function missing(needs: Needs, side: boolean): string[] {
  const out: string[] = [];
  if (!needs.expiration) out.push("expiration.days");
  if (!needs.noncurrent) out.push(side ? "noncurrentVersionExpiration.noncurrentDays" : "noncurrentVersionExpiration.days");
  if (!needs.abortMultipart) out.push(side ? "abortIncompleteMultipartUpload.daysAfterInitiation" : "abortIncompleteMultipartUploadDays");
  return out;
}

export const s3Lifecycle: StackRule = {
  kind: "stack",
  id: "s3-lifecycle",
  title: "S3 lifecycle expires objects, old versions and failed uploads",
  description:
    'Every bucket has a BucketLifecycleConfiguration(V2) (else inline lifecycleRules) whose enabled rules set expiration.days, noncurrentVersionExpiration.noncurrentDays and abortIncompleteMultipartUpload.daysAfterInitiation (each > 0, in any enabled rule).',
  severity: "medium",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "S3.13" },
    { framework: "FSBP", id: "S3.10" },
    { framework: "CKV", id: "CKV2_AWS_61" },
    { framework: "CKV", id: "CKV_AWS_300" },
  ],
  remediation:
    'Add aws.s3.BucketLifecycleConfiguration with a rule {status: "Enabled", filter: {}, expiration: {days: <retention>}, noncurrentVersionExpiration: {noncurrentDays: 7}, abortIncompleteMultipartUpload: {daysAfterInitiation: 1}}.',
  targets: [...BUCKET_TYPES, ...LIFECYCLE_TYPES],
  validate(view, { report }) {
    for (const bucket of buckets(view)) {
      const sides = sideResources(view, bucket, LIFECYCLE_TYPES);
      for (const side of sides) {
        const lack = missing(sideNeeds(records(side.props["rules"])), true);
        if (lack.length > 0) {
          report(`${label(side)} (for ${label(bucket)}): no rule with status "Enabled" sets ${lack.join(", ")}; each is required (> 0 days).`, bucket.urn);
        }
      }
      if (sides.length > 0) continue;
      const rules = records(bucket.props["lifecycleRules"]);
      if (rules.length === 0) {
        report(`${label(bucket)}: no BucketLifecycleConfiguration has its bucket input from this bucket and lifecycleRules is empty, so nothing ever expires; required: expiration, noncurrent-version expiration and aborting incomplete uploads.`, bucket.urn);
        continue;
      }
      const lack = missing(inlineNeeds(rules), false);
      if (lack.length > 0) report(`${label(bucket)}: no lifecycleRules entry with enabled: true sets ${lack.join(", ")}; each is required (> 0 days).`, bucket.urn);
    }
  },
};
