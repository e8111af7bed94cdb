import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { createClientOnlySecurityGroup } from "../cluster/security-groups";
import { createKmsKey } from "../secrets/kms-key";
import { ADMIN_USER, DATABASE_NAME, type DatabaseEndpoint } from "./endpoint";

/** The platform's RDS port: not PostgreSQL's 5432 (defence in depth against scans of the default port only). */
export const RDS_DEFAULT_PORT = 5433;

export interface RdsPostgresArgs {
  /** Physical name prefix, unique in the account and region (instance identifier, KMS alias, secret name). Required. */
  physicalName: string;
  /** PostgreSQL major version, "16" or "17"; minor versions follow AWS's default and auto-upgrade. Required. */
  engineVersion: string;
  /** Instance class, such as db.t4g.medium. Required. */
  instanceClass: string;
  /** Storage at creation and the autoscaling ceiling, GiB. Required. */
  allocatedStorageGb: number;
  maxAllocatedStorageGb: number;
  /** A standby in a second zone. Default true. */
  multiAz?: boolean;
  /** Deletion protection, and a final snapshot on delete. Default true. */
  deletionProtection?: boolean;
  /** Allow a change of engineVersion to another major version, applied at once. Default false (RDS refuses it). */
  allowMajorVersionUpgrade?: boolean;
  /**
   * Pulumi `protect` on the instance and its KMS key: `pulumi destroy` stops before the data goes (the teardown
   * runbook unprotects on purpose). Default false.
   */
  protect?: boolean;
  /** Automated backup retention, days (1-35). Default 14. */
  backupRetentionDays?: number;
  /** Port the instance listens on (1150-65535). Default 5433, not the engine's 5432 (docs/decisions/0112-rds-port.md). */
  port?: number;
  /** VPC, private subnets (two zones or more) and the one security group admitted on the port. Required. */
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  clientSecurityGroupId: pulumi.Input<string>;
  /**
   * When Secrets Manager rotates the master password RDS manages: a rotation schedule (cron or rate expression) and
   * its window. Default weekly, Tuesday 10:00-12:00 UTC, away from the backup (03:00), the restore drill (Sunday
   * 05:00) and RDS's own backup and maintenance windows (docs/decisions/0115-rds-managed-master-password.md).
   */
  masterPasswordRotation?: { scheduleExpression: string; duration: string };
}

export const DEFAULT_MASTER_PASSWORD_ROTATION = { scheduleExpression: "cron(0 10 ? * TUE *)", duration: "2h" };

/**
 * RDS for PostgreSQL with terraform-aws-rds's secure defaults and the ones it leaves off: private subnets only,
 * one security group admitted, storage and Performance Insights encrypted with a customer-managed key, TLS forced
 * (rds.force_ssl), Multi-AZ, deletion protection with a final snapshot, explicit backup retention, enhanced
 * monitoring, IAM authentication available, logs to CloudWatch, minor upgrades on, tags copied to snapshots.
 */
export class RdsPostgres extends pulumi.ComponentResource {
  public readonly endpoint: DatabaseEndpoint;
  public readonly instanceArn: pulumi.Output<string>;
  public readonly address: pulumi.Output<string>;
  /** The master user secret RDS manages in Secrets Manager (JSON: username, password), rotated on a schedule. */
  public readonly adminSecretArn: pulumi.Output<string>;
  /** The KMS key that encrypts it (the instance's own key). */
  public readonly adminSecretKmsKeyArn: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: RdsPostgresArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:database:RdsPostgres", name, {}, opts);
    const child = { parent: this };
    const deletionProtection = args.deletionProtection ?? true;
    const port = args.port ?? RDS_DEFAULT_PORT;
    if (!Number.isInteger(port) || port < 1150 || port > 65535) throw new Error(`RdsPostgres port ${port} must be a whole number from 1150 to 65535 (what RDS accepts)`);

    const stateful = { ...child, protect: args.protect ?? false };
    // A protected (prod) key is also kept when the stack is torn down on purpose: the final snapshot and the retained
    // automated backups are encrypted with it, and scheduling it for deletion would make them unrestorable.
    const key = createKmsKey(`${name}-key`, `${args.physicalName}-rds`, `Encrypts RDS storage, snapshots and Performance Insights of ${args.physicalName}`, stateful,
      { retainOnDelete: args.protect ?? false });
    const subnets = new aws.rds.SubnetGroup(`${name}-subnets`, { subnetIds: args.subnetIds, description: `Private subnets of ${args.physicalName}` }, child);

    const sg = createClientOnlySecurityGroup(name, {
      vpcId: args.vpcId, port, clientSecurityGroupId: args.clientSecurityGroupId, description: `PostgreSQL of ${args.physicalName}: ${port} from the cluster only`,
    }, child);

    const parameters = new aws.rds.ParameterGroup(`${name}-params`, {
      family: `postgres${args.engineVersion}`,
      description: `TLS-only PostgreSQL ${args.engineVersion} with statement and connection logging`,
      parameters: [
        { name: "rds.force_ssl", value: "1" },
        { name: "log_min_duration_statement", value: "1000" },
        { name: "log_connections", value: "1" },
        { name: "log_disconnections", value: "1" },
        { name: "log_lock_waits", value: "1" },
        { name: "log_temp_files", value: "10240" },
        { name: "idle_in_transaction_session_timeout", value: "300000" },
      ],
    }, child);

    // Only for this account's instances: the confused-deputy guard of the RDS User Guide
    // (USER_Monitoring.OS.Enabling.html#USER_Monitoring.OS.confused-deputy). aws:SourceArn would name the instance,
    // which needs this role first, so the account is the condition.
    const monitoringRole = new aws.iam.Role(`${name}-monitoring`, {
      assumeRolePolicy: aws.getCallerIdentityOutput({}, child).accountId.apply((account) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow", Principal: { Service: "monitoring.rds.amazonaws.com" }, Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": account } },
        }],
      })),
    }, child);
    const partition = aws.getPartitionOutput({}, child).partition;
    const monitoringPolicy = new aws.iam.RolePolicyAttachment(`${name}-monitoring`, {
      role: monitoringRole.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    }, child);

    const snapshotSuffix = new random.RandomId(`${name}-final-snapshot`, { byteLength: 4 }, child);
    const instance = new aws.rds.Instance(`${name}-instance`, {
      identifier: args.physicalName,
      engine: "postgres",
      engineVersion: args.engineVersion,
      autoMinorVersionUpgrade: true,
      // A major version change is refused unless allowed, and then applied at once rather than waiting for the
      // maintenance window (the major-upgrade runbook sets database.allowMajorVersionUpgrade for that one run).
      allowMajorVersionUpgrade: args.allowMajorVersionUpgrade ?? false,
      applyImmediately: args.allowMajorVersionUpgrade ?? false,
      instanceClass: args.instanceClass,
      allocatedStorage: args.allocatedStorageGb,
      maxAllocatedStorage: args.maxAllocatedStorageGb,
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: key.arn,
      dbName: DATABASE_NAME,
      username: ADMIN_USER,
      // RDS keeps the master password in Secrets Manager and rotates it (docs/decisions/0115): Pulumi never sees it, so
      // it is in no state file and no Kubernetes Secret; the Jobs read it at run time with their IRSA identity.
      // Conflicts with password and passwordWo (@pulumi/aws@7.48.0 rds/instance.d.ts:540). The secret is encrypted
      // with this instance's key, not the AWS managed aws/secretsmanager key.
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: key.arn,
      port,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [sg.id],
      publiclyAccessible: false,
      parameterGroupName: parameters.name,
      multiAz: args.multiAz ?? true,
      backupRetentionPeriod: args.backupRetentionDays ?? 14,
      backupWindow: "02:00-03:00",
      maintenanceWindow: "sun:04:30-sun:05:30",
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
      deletionProtection,
      skipFinalSnapshot: !deletionProtection,
      // Unique per instance: a constant name would exist already at the second destroy (DBSnapshotAlreadyExists).
      // The suffix is created with the instance and replaced with it, so each destroy leaves its own snapshot.
      finalSnapshotIdentifier: pulumi.interpolate`${args.physicalName}-final-${snapshotSuffix.hex}`,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: key.arn,
      performanceInsightsRetentionPeriod: 7,
      monitoringInterval: 60,
      monitoringRoleArn: monitoringRole.arn,
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      caCertIdentifier: "rds-ca-rsa2048-g1",
    }, { ...stateful, dependsOn: [monitoringPolicy] });

    // The managed secret is created by RDS, so it is not an aws.secretsmanager.Secret of this program; its rotation is.
    // Referencing masterUserSecrets[0].secretArn orders it after the instance (@pulumi/aws@7.48.0
    // rds/instance.d.ts:273-296). RDS-managed rotation needs no Lambda: rotationLambdaArn stays unset (line 239 there:
    // "Must be supplied if the secret is not managed by AWS"). Not at once on creation: the first deploy's bootstrap
    // Job reads the secret meanwhile.
    const adminSecretArn = instance.masterUserSecrets.apply((secrets) => {
      const arn = secrets[0]?.secretArn;
      if (arn === undefined) throw new Error(`RDS instance ${args.physicalName} reports no master user secret although manageMasterUserPassword is true (an existing stack: docs/runbooks.md, "Existing stacks: turning on the RDS-managed password")`);
      return arn;
    });
    const rotation = args.masterPasswordRotation ?? DEFAULT_MASTER_PASSWORD_ROTATION;
    new aws.secretsmanager.SecretRotation(`${name}-admin-rotation`, {
      secretId: adminSecretArn,
      rotateImmediately: false,
      rotationRules: { scheduleExpression: rotation.scheduleExpression, duration: rotation.duration },
    }, child);

    this.address = instance.address;
    this.instanceArn = instance.arn;
    this.adminSecretArn = adminSecretArn;
    this.adminSecretKmsKeyArn = key.arn;
    this.securityGroupId = sg.id;
    this.endpoint = {
      host: instance.address, port: pulumi.output(port), database: DATABASE_NAME, adminUser: ADMIN_USER,
      adminSecretsManager: { secretArn: adminSecretArn, kmsKeyArn: key.arn }, sslMode: "require",
    };
    this.registerOutputs({ address: this.address, instanceArn: this.instanceArn, adminSecretArn: this.adminSecretArn, securityGroupId: this.securityGroupId });
  }
}
