import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ADMIN_PASSFILE_DIR } from "../database/admin-secret-access";
import { adminConnectionEnv, APP_ROLE, type DatabaseEndpoint } from "../database/endpoint";
import { platformLabels } from "../workload/namespace";
import { hardenedPodBasics, restrictedContainerSecurity } from "../workload/pod-security";

export interface BackupJobsArgs {
  namespace: pulumi.Input<string>;
  instance: string;
  /** The database, reached as its admin (the drill creates and drops a scratch database). Required. */
  endpoint: DatabaseEndpoint;
  /** Image with pg_dump/pg_restore of the server's major version, the AWS CLI v2 and zstd. Required. */
  image: pulumi.Input<string>;
  /** `s3://bucket/prefix` the scripts write to. Required. */
  s3Uri: pulumi.Input<string>;
  /** AWS region of the bucket. Required. */
  region: string;
  /** IRSA role the jobs' ServiceAccount assumes. Required. */
  roleArn: pulumi.Input<string>;
  /** Cron schedules of the backup and of the restore drill. Required. */
  schedule: string;
  drillSchedule: string;
  /** Pod labels that admit the jobs to the database (its NetworkPolicy). Required. */
  clientLabels: Record<string, string>;
  /** PriorityClass of the jobs' pods (the platform's batch class, which never preempts). Default: none. */
  priorityClassName?: pulumi.Input<string>;
  provider: k8s.Provider;
}

/** The backup image's user and group (image/backup/Dockerfile): 10000 or above, as the checkers ask. */
export const BACKUP_UID = 10001;
export const BACKUP_SERVICE_ACCOUNT_SUFFIX = "backup";

/** The shipped scripts, as the ConfigMap carries them: components/backup/scripts (copied next to dist by the build). */
export function backupScripts(): Record<string, string> {
  const dir = path.join(__dirname, "scripts");
  return Object.fromEntries(["common.sh", "backup.sh", "restore.sh", "restore-drill.sh", "hand-over.sql", "fetch-admin-credentials.sh"].map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));
}

/**
 * The scheduled logical backup, the scheduled restore drill that proves the latest backup restores, and a
 * suspended restore CronJob that serves as the restore Job's template:
 * `kubectl create job --from=cronjob/<instance>-restore restore-$(date +%s)`.
 * The scripts are the files in components/backup/scripts, mounted from a ConfigMap: what ships is what is tested.
 */
export class BackupJobs extends pulumi.ComponentResource {
  public readonly serviceAccountName: pulumi.Output<string>;
  public readonly backupCronJobName: pulumi.Output<string>;
  public readonly drillCronJobName: pulumi.Output<string>;
  public readonly restoreCronJobName: pulumi.Output<string>;

  constructor(name: string, args: BackupJobsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:backup:BackupJobs", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const labels = { ...platformLabels(args.instance, "backup"), ...args.clientLabels };
    const { endpoint } = args;
    // On RDS the scripts read the RDS-managed admin secret themselves at the start of each run (load_admin_password in
    // scripts/common.sh), with this ServiceAccount's IRSA role, into a password file on an in-memory emptyDir.
    const admin = endpoint.adminSecretsManager;
    const adminEnv: k8s.types.input.core.v1.EnvVar[] = admin
      ? [{ name: "ADMIN_CREDENTIALS_ID", value: admin.secretArn }, { name: "ADMIN_PASSFILE_DIR", value: ADMIN_PASSFILE_DIR }]
      : [];

    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
      metadata: {
        name: `${args.instance}-${BACKUP_SERVICE_ACCOUNT_SUFFIX}`, namespace: args.namespace, labels: platformLabels(args.instance, "backup"),
        annotations: { "eks.amazonaws.com/role-arn": args.roleArn },
      },
      automountServiceAccountToken: false,
    }, k8sOpts);
    const scripts = new k8s.core.v1.ConfigMap(`${name}-scripts`, {
      metadata: { name: `${args.instance}-backup-scripts`, namespace: args.namespace, labels: platformLabels(args.instance, "backup") },
      data: backupScripts(),
    }, k8sOpts);

    // app.kubernetes.io/name is what the job runs (backup, restore-drill, restore); selectors use instance and component.
    const named = (what: string) => ({ ...labels, "app.kubernetes.io/name": what });
    const pod = (script: string, extraEnv: k8s.types.input.core.v1.EnvVar[], deadlineSeconds: number): k8s.types.input.batch.v1.JobSpec => ({
      backoffLimit: 1,
      activeDeadlineSeconds: deadlineSeconds,
      template: {
        metadata: { labels: named(script.replace(/\.sh$/, "")) },
        spec: {
          restartPolicy: "Never",
          ...hardenedPodBasics(BACKUP_UID, serviceAccount.metadata.name),
          ...(args.priorityClassName === undefined ? {} : { priorityClassName: args.priorityClassName }),
          containers: [{
            name: script.replace(/\.sh$/, ""),
            image: args.image,
            command: ["bash", `/scripts/${script}`],
            env: [
              ...adminConnectionEnv(endpoint),
              ...adminEnv,
              { name: "BACKUP_S3_URI", value: args.s3Uri },
              { name: "AWS_REGION", value: args.region },
              { name: "AWS_DEFAULT_REGION", value: args.region },
              { name: "HOME", value: "/tmp" },
              ...extraEnv,
            ],
            securityContext: restrictedContainerSecurity(BACKUP_UID),
            resources: { requests: { cpu: "250m", memory: "256Mi", "ephemeral-storage": "1Gi" }, limits: { cpu: "2", memory: "1Gi", "ephemeral-storage": "20Gi" } },
            volumeMounts: [
              { name: "scripts", mountPath: "/scripts", readOnly: true }, { name: "tmp", mountPath: "/tmp" },
              ...(admin ? [{ name: "pgpass", mountPath: ADMIN_PASSFILE_DIR }] : []),
            ],
          }],
          volumes: [
            { name: "scripts", configMap: { name: scripts.metadata.name, defaultMode: 0o555 } },
            // The restore downloads the dump here before verifying it: size it for the largest backup.
            { name: "tmp", emptyDir: { sizeLimit: "20Gi" } },
            // The admin password file: in memory (tmpfs), never on the node's disk.
            ...(admin ? [{ name: "pgpass", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } }] : []),
          ],
        },
      },
    });

    const cronJob = (suffix: string, schedule: string, spec: k8s.types.input.batch.v1.JobSpec, suspend = false) =>
      new k8s.batch.v1.CronJob(`${name}-${suffix}`, {
        metadata: { name: `${args.instance}-${suffix}`, namespace: args.namespace, labels: { ...platformLabels(args.instance, "backup"), "app.kubernetes.io/name": suffix } },
        spec: {
          schedule,
          timeZone: "Etc/UTC",
          suspend,
          concurrencyPolicy: "Forbid",
          startingDeadlineSeconds: 3600,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 5,
          jobTemplate: { metadata: { labels: named(suffix) }, spec },
        },
      }, k8sOpts);

    const backup = cronJob("backup", args.schedule, pod("backup.sh", [], 6 * 3600));
    const drill = cronJob("restore-drill", args.drillSchedule, pod("restore-drill.sh", [], 6 * 3600));
    // Never runs on its own: the template of a manual restore into the database PGDATABASE names.
    const restore = cronJob("restore", "0 0 1 1 *", pod("restore.sh", [
      { name: "BACKUP_KEY", value: "latest" },
      // The server connects as the app role: it must own what was restored, or it cannot use it.
      { name: "RESTORE_OWNER", value: APP_ROLE },
    ], 12 * 3600), true);

    this.serviceAccountName = serviceAccount.metadata.name;
    this.backupCronJobName = backup.metadata.name;
    this.drillCronJobName = drill.metadata.name;
    this.restoreCronJobName = restore.metadata.name;
    this.registerOutputs({
      serviceAccountName: this.serviceAccountName, backupCronJobName: this.backupCronJobName,
      drillCronJobName: this.drillCronJobName, restoreCronJobName: this.restoreCronJobName,
    });
  }
}
