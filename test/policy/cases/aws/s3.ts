/**
 * S3 bucket rules: each case is the program-shaped baseline (s3Stack) with one change. Stack rules join side
 * resources to their bucket through propertyDependencies["bucket"]; the cases cover both token generations, side
 * resources linked to another bucket, inline settings on the bucket, and values unknown at preview.
 */
import type { PolicyCase } from "../../support/cases";
import { bucketArn, edit, hardenedBucket, IAM, KEY_ARN, mutate, S3, s3Stack, serviceTrust, tlsOnlyPolicy, UNKNOWN, without, type Obj } from "../../fixtures/aws/s3-iam";

const base = s3Stack();
const legacy = s3Stack({ bucketType: S3.BUCKET_V2, generation: "v2" });
/** A stack of one bucket and nothing else: every side resource omitted (AWS defaults). */
const bare = [{ type: S3.BUCKET, name: "backups", props: { bucketPrefix: "backups-", objectLockEnabled: false } }];
const bareV2 = [{ type: S3.BUCKET_V2, name: "backups", props: { bucketPrefix: "backups-" } }];
/** A second, fully hardened bucket that a side resource can be wrongly linked to. */
const other = hardenedBucket("other");
/** Points a side resource's `bucket` link at the other bucket. */
const toOther = (r: { propertyDependencies?: Record<string, string[]> }): void => {
  r.propertyDependencies = { ...(r.propertyDependencies ?? {}), bucket: ["other"] };
};
const onlyIam = [{ type: IAM.ROLE, name: "role", props: { assumeRolePolicy: serviceTrust() } }];

/**
 * An ALB access-log bucket beside the baseline, as EdgeProtection makes it: SSE-S3, no Object Lock, no replication,
 * no server access logging of its own; its policy admits the ELB log-delivery service principal (or, with `grant`
 * null, does not).
 */
const ELB_DELIVERY = { Sid: "AllowElbServiceLogDelivery", Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: `${bucketArn("alb-logs")}/alb/AWSLogs/123456789012/*` };
const albLogs = (grant: Obj | null = ELB_DELIVERY) => [
  ...base,
  ...mutate(hardenedBucket("alb-logs", { encryption: "sse-s3", objectLock: false }), "alb-logs-policy", (p) => (p["policy"] = tlsOnlyPolicy(bucketArn("alb-logs"), grant ? [grant] : []))),
];

const sseRule = (props: Obj) => ((props["rules"] as Obj[])[0]!["applyServerSideEncryptionByDefault"] as Obj);

export const s3Cases: PolicyCase[] = [
  // s3-public-access-block ------------------------------------------------------------------------------------
  { rule: "s3-public-access-block", name: "program-shaped buckets (v7 tokens) each with all four flags", expect: "pass", resources: base },
  { rule: "s3-public-access-block", name: "legacy BucketV2 token and V2 side resources", expect: "pass", resources: legacy },
  { rule: "s3-public-access-block", name: "no BucketPublicAccessBlock (bucket default allows public policies)", expect: "fail", message: 'Bucket "backups": no BucketPublicAccessBlock', resources: without(base, "backups-pab") },
  { rule: "s3-public-access-block", name: "legacy BucketV2 without a block", expect: "fail", message: 'BucketV2 "backups"', resources: bareV2 },
  { rule: "s3-public-access-block", name: "restrictPublicBuckets explicitly false", expect: "fail", message: "restrictPublicBuckets is false", resources: mutate(base, "logs-pab", (p) => (p["restrictPublicBuckets"] = false)) },
  { rule: "s3-public-access-block", name: "ignorePublicAcls omitted (defaults to false)", expect: "fail", message: "ignorePublicAcls is unset", resources: mutate(base, "replica-pab", (p) => delete p["ignorePublicAcls"]) },
  { rule: "s3-public-access-block", name: "the block is linked to a different bucket: does not count for this one", expect: "fail", message: 'Bucket "backups": no BucketPublicAccessBlock', resources: edit([...base, ...other], "backups-pab", toOther) },
  {
    rule: "s3-public-access-block",
    name: "two blocks for one bucket overwrite each other",
    expect: "fail",
    message: "2 BucketPublicAccessBlocks",
    resources: [...base, { ...base.find((r) => r.name === "backups-pab")!, name: "backups-pab-2" }],
  },
  { rule: "s3-public-access-block", name: "blockPublicPolicy unknown at preview", expect: "undecided", resources: mutate(base, "backups-pab", (p) => (p["blockPublicPolicy"] = UNKNOWN.boolean)) },
  { rule: "s3-public-access-block", name: "no S3 resource in the stack", expect: "not-applicable", reason: "no resource of type", resources: onlyIam },
  {
    rule: "s3-public-access-block",
    name: "bucket excluded by name with a reason",
    expect: "pass",
    config: { exclude: [{ resource: "backups", reason: "public website bucket fronted by CloudFront, reviewed in SEC-12" }] },
    resources: without(base, "backups-pab"),
  },

  // s3-no-public-acl ------------------------------------------------------------------------------------------
  { rule: "s3-no-public-acl", name: "ACLs disabled, no ACL resources", expect: "pass", resources: base },
  { rule: "s3-no-public-acl", name: "legacy tokens, ACLs disabled", expect: "pass", resources: legacy },
  { rule: "s3-no-public-acl", name: "bucket without ownership controls and no acl set", expect: "pass", resources: bare },
  { rule: "s3-no-public-acl", name: "private BucketAcl", expect: "pass", resources: [...base, { type: S3.ACL, name: "backups-acl", props: { bucket: "b", acl: "private" }, propertyDependencies: { bucket: ["backups"] } }] },
  {
    rule: "s3-no-public-acl",
    name: "legacy BucketAclV2 public-read",
    expect: "fail",
    message: 'acl is "public-read"',
    resources: [...legacy, { type: S3.ACL_V2, name: "backups-acl", props: { bucket: "b", acl: "public-read" }, propertyDependencies: { bucket: ["backups"] } }],
  },
  {
    rule: "s3-no-public-acl",
    name: "BucketAcl grant to AllUsers",
    expect: "fail",
    message: "accessControlPolicy.grants[1].grantee.uri",
    resources: [
      ...base,
      {
        type: S3.ACL,
        name: "backups-acl",
        props: {
          bucket: "b",
          accessControlPolicy: {
            owner: { id: "owner" },
            grants: [
              { permission: "FULL_CONTROL", grantee: { type: "CanonicalUser", id: "owner" } },
              { permission: "READ", grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" } },
            ],
          },
        },
        propertyDependencies: { bucket: ["backups"] },
      },
    ],
  },
  { rule: "s3-no-public-acl", name: "inline acl public-read-write on a bucket with ACLs enabled", expect: "fail", message: 'Bucket "backups": acl is "public-read-write"', resources: mutate(bare, "backups", (p) => (p["acl"] = "public-read-write")) },
  {
    rule: "s3-no-public-acl",
    name: "inline grant to AuthenticatedUsers on a legacy BucketV2",
    expect: "fail",
    message: "grants[0].uri",
    resources: mutate(bareV2, "backups", (p) => (p["grants"] = [{ type: "Group", permissions: ["READ"], uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" }])),
  },
  {
    rule: "s3-no-public-acl",
    name: "public ACL on another bucket is reported for that bucket",
    expect: "fail",
    message: '(for Bucket "other")',
    resources: [...base, ...other, { type: S3.ACL, name: "x-acl", props: { bucket: "b", acl: "authenticated-read" }, propertyDependencies: { bucket: ["other"] } }],
  },
  { rule: "s3-no-public-acl", name: "inline acl unknown at preview (ACLs enabled)", expect: "undecided", resources: mutate(bare, "backups", (p) => (p["acl"] = UNKNOWN.string)) },

  // s3-ownership-enforced -------------------------------------------------------------------------------------
  { rule: "s3-ownership-enforced", name: "BucketOwnerEnforced on every bucket", expect: "pass", resources: base },
  { rule: "s3-ownership-enforced", name: "legacy tokens with BucketOwnerEnforced", expect: "pass", resources: legacy },
  { rule: "s3-ownership-enforced", name: "no ownership controls (ACLs stay enabled)", expect: "fail", message: "no BucketOwnershipControls", resources: without(base, "logs-ownership") },
  { rule: "s3-ownership-enforced", name: "BucketOwnerPreferred", expect: "fail", message: 'rule.objectOwnership is "BucketOwnerPreferred"', resources: mutate(base, "backups-ownership", (p) => (p["rule"] = { objectOwnership: "BucketOwnerPreferred" })) },
  {
    rule: "s3-ownership-enforced",
    name: "a BucketAcl is managed beside enforced ownership",
    expect: "fail",
    message: 'BucketAcl "backups-acl" manages ACLs',
    resources: [...base, { type: S3.ACL, name: "backups-acl", props: { bucket: "b", acl: "private" }, propertyDependencies: { bucket: ["backups"] } }],
  },
  { rule: "s3-ownership-enforced", name: "ownership controls linked to a different bucket", expect: "fail", message: 'Bucket "backups": no BucketOwnershipControls', resources: edit([...base, ...other], "backups-ownership", toOther) },
  { rule: "s3-ownership-enforced", name: "objectOwnership unknown at preview", expect: "undecided", resources: mutate(base, "backups-ownership", (p) => (p["rule"] = { objectOwnership: UNKNOWN.string })) },

  // s3-sse-kms ------------------------------------------------------------------------------------------------
  { rule: "s3-sse-kms", name: "KMS with a bucket key; the SSE-S3 log bucket is an access-log target", expect: "pass", resources: base },
  {
    rule: "s3-sse-kms",
    name: "key ARN unknown at preview but computed from a Key of the stack",
    expect: "pass",
    resources: mutate(base, "backups-sse", (p) => (sseRule(p)["kmsMasterKeyId"] = UNKNOWN.string)),
  },
  { rule: "s3-sse-kms", name: "legacy tokens, literal CMK ARN", expect: "pass", resources: legacy },
  { rule: "s3-sse-kms", name: "log target without an SSE configuration (SSE-S3 default)", expect: "pass", resources: without(base, "logs-sse") },
  {
    rule: "s3-sse-kms",
    name: "log target encrypted with KMS (S3 cannot deliver access logs there)",
    expect: "fail",
    message: "receives S3 server access logs",
    resources: mutate(base, "logs-sse", (p) => (p["rules"] = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true }])),
  },
  { rule: "s3-sse-kms", name: "SSE-S3 on a bucket whose policy admits ELB log delivery (an ALB access-log bucket)", expect: "pass", resources: albLogs() },
  { rule: "s3-sse-kms", name: "SSE-S3 on a bucket without the ELB log-delivery grant", expect: "fail", message: '"alb-logs-sse" rules[0]: applyServerSideEncryptionByDefault.sseAlgorithm is "AES256"', resources: albLogs(null) },
  { rule: "s3-sse-kms", name: "an ELB grant of another action does not make a log bucket", expect: "fail", message: '"alb-logs-sse" rules[0]: applyServerSideEncryptionByDefault.sseAlgorithm is "AES256"', resources: albLogs({ ...ELB_DELIVERY, Action: "s3:GetObject" }) },
  { rule: "s3-sse-kms", name: "an ELB grant that denies does not make a log bucket", expect: "fail", message: '"alb-logs-sse" rules[0]: applyServerSideEncryptionByDefault.sseAlgorithm is "AES256"', resources: albLogs({ ...ELB_DELIVERY, Effect: "Deny" }) },
  { rule: "s3-sse-kms", name: "KMS on an ALB access-log bucket (delivery supports only SSE-S3)", expect: "fail", message: "receives S3 server access logs or load balancer access logs", resources: mutate(albLogs(), "alb-logs-sse", (p) => (p["rules"] = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true }])) },
  { rule: "s3-sse-kms", name: "no SSE configuration (S3 default SSE-S3)", expect: "fail", message: 'Bucket "backups": no BucketServerSideEncryptionConfiguration', resources: without(base, "backups-sse") },
  { rule: "s3-sse-kms", name: "AES256 on a data bucket", expect: "fail", message: 'sseAlgorithm is "AES256"', resources: mutate(base, "replica-sse", (p) => (p["rules"] = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }])) },
  {
    rule: "s3-sse-kms",
    name: "AWS-managed alias/aws/s3",
    expect: "fail",
    message: "an AWS-managed key",
    resources: edit(
      mutate(base, "backups-sse", (p) => (sseRule(p)["kmsMasterKeyId"] = "alias/aws/s3")),
      "backups-sse",
      (r) => (r.propertyDependencies = { bucket: ["backups"] }),
    ),
  },
  {
    rule: "s3-sse-kms",
    name: "aws:kms without kmsMasterKeyId (falls back to aws/s3)",
    expect: "fail",
    message: "kmsMasterKeyId is unset",
    resources: mutate(base, "backups-sse", (p) => delete sseRule(p)["kmsMasterKeyId"]),
  },
  { rule: "s3-sse-kms", name: "bucketKeyEnabled omitted", expect: "fail", message: "bucketKeyEnabled is unset", resources: mutate(base, "backups-sse", (p) => delete (p["rules"] as Obj[])[0]!["bucketKeyEnabled"]) },
  {
    rule: "s3-sse-kms",
    name: "DSSE-KMS with a CMK needs no bucket key",
    expect: "pass",
    resources: mutate(base, "backups-sse", (p) => (p["rules"] = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms:dsse", kmsMasterKeyId: KEY_ARN } }])),
  },
  { rule: "s3-sse-kms", name: "SSE configuration linked to a different bucket", expect: "fail", message: 'Bucket "replica": no BucketServerSideEncryptionConfiguration', resources: edit([...base, ...other], "replica-sse", toOther) },
  {
    rule: "s3-sse-kms",
    name: "v7 Bucket inline serverSideEncryptionConfiguration with a CMK",
    expect: "pass",
    resources: mutate(bare, "backups", (p) => (p["serverSideEncryptionConfiguration"] = { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true } })),
  },
  {
    rule: "s3-sse-kms",
    name: "legacy BucketV2 inline serverSideEncryptionConfigurations with AES256",
    expect: "fail",
    message: "serverSideEncryptionConfigurations[0].rules[0]",
    resources: mutate(bareV2, "backups", (p) => (p["serverSideEncryptionConfigurations"] = [{ rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: "AES256" }] }] }])),
  },
  {
    rule: "s3-sse-kms",
    name: "log target through another bucket's inline logging is exempt",
    expect: "pass",
    resources: [
      ...mutate(bare, "backups", (p) => (p["serverSideEncryptionConfiguration"] = { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true } })),
      { type: S3.BUCKET, name: "inline-logs", props: { bucketPrefix: "l-", serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } } } },
    ].map((r) => (r.name === "backups" ? { ...r, props: { ...r.props, logging: { targetBucket: "l" } }, propertyDependencies: { logging: ["inline-logs"] } } : r)),
  },
  {
    rule: "s3-sse-kms",
    name: "key ARN unknown at preview and not from a Key of the stack",
    expect: "undecided",
    resources: edit(mutate(base, "backups-sse", (p) => (sseRule(p)["kmsMasterKeyId"] = UNKNOWN.string)), "backups-sse", (r) => (r.propertyDependencies = { bucket: ["backups"] })),
  },
  { rule: "s3-sse-kms", name: "inline encryption of a bucket without SSE resource unknown at preview", expect: "undecided", resources: mutate(bare, "backups", (p) => (p["serverSideEncryptionConfiguration"] = UNKNOWN.object)) },

  // s3-versioning ---------------------------------------------------------------------------------------------
  { rule: "s3-versioning", name: "versioning Enabled on every bucket", expect: "pass", resources: base },
  { rule: "s3-versioning", name: "legacy BucketVersioningV2 Enabled", expect: "pass", resources: legacy },
  { rule: "s3-versioning", name: "Suspended", expect: "fail", message: 'versioningConfiguration.status is "Suspended"', resources: mutate(base, "backups-versioning", (p) => (p["versioningConfiguration"] = { status: "Suspended" })) },
  { rule: "s3-versioning", name: "no versioning resource (off by default)", expect: "fail", message: 'Bucket "backups": no BucketVersioning', resources: bare },
  { rule: "s3-versioning", name: "versioning linked to a different bucket", expect: "fail", message: 'Bucket "logs": no BucketVersioning', resources: edit([...base, ...other], "logs-versioning", toOther) },
  { rule: "s3-versioning", name: "v7 Bucket inline versioning.enabled true", expect: "pass", resources: mutate(bare, "backups", (p) => (p["versioning"] = { enabled: true })) },
  { rule: "s3-versioning", name: "legacy BucketV2 inline versionings[0].enabled false", expect: "fail", message: "versionings[0].enabled is false", resources: mutate(bareV2, "backups", (p) => (p["versionings"] = [{ enabled: false }])) },
  { rule: "s3-versioning", name: "status unknown at preview", expect: "undecided", resources: mutate(base, "replica-versioning", (p) => (p["versioningConfiguration"] = { status: UNKNOWN.string })) },

  // s3-lifecycle ----------------------------------------------------------------------------------------------
  { rule: "s3-lifecycle", name: "expiration, noncurrent expiration and multipart abort", expect: "pass", resources: base },
  { rule: "s3-lifecycle", name: "legacy BucketLifecycleConfigurationV2", expect: "pass", resources: legacy },
  { rule: "s3-lifecycle", name: "no lifecycle (nothing expires)", expect: "fail", message: "no BucketLifecycleConfiguration", resources: bare },
  { rule: "s3-lifecycle", name: "rule Disabled", expect: "fail", message: 'no rule with status "Enabled" sets expiration.days', resources: mutate(base, "backups-lifecycle", (p) => ((p["rules"] as Obj[])[0]!["status"] = "Disabled")) },
  {
    rule: "s3-lifecycle",
    name: "abortIncompleteMultipartUpload omitted",
    expect: "fail",
    message: "abortIncompleteMultipartUpload.daysAfterInitiation",
    resources: mutate(base, "logs-lifecycle", (p) => delete (p["rules"] as Obj[])[0]!["abortIncompleteMultipartUpload"]),
  },
  {
    rule: "s3-lifecycle",
    name: "noncurrent versions never expire",
    expect: "fail",
    message: "noncurrentVersionExpiration.noncurrentDays",
    resources: mutate(base, "backups-lifecycle", (p) => delete (p["rules"] as Obj[])[0]!["noncurrentVersionExpiration"]),
  },
  { rule: "s3-lifecycle", name: "lifecycle linked to a different bucket", expect: "fail", message: 'Bucket "backups": no BucketLifecycleConfiguration', resources: edit([...base, ...other], "backups-lifecycle", toOther) },
  {
    rule: "s3-lifecycle",
    name: "v7 Bucket inline lifecycleRules with all three",
    expect: "pass",
    resources: mutate(bare, "backups", (p) => (p["lifecycleRules"] = [{ enabled: true, expiration: { days: 30 }, noncurrentVersionExpiration: { days: 7 }, abortIncompleteMultipartUploadDays: 1 }])),
  },
  {
    rule: "s3-lifecycle",
    name: "legacy BucketV2 inline lifecycleRules with expiration only",
    expect: "fail",
    message: "noncurrentVersionExpiration.days, abortIncompleteMultipartUploadDays",
    resources: mutate(bareV2, "backups", (p) => (p["lifecycleRules"] = [{ enabled: true, expirations: [{ days: 30 }] }])),
  },
  { rule: "s3-lifecycle", name: "rules unknown at preview", expect: "undecided", resources: mutate(base, "backups-lifecycle", (p) => (p["rules"] = UNKNOWN.array)) },

  // s3-tls-only-policy ----------------------------------------------------------------------------------------
  { rule: "s3-tls-only-policy", name: "deny aws:SecureTransport false on bucket and objects (JSON string)", expect: "pass", resources: base },
  {
    rule: "s3-tls-only-policy",
    name: "policy as an object, Statement an object, Principal {AWS: \"*\"}, Action list",
    expect: "pass",
    resources: mutate(base, "backups-policy", (p) => {
      const arn = bucketArn("backups");
      p["policy"] = { Version: "2012-10-17", Statement: { Effect: "Deny", Principal: { AWS: "*" }, Action: ["s3:*"], Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": false } } } };
    }),
  },
  { rule: "s3-tls-only-policy", name: "no bucket policy", expect: "fail", message: 'Bucket "backups": no BucketPolicy', resources: without(base, "backups-policy") },
  { rule: "s3-tls-only-policy", name: "policy linked to a different bucket", expect: "fail", message: 'Bucket "logs": no BucketPolicy', resources: edit([...base, ...other], "logs-policy", toOther) },
  {
    rule: "s3-tls-only-policy",
    name: "denial covers objects but not the bucket ARN",
    expect: "fail",
    message: "it must cover the bucket ARN",
    resources: mutate(base, "backups-policy", (p) => {
      const arn = bucketArn("backups");
      p["policy"] = JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: `${arn}/*`, Condition: { Bool: { "aws:SecureTransport": "false" } } }] });
    }),
  },
  {
    rule: "s3-tls-only-policy",
    name: "Allow instead of Deny",
    expect: "fail",
    message: 'Effect is "Allow"',
    resources: mutate(base, "backups-policy", (p) => (p["policy"] = String(p["policy"]).replace('"Effect":"Deny","Principal":"*","Action":"s3:*"', '"Effect":"Allow","Principal":"*","Action":"s3:*"'))),
  },
  {
    rule: "s3-tls-only-policy",
    name: "denial only for s3:GetObject",
    expect: "fail",
    message: 'not "s3:*"',
    resources: mutate(base, "backups-policy", (p) => (p["policy"] = String(p["policy"]).replace('"Action":"s3:*"', '"Action":"s3:GetObject"'))),
  },
  {
    rule: "s3-tls-only-policy",
    name: "denial for one role instead of everyone",
    expect: "fail",
    message: 'Principal is not "*"',
    resources: mutate(base, "backups-policy", (p) => (p["policy"] = String(p["policy"]).replace('"Principal":"*","Action":"s3:*","Resource":[', '"Principal":{"AWS":"arn:aws:iam::123456789012:role/x"},"Action":"s3:*","Resource":['))),
  },
  { rule: "s3-tls-only-policy", name: "only the TLS-version denial, no SecureTransport denial", expect: "fail", message: "aws:SecureTransport", resources: mutate(base, "backups-policy", (p) => (p["policy"] = JSON.stringify({ Statement: [(JSON.parse(String(p["policy"])) as { Statement: Obj[] }).Statement[1]] }))) },
  { rule: "s3-tls-only-policy", name: "policy is not JSON", expect: "fail", message: "not valid JSON", resources: mutate(base, "backups-policy", (p) => (p["policy"] = "{not json")) },
  { rule: "s3-tls-only-policy", name: "policy JSON unknown at preview (built from the bucket ARN)", expect: "undecided", resources: mutate(base, "backups-policy", (p) => (p["policy"] = UNKNOWN.string)) },
  { rule: "s3-tls-only-policy", name: "v7 Bucket inline policy with the denial", expect: "pass", resources: mutate(bare, "backups", (p) => (p["policy"] = tlsOnlyPolicy(bucketArn("backups")))) },

  // s3-policy-no-wildcard-principal ---------------------------------------------------------------------------
  {
    rule: "s3-policy-no-wildcard-principal",
    name: "log bucket policy: Allow to the logging service principal, Deny to *",
    expect: "pass",
    resources: [
      {
        type: S3.POLICY,
        name: "logs-policy",
        props: {
          bucket: "logs",
          policy: tlsOnlyPolicy(bucketArn("logs"), [
            { Sid: "AllowServerAccessLogs", Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: `${bucketArn("logs")}/*`, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } },
          ]),
        },
      },
    ],
  },
  { rule: "s3-policy-no-wildcard-principal", name: "Allow to Principal \"*\"", expect: "fail", message: 'Allow to Principal "*"', resources: [{ type: S3.POLICY, name: "p", props: { bucket: "b", policy: tlsOnlyPolicy(bucketArn("b"), [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `${bucketArn("b")}/*` }]) } }] },
  {
    rule: "s3-policy-no-wildcard-principal",
    name: "Allow to an AWS list containing \"*\"",
    expect: "fail",
    message: 'Allow to Principal {"AWS":["arn:aws:iam::123456789012:role/x","*"]}',
    resources: [{ type: S3.POLICY, name: "p", props: { bucket: "b", policy: { Statement: [{ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::123456789012:role/x", "*"] }, Action: "s3:GetObject", Resource: "x" }] } } }],
  },
  { rule: "s3-policy-no-wildcard-principal", name: "Allow to a wildcard account ARN", expect: "fail", message: "uses a wildcard", resources: [{ type: S3.POLICY, name: "p", props: { bucket: "b", policy: { Statement: { Effect: "Allow", Principal: { AWS: "arn:aws:iam::*:root" }, Action: "s3:GetObject", Resource: "x" } } } }] },
  { rule: "s3-policy-no-wildcard-principal", name: "Allow with NotPrincipal", expect: "fail", message: "NotPrincipal", resources: [{ type: S3.POLICY, name: "p", props: { bucket: "b", policy: JSON.stringify({ Statement: [{ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "s3:GetObject", Resource: "x" }] }) } }] },
  { rule: "s3-policy-no-wildcard-principal", name: "v7 Bucket inline policy Allow to *", expect: "fail", message: 'policy Statement[0]: Allow to Principal "*"', resources: [{ type: S3.BUCKET, name: "b", props: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "x" }] }) } }] },
  { rule: "s3-policy-no-wildcard-principal", name: "bucket without an inline policy", expect: "pass", resources: [{ type: S3.BUCKET, name: "b", props: { bucketPrefix: "b-" } }] },
  { rule: "s3-policy-no-wildcard-principal", name: "policy is not JSON", expect: "fail", message: "not valid JSON", resources: [{ type: S3.POLICY, name: "p", props: { bucket: "b", policy: '{"Statement": [' } }] },
  { rule: "s3-policy-no-wildcard-principal", name: "policy unknown at preview", expect: "undecided", resources: [{ type: S3.POLICY, name: "p", props: { bucket: "b", policy: UNKNOWN.string } }] },

  // s3-access-logging -----------------------------------------------------------------------------------------
  { rule: "s3-access-logging", name: "data buckets log to the log bucket; the log bucket itself is exempt", expect: "pass", resources: base },
  { rule: "s3-access-logging", name: "legacy BucketLoggingV2", expect: "pass", resources: legacy },
  { rule: "s3-access-logging", name: "an ALB access-log bucket is exempt (logging a log bucket loops)", expect: "pass", resources: albLogs() },
  { rule: "s3-access-logging", name: "without the ELB grant it must log", expect: "fail", message: 'Bucket "alb-logs": no BucketLogging', resources: albLogs(null) },
  { rule: "s3-access-logging", name: "target bucket unknown at preview but computed from a stack bucket", expect: "pass", resources: mutate(base, "backups-logging", (p) => (p["targetBucket"] = UNKNOWN.string)) },
  { rule: "s3-access-logging", name: "no BucketLogging (logging off by default)", expect: "fail", message: 'Bucket "replica": no BucketLogging', level: "advisory", resources: without(base, "replica-logging") },
  { rule: "s3-access-logging", name: "BucketLogging linked to a different bucket", expect: "fail", message: 'Bucket "backups": no BucketLogging', resources: edit([...base, ...other], "backups-logging", toOther) },
  { rule: "s3-access-logging", name: "legacy BucketLoggingV2 with an empty targetBucket", expect: "fail", message: "targetBucket is unset", resources: edit(mutate(legacy, "backups-logging", (p) => (p["targetBucket"] = "")), "backups-logging", (r) => (r.propertyDependencies = { bucket: ["backups"] })) },
  { rule: "s3-access-logging", name: "v7 Bucket inline logging.targetBucket", expect: "pass", resources: mutate(bare, "backups", (p) => (p["logging"] = { targetBucket: "central-logs", targetPrefix: "backups/" })) },
  { rule: "s3-access-logging", name: "inline logging unknown at preview", expect: "undecided", resources: mutate(bare, "backups", (p) => (p["logging"] = UNKNOWN.object)) },

  // s3-object-lock --------------------------------------------------------------------------------------------
  { rule: "s3-object-lock", name: "objectLockEnabled with a governance default retention; the log bucket (no lock) is exempt", expect: "pass", resources: base },
  { rule: "s3-object-lock", name: "the log bucket is no longer an access-log target: its missing lock counts", expect: "fail", message: 'Bucket "logs": objectLockEnabled is false', resources: without(base, "backups-logging", "replica-logging") },
  { rule: "s3-object-lock", name: "an ALB access-log bucket is exempt like an S3 access-log target", expect: "pass", resources: albLogs() },
  { rule: "s3-object-lock", name: "without the ELB grant the same bucket needs a lock", expect: "fail", message: 'Bucket "alb-logs": objectLockEnabled is false', resources: albLogs(null) },
  { rule: "s3-object-lock", name: "legacy BucketObjectLockConfigurationV2", expect: "pass", resources: legacy },
  { rule: "s3-object-lock", name: "objectLockEnabled false (the program's default of 0 days)", expect: "fail", message: "objectLockEnabled is false", level: "advisory", resources: bare },
  { rule: "s3-object-lock", name: "objectLockEnabled omitted", expect: "fail", message: "objectLockEnabled is unset", resources: [{ type: S3.BUCKET, name: "b", props: { bucketPrefix: "b-" } }] },
  { rule: "s3-object-lock", name: "enabled without a default retention", expect: "fail", message: "no BucketObjectLockConfiguration sets", resources: without(base, "backups-lock") },
  { rule: "s3-object-lock", name: "retention linked to a different bucket", expect: "fail", message: 'Bucket "replica": Object Lock is on but', resources: edit([...base, ...other], "replica-lock", toOther) },
  { rule: "s3-object-lock", name: "retention in years", expect: "pass", resources: mutate(base, "backups-lock", (p) => (p["rule"] = { defaultRetention: { mode: "COMPLIANCE", years: 1 } })) },
  { rule: "s3-object-lock", name: "objectLockEnabled unknown at preview", expect: "undecided", resources: mutate(base, "backups", (p) => (p["objectLockEnabled"] = UNKNOWN.boolean)) },

  // s3-replication --------------------------------------------------------------------------------------------
  { rule: "s3-replication", name: "backup bucket replicates; replica (destination) and log bucket are exempt", expect: "pass", resources: base },
  { rule: "s3-replication", name: "no replication (the program without backup.replicationRegion)", expect: "fail", message: 'Bucket "backups": no BucketReplicationConfig', level: "advisory", resources: without(base, "backups-replication") },
  { rule: "s3-replication", name: "an ALB access-log bucket is exempt", expect: "pass", resources: albLogs() },
  { rule: "s3-replication", name: "without the ELB grant it must replicate", expect: "fail", message: 'Bucket "alb-logs": no BucketReplicationConfig', resources: albLogs(null) },
  { rule: "s3-replication", name: "replication rule Disabled", expect: "fail", message: 'no rules[] entry has status "Enabled"', resources: mutate(base, "backups-replication", (p) => ((p["rules"] as Obj[])[0]!["status"] = "Disabled")) },
  { rule: "s3-replication", name: "v7 Bucket inline replicationConfiguration", expect: "pass", resources: mutate(bare, "backups", (p) => (p["replicationConfiguration"] = { role: "r", rules: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::dr" } }] })) },
  { rule: "s3-replication", name: "replication rules unknown at preview", expect: "undecided", resources: mutate(base, "backups-replication", (p) => (p["rules"] = UNKNOWN.array)) },

  // s3-event-notifications ------------------------------------------------------------------------------------
  { rule: "s3-event-notifications", name: "EventBridge notifications on every bucket", expect: "pass", resources: base },
  { rule: "s3-event-notifications", name: "a queue destination", expect: "pass", resources: mutate(base, "backups-notification", (p) => { delete p["eventbridge"]; p["queues"] = [{ queueArn: "arn:aws:sqs:eu-west-1:123456789012:q", events: ["s3:ObjectRemoved:*"] }]; }) },
  { rule: "s3-event-notifications", name: "no BucketNotification", expect: "fail", message: 'Bucket "backups": no BucketNotification', level: "advisory", resources: bare },
  { rule: "s3-event-notifications", name: "notification without any destination", expect: "fail", message: "eventbridge is not true", resources: mutate(base, "logs-notification", (p) => (p["eventbridge"] = false)) },
  { rule: "s3-event-notifications", name: "notification linked to a different bucket", expect: "fail", message: 'Bucket "replica": no BucketNotification', resources: edit([...base, ...other], "replica-notification", toOther) },
  { rule: "s3-event-notifications", name: "eventbridge unknown at preview", expect: "undecided", resources: mutate(base, "backups-notification", (p) => (p["eventbridge"] = UNKNOWN.boolean)) },
];
