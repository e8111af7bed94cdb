export { BACKUP_SERVICE_ACCOUNT_SUFFIX, BackupJobs, backupScripts, type BackupJobsArgs } from "./backup-jobs";
export { BackupStorage, backupJobPolicy, type BackupStorageArgs } from "./backup-storage";
export { HardenedBucket, type HardenedBucketArgs } from "./hardened-bucket";
