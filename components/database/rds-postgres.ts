import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
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
  /** Namespace and provider for the Kubernetes Secret that hands the admin password to the bootstrap Job. Required. */
  namespace: pulumi.Input<string>;
  adminSecretName: string;
  kubernetesProvider: k8s.Provider;
}

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
  /** Secrets Manager secret with the master credentials (JSON: username, password, host, port, dbname). */
  public readonly adminSecretArn: pulumi.Output<string>;
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

    // Generated here, not managed by RDS: RDS-managed master passwords rotate on their own, which would break the
    // bootstrap Job's copy (see docs/decisions/0007-rds-master-password.md).
    const password = new random.RandomPassword(`${name}-admin-password`, { length: 40, special: false }, child);
    // passwordWo is write-only for the provider (terraform-provider-aws does not read it back nor keep it in its own
    // state), but Pulumi records every input it sends: the value stays in the stack's state as a secret input,
    // encrypted by the stack's secrets provider like any other secret (the offline plan's state.json shows it marked
    // secret). So it is no safer than a secret `password`; it is kept because RDS then applies a new value only when
    // passwordWoVersion changes, which the version derived from the password itself makes exact: replacing the random
    // password (the rotation runbook) changes it. 31 bits of a SHA-256 reveal nothing usable of a 238-bit password.
    const passwordVersion = password.result.apply((p) => Number.parseInt(createHash("sha256").update(p).digest("hex").slice(0, 8), 16) & 0x7fffffff);

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
      passwordWo: pulumi.secret(password.result),
      passwordWoVersion: passwordVersion,
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

    const adminSecret = new aws.secretsmanager.Secret(`${name}-admin`, {
      // A name prefix (the provider appends a unique suffix): a destroyed secret waits out its recovery window under
      // its name, so a fixed name would make the next `up` fail with "scheduled for deletion".
      namePrefix: `${args.physicalName}/database-admin-`,
      description: `Master credentials of RDS instance ${args.physicalName}`,
      kmsKeyId: key.arn,
      recoveryWindowInDays: 30,
    }, child);
    new aws.secretsmanager.SecretVersion(`${name}-admin`, {
      secretId: adminSecret.id,
      secretString: pulumi.secret(pulumi.jsonStringify({
        username: ADMIN_USER, password: password.result, host: instance.address, port, dbname: DATABASE_NAME, engine: "postgres",
      })),
    }, child);

    const k8sSecret = new k8s.core.v1.Secret(`${name}-admin`, {
      metadata: { name: args.adminSecretName, namespace: args.namespace, labels: { "app.kubernetes.io/part-of": "agent-platform", "app.kubernetes.io/component": "database" } },
      type: "Opaque",
      stringData: { PGPASSWORD: pulumi.secret(password.result) },
    }, { ...child, provider: args.kubernetesProvider });

    this.address = instance.address;
    this.instanceArn = instance.arn;
    this.adminSecretArn = adminSecret.arn;
    this.securityGroupId = sg.id;
    this.endpoint = {
      host: instance.address, port: pulumi.output(port), database: DATABASE_NAME, adminUser: ADMIN_USER,
      adminSecret: { name: k8sSecret.metadata.name, key: "PGPASSWORD" }, sslMode: "require",
    };
    this.registerOutputs({ address: this.address, instanceArn: this.instanceArn, adminSecretArn: this.adminSecretArn, securityGroupId: this.securityGroupId });
  }
}
