import type * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_SERVICE_ACCOUNT_SUFFIX, BackupJobs, BackupStorage, backupJobPolicy } from "../backup";
import { createIrsaRole } from "../cluster/irsa-role";
import { adminSecretReadStatements } from "../database/admin-secret-access";
import { Environment, type PlatformConfig } from "../config";
import type { DatabaseEndpoint } from "../database";
import { ImageBuild } from "../images";
import { POSTGRES_CLIENT_IMAGES } from "../images/pins";

/** Key prefix of the logical backups in the bucket. */
export const BACKUP_PREFIX = "postgres";

export interface BackupsArgs {
  instance: string;
  physicalName: string;
  config: PlatformConfig;
  namespace: pulumi.Input<string>;
  provider: k8s.Provider;
  awsProvider: aws.Provider;
  region: string;
  endpoint: DatabaseEndpoint;
  clientLabels: Record<string, string>;
  oidc: { providerArn: pulumi.Input<string>; issuerUrl: pulumi.Input<string> };
  /** linux/amd64 or linux/arm64, for the built image. */
  platform: string;
  /** PriorityClass of the jobs' pods. Default: none. */
  priorityClassName?: pulumi.Input<string>;
}

export interface Backups {
  bucket: pulumi.Output<string>;
  jobs: BackupJobs;
  roleArn: pulumi.Output<string>;
}

/** The bucket and the image: before the data tier, whose bootstrap Job runs the same image on RDS (its AWS CLI). */
export interface BackupBase {
  storage: BackupStorage;
  /** The backup image: pg_dump/psql of the server's major version, the AWS CLI v2, zstd. */
  image: pulumi.Input<string>;
}

/** Backup storage and the image (prod backups are protected; see below). */
export function prepareBackups(parent: pulumi.Resource, args: Pick<BackupsArgs, "instance" | "physicalName" | "config" | "awsProvider" | "platform">): BackupBase {
  const { config, instance } = args;
  const awsOpts = { parent, providers: [args.awsProvider] };
  // Prod backups are protected: the buckets, their keys and settings inherit `protect`, so a stray `pulumi destroy`
  // stops before any backup goes (docs/runbooks.md#teardown says how to remove them on purpose).
  const storage = new BackupStorage(`${instance}-backup-storage`, {
    physicalName: args.physicalName, retentionDays: config.backup.retentionDays, 
    objectLock: { days: config.backup.objectLockDays, mode: config.backup.objectLockMode === "governance" ? "GOVERNANCE" : "COMPLIANCE" },
    ...(config.backup.replicationRegion ? { replicationRegion: config.backup.replicationRegion } : {}),
  }, { ...awsOpts, protect: config.environment === Environment.Prod });

  const image: pulumi.Input<string> = config.backup.image ?? new ImageBuild(`${instance}-backup-image`, {
    repositoryName: `${args.physicalName}-backup`, dockerfileDir: "backup",
    buildArgs: { POSTGRES_IMAGE: POSTGRES_CLIENT_IMAGES[config.database.engineVersion] },
    kmsKeyArn: storage.kmsKeyArn, platform: args.platform,
  }, awsOpts).imageDigestRef;
  return { storage, image };
}

/** The jobs' IRSA role (this bucket's prefix and this key only; and the admin secret on RDS) and the jobs. */
export function buildBackups(parent: pulumi.Resource, args: BackupsArgs & { base: BackupBase }): Backups {
  const { config, instance } = args;
  const { storage, image } = args.base;
  const admin = args.endpoint.adminSecretsManager;
  const role = createIrsaRole(`${instance}-backup-irsa`, {
    oidcProviderArn: args.oidc.providerArn, oidcIssuerUrl: args.oidc.issuerUrl,
    namespace: args.namespace, serviceAccount: `${instance}-${BACKUP_SERVICE_ACCOUNT_SUFFIX}`,
    inlinePolicy: pulumi.all([storage.bucketArn, storage.kmsKeyArn, admin?.secretArn, admin?.kmsKeyArn]).apply(([bucketArn, keyArn, secretArn, secretKeyArn]) =>
      backupJobPolicy(bucketArn, BACKUP_PREFIX, keyArn, secretArn && secretKeyArn ? adminSecretReadStatements(secretArn, secretKeyArn, args.region) : [])),
  }, { parent, provider: args.awsProvider });

  const jobs = new BackupJobs(`${instance}-backup-jobs`, {
    namespace: args.namespace, instance, endpoint: args.endpoint, image,
    s3Uri: pulumi.interpolate`s3://${storage.bucket}/${BACKUP_PREFIX}`, region: args.region, roleArn: role.arn,
    schedule: config.backup.schedule, drillSchedule: config.backup.restoreDrillSchedule, clientLabels: args.clientLabels, provider: args.provider,
    ...(args.priorityClassName ? { priorityClassName: args.priorityClassName } : {}),
  }, { parent });

  return { bucket: storage.bucket, jobs, roleArn: role.arn };
}
