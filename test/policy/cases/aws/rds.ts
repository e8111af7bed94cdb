import type { FixtureResource, PolicyCase } from "../../support/cases";
import {
  OMIT,
  RDS_CLUSTER,
  RDS_CLUSTER_INSTANCE,
  RDS_INSTANCE,
  RDS_PARAMETER_GROUP,
  UNKNOWN,
  parameterGroup,
  patch,
  rdsCluster,
  rdsClusterInstance,
  rdsInstance,
  rdsReplica,
  rdsWithParams,
} from "../../fixtures/aws/data-services";

/** The hardened instance with some fields changed (OMIT removes one). */
const db = (changes: Record<string, unknown> = {}): FixtureResource[] => [{ type: RDS_INSTANCE, name: "db", props: patch(rdsInstance(), changes) }];
const replica = (changes: Record<string, unknown> = {}): FixtureResource[] => [{ type: RDS_INSTANCE, name: "db-replica", props: patch(rdsReplica(), changes) }];
const cluster = (changes: Record<string, unknown> = {}): FixtureResource[] => [{ type: RDS_CLUSTER, name: "aurora", props: patch(rdsCluster(), changes) }];
const clusterInstance = (changes: Record<string, unknown> = {}): FixtureResource[] => [{ type: RDS_CLUSTER_INSTANCE, name: "aurora-1", props: patch(rdsClusterInstance(), changes) }];

const encrypted: PolicyCase[] = [
  { rule: "rds-encrypted", name: "hardened instance (storageEncrypted true)", expect: "pass", resources: db() },
  { rule: "rds-encrypted", name: "Aurora cluster encrypted", expect: "pass", resources: cluster() },
  { rule: "rds-encrypted", name: "storageEncrypted omitted: default is unencrypted", expect: "fail", message: "storageEncrypted is unset (default false: unencrypted); it must be true", resources: db({ storageEncrypted: OMIT }) },
  { rule: "rds-encrypted", name: "storageEncrypted false", expect: "fail", message: "storageEncrypted is false", resources: db({ storageEncrypted: false }) },
  { rule: "rds-encrypted", name: "Aurora cluster storageEncrypted false", expect: "fail", message: "storageEncrypted is false", resources: cluster({ storageEncrypted: false }) },
  { rule: "rds-encrypted", name: "cross-region read replica names kmsKeyId instead", expect: "pass", resources: replica({ storageEncrypted: OMIT }) },
  { rule: "rds-encrypted", name: "read replica with neither storageEncrypted nor kmsKeyId", expect: "fail", message: "storageEncrypted is unset (default false: unencrypted)", resources: replica({ storageEncrypted: OMIT, kmsKeyId: OMIT }) },
  { rule: "rds-encrypted", name: "storageEncrypted unknown at preview", expect: "undecided", resources: db({ storageEncrypted: UNKNOWN.boolean }) },
];

const cmk: PolicyCase[] = [
  { rule: "rds-cmk", name: "kmsKeyId is a customer-managed key ARN", expect: "pass", resources: db() },
  { rule: "rds-cmk", name: "kmsKeyId omitted: AWS managed aws/rds", expect: "fail", message: "kmsKeyId is unset", resources: db({ kmsKeyId: OMIT }) },
  { rule: "rds-cmk", name: "kmsKeyId is the AWS managed alias", expect: "fail", message: 'kmsKeyId is "alias/aws/rds"', resources: db({ kmsKeyId: "alias/aws/rds" }) },
  { rule: "rds-cmk", name: "Aurora cluster without kmsKeyId", expect: "fail", message: "kmsKeyId is unset, so RDS uses the AWS managed key", resources: cluster({ kmsKeyId: OMIT }) },
  { rule: "rds-cmk", name: "kmsKeyId computed from a key created in the same update", expect: "undecided", resources: db({ kmsKeyId: UNKNOWN.string }) },
];

const notPublic: PolicyCase[] = [
  { rule: "rds-not-public", name: "publiclyAccessible false", expect: "pass", resources: db() },
  { rule: "rds-not-public", name: "publiclyAccessible omitted (default false)", expect: "pass", resources: db({ publiclyAccessible: OMIT }) },
  { rule: "rds-not-public", name: "publiclyAccessible true", expect: "fail", message: "publiclyAccessible is true", resources: db({ publiclyAccessible: true }) },
  { rule: "rds-not-public", name: "Aurora cluster instance private", expect: "pass", resources: clusterInstance() },
  { rule: "rds-not-public", name: "Aurora cluster instance publiclyAccessible true", expect: "fail", message: "publiclyAccessible is true", resources: clusterInstance({ publiclyAccessible: true }) },
  { rule: "rds-not-public", name: "publiclyAccessible unknown at preview", expect: "undecided", resources: db({ publiclyAccessible: UNKNOWN.boolean }) },
];

const inVpc: PolicyCase[] = [
  { rule: "rds-in-vpc", name: "dbSubnetGroupName names the stack's subnet group", expect: "pass", resources: db() },
  { rule: "rds-in-vpc", name: "dbSubnetGroupName omitted: default VPC", expect: "fail", message: "dbSubnetGroupName is unset", resources: db({ dbSubnetGroupName: OMIT }) },
  { rule: "rds-in-vpc", name: 'dbSubnetGroupName "default"', expect: "fail", message: 'dbSubnetGroupName is "default"', resources: db({ dbSubnetGroupName: "default" }) },
  { rule: "rds-in-vpc", name: "Aurora cluster in its subnet group", expect: "pass", resources: cluster() },
  { rule: "rds-in-vpc", name: "Aurora cluster without subnet group", expect: "fail", message: "dbSubnetGroupName is unset", resources: cluster({ dbSubnetGroupName: OMIT }) },
  { rule: "rds-in-vpc", name: "dbSubnetGroupName unknown at preview", expect: "undecided", resources: db({ dbSubnetGroupName: UNKNOWN.string }) },
];

const backups: PolicyCase[] = [
  { rule: "rds-backups", name: "14 days retention", expect: "pass", resources: db() },
  { rule: "rds-backups", name: "backupRetentionPeriod omitted: must be explicit", expect: "fail", message: "backupRetentionPeriod is unset", resources: db({ backupRetentionPeriod: OMIT }) },
  { rule: "rds-backups", name: "backupRetentionPeriod 0 turns backups off", expect: "fail", message: "(0 turns automated backups off)", resources: db({ backupRetentionPeriod: 0 }) },
  { rule: "rds-backups", name: "backupRetentionPeriod 3 below the default minimum 7", expect: "fail", message: "backupRetentionPeriod is 3; it must be at least 7 days", resources: db({ backupRetentionPeriod: 3 }) },
  { rule: "rds-backups", name: "exactly 7 days", expect: "pass", resources: db({ backupRetentionPeriod: 7 }) },
  { rule: "rds-backups", name: "config minRetentionDays 3 accepts 3", expect: "pass", config: { minRetentionDays: 3 }, resources: db({ backupRetentionPeriod: 3 }) },
  { rule: "rds-backups", name: "read replica keeps no backups of its own", expect: "not-applicable", reason: "read replica (replicateSourceDb)", resources: replica() },
  { rule: "rds-backups", name: "backupRetentionPeriod unknown at preview", expect: "undecided", resources: db({ backupRetentionPeriod: UNKNOWN.number }) },
];

const deletionProtection: PolicyCase[] = [
  { rule: "rds-deletion-protection", name: "deletionProtection true", expect: "pass", resources: db() },
  { rule: "rds-deletion-protection", name: "deletionProtection omitted (default false) in prod", expect: "fail", level: "mandatory", message: "deletionProtection is unset (default false)", resources: db({ deletionProtection: OMIT }) },
  { rule: "rds-deletion-protection", name: "deletionProtection false in prod", expect: "fail", level: "mandatory", message: "deletionProtection is false", resources: db({ deletionProtection: false }) },
  { rule: "rds-deletion-protection", name: "deletionProtection false in dev is advisory", expect: "fail", message: "deletionProtection is false; it must be true", environment: "dev", level: "advisory", resources: db({ deletionProtection: false }) },
  { rule: "rds-deletion-protection", name: "deletionProtection unknown at preview", expect: "undecided", resources: db({ deletionProtection: UNKNOWN.boolean }) },
];

const finalSnapshot: PolicyCase[] = [
  { rule: "rds-final-snapshot", name: "skipFinalSnapshot false with an identifier", expect: "pass", resources: db() },
  { rule: "rds-final-snapshot", name: "skipFinalSnapshot omitted (default false) with an identifier", expect: "pass", resources: db({ skipFinalSnapshot: OMIT }) },
  { rule: "rds-final-snapshot", name: "skipFinalSnapshot true in prod", expect: "fail", level: "mandatory", message: "skipFinalSnapshot is true", resources: db({ skipFinalSnapshot: true }) },
  { rule: "rds-final-snapshot", name: "finalSnapshotIdentifier omitted", expect: "fail", message: "finalSnapshotIdentifier is unset", resources: db({ finalSnapshotIdentifier: OMIT }) },
  { rule: "rds-final-snapshot", name: "skipFinalSnapshot true in dev is advisory", expect: "fail", message: "skipFinalSnapshot is true", environment: "dev", level: "advisory", resources: db({ skipFinalSnapshot: true }) },
  { rule: "rds-final-snapshot", name: "read replica takes no final snapshot", expect: "not-applicable", reason: "read replica (replicateSourceDb)", resources: replica() },
  { rule: "rds-final-snapshot", name: "skipFinalSnapshot unknown at preview", expect: "undecided", resources: db({ skipFinalSnapshot: UNKNOWN.boolean }) },
];

const multiAz: PolicyCase[] = [
  { rule: "rds-multi-az", name: "multiAz true", expect: "pass", resources: db() },
  { rule: "rds-multi-az", name: "multiAz omitted (default false) in prod", expect: "fail", level: "mandatory", message: "multiAz is unset (default false)", resources: db({ multiAz: OMIT }) },
  { rule: "rds-multi-az", name: "multiAz false in prod", expect: "fail", level: "mandatory", message: "multiAz is false", resources: db({ multiAz: false }) },
  { rule: "rds-multi-az", name: "multiAz false in dev is advisory", expect: "fail", message: "multiAz is false; it must be true", environment: "dev", level: "advisory", resources: db({ multiAz: false }) },
  { rule: "rds-multi-az", name: "multiAz unknown at preview", expect: "undecided", resources: db({ multiAz: UNKNOWN.boolean }) },
];

const iamAuth: PolicyCase[] = [
  { rule: "rds-iam-auth", name: "iamDatabaseAuthenticationEnabled true", expect: "pass", resources: db() },
  { rule: "rds-iam-auth", name: "iamDatabaseAuthenticationEnabled omitted", expect: "fail", level: "advisory", message: "iamDatabaseAuthenticationEnabled is unset (default false)", resources: db({ iamDatabaseAuthenticationEnabled: OMIT }) },
  { rule: "rds-iam-auth", name: "iamDatabaseAuthenticationEnabled false", expect: "fail", message: "iamDatabaseAuthenticationEnabled is false", resources: db({ iamDatabaseAuthenticationEnabled: false }) },
  { rule: "rds-iam-auth", name: "SQL Server has no IAM authentication", expect: "not-applicable", reason: 'engine "sqlserver-se" does not support IAM', resources: db({ engine: "sqlserver-se", iamDatabaseAuthenticationEnabled: OMIT }) },
  { rule: "rds-iam-auth", name: "iamDatabaseAuthenticationEnabled unknown at preview", expect: "undecided", resources: db({ iamDatabaseAuthenticationEnabled: UNKNOWN.boolean }) },
];

const minorUpgrades: PolicyCase[] = [
  { rule: "rds-minor-upgrades", name: "autoMinorVersionUpgrade true", expect: "pass", resources: db() },
  { rule: "rds-minor-upgrades", name: "autoMinorVersionUpgrade omitted (default true)", expect: "pass", resources: db({ autoMinorVersionUpgrade: OMIT }) },
  { rule: "rds-minor-upgrades", name: "autoMinorVersionUpgrade false", expect: "fail", message: "autoMinorVersionUpgrade is false", resources: db({ autoMinorVersionUpgrade: false }) },
  { rule: "rds-minor-upgrades", name: "autoMinorVersionUpgrade unknown at preview", expect: "undecided", resources: db({ autoMinorVersionUpgrade: UNKNOWN.boolean }) },
];

const logging: PolicyCase[] = [
  { rule: "rds-logging", name: "postgresql and upgrade logs exported", expect: "pass", resources: db() },
  { rule: "rds-logging", name: "enabledCloudwatchLogsExports omitted", expect: "fail", message: "enabledCloudwatchLogsExports is unset (no logs exported)", resources: db({ enabledCloudwatchLogsExports: OMIT }) },
  { rule: "rds-logging", name: "upgrade log missing", expect: "fail", message: 'missing ["upgrade"]', resources: db({ enabledCloudwatchLogsExports: ["postgresql"] }) },
  { rule: "rds-logging", name: "MySQL without slowquery", expect: "fail", message: 'missing ["slowquery"]', resources: db({ engine: "mysql", enabledCloudwatchLogsExports: ["audit", "error", "general"] }) },
  { rule: "rds-logging", name: "log list unknown at preview", expect: "undecided", resources: db({ enabledCloudwatchLogsExports: UNKNOWN.array }) },
];

const params = (parameters: unknown): Record<string, unknown> => patch(parameterGroup(), { parameters });
const forceSsl: PolicyCase[] = [
  { rule: "rds-force-ssl", name: "parameterGroupName computed from a group with rds.force_ssl 1", expect: "pass", resources: rdsWithParams() },
  { rule: "rds-force-ssl", name: "linked group without rds.force_ssl", expect: "fail", message: "its parameters have no rds.force_ssl", resources: rdsWithParams(rdsInstance(), params([{ name: "log_connections", value: "1" }])) },
  { rule: "rds-force-ssl", name: 'linked group sets rds.force_ssl "0"', expect: "fail", message: 'set rds.force_ssl to "0"', resources: rdsWithParams(rdsInstance(), params([{ name: "rds.force_ssl", value: "0" }])) },
  { rule: "rds-force-ssl", name: "linked group's parameters unknown at preview", expect: "undecided", resources: rdsWithParams(rdsInstance(), params(UNKNOWN.array)) },
  {
    rule: "rds-force-ssl",
    name: "non-matching link: the instance uses the weak group, a TLS group exists unused",
    expect: "fail",
    message: "parameter group weak-params",
    resources: [
      { type: RDS_PARAMETER_GROUP, name: "db-params", props: parameterGroup() },
      { type: RDS_PARAMETER_GROUP, name: "weak-params", props: patch(parameterGroup(), { name: "weak", parameters: [] }) },
      { type: RDS_INSTANCE, name: "db", props: rdsInstance(), propertyDependencies: { parameterGroupName: ["weak-params"] } },
    ],
  },
  {
    rule: "rds-force-ssl",
    name: "non-matching link: a weak group exists but no instance uses it",
    expect: "pass",
    resources: [...rdsWithParams(), { type: RDS_PARAMETER_GROUP, name: "weak-params", props: patch(parameterGroup(), { name: "weak", parameters: [] }) }],
  },
  {
    rule: "rds-force-ssl",
    name: "literal parameterGroupName matched by the group's name (fallback)",
    expect: "pass",
    resources: [
      { type: RDS_PARAMETER_GROUP, name: "db-params", props: parameterGroup() },
      { type: RDS_INSTANCE, name: "db", props: rdsInstance() },
    ],
  },
  {
    rule: "rds-force-ssl",
    name: "literal parameterGroupName names a weak group (fallback)",
    expect: "fail",
    message: "its parameters have no rds.force_ssl",
    resources: [
      { type: RDS_PARAMETER_GROUP, name: "db-params", props: params([]) },
      { type: RDS_INSTANCE, name: "db", props: rdsInstance() },
    ],
  },
  { rule: "rds-force-ssl", name: "literal parameterGroupName of a group outside the stack", expect: "fail", message: "not declared in this stack", resources: db({ parameterGroupName: "shared-postgres17" }) },
  { rule: "rds-force-ssl", name: "no parameter group on PostgreSQL 17: the default group forces TLS", expect: "pass", resources: db({ parameterGroupName: OMIT }) },
  { rule: "rds-force-ssl", name: "no parameter group nor engineVersion: AWS picks a current major", expect: "pass", resources: db({ parameterGroupName: OMIT, engineVersion: OMIT }) },
  { rule: "rds-force-ssl", name: "no parameter group on PostgreSQL 14: default rds.force_ssl is 0", expect: "fail", message: "parameterGroupName is unset (the default group)", resources: db({ parameterGroupName: OMIT, engineVersion: "14.12" }) },
  { rule: "rds-force-ssl", name: "default.postgres14 named explicitly", expect: "fail", message: 'parameterGroupName is "default.postgres14"', resources: db({ parameterGroupName: "default.postgres14", engineVersion: "14" }) },
  { rule: "rds-force-ssl", name: "default.postgres16 named explicitly", expect: "pass", resources: db({ parameterGroupName: "default.postgres16", engineVersion: "16" }) },
  { rule: "rds-force-ssl", name: "MySQL instance is not judged (rds.force_ssl is PostgreSQL's)", expect: "pass", resources: db({ engine: "mysql", parameterGroupName: OMIT }) },
  { rule: "rds-force-ssl", name: "literal parameterGroupName unknown without a link", expect: "undecided", resources: db({ parameterGroupName: UNKNOWN.string }) },
  {
    rule: "rds-force-ssl",
    name: "instance excluded by name with a reason",
    expect: "pass",
    config: { exclude: [{ resource: "db", reason: "legacy client without TLS, migrating in ISSUE-12 before the next release" }] },
    resources: rdsWithParams(rdsInstance(), params([])),
  },
];

const managedPassword: PolicyCase[] = [
  { rule: "rds-managed-master-password", name: "manageMasterUserPassword true", expect: "pass", resources: db() },
  { rule: "rds-managed-master-password", name: "write-only passwordWo", expect: "pass", resources: db({ manageMasterUserPassword: OMIT, passwordWo: "generated-elsewhere", passwordWoVersion: 1 }) },
  { rule: "rds-managed-master-password", name: "passwordWo unknown at preview still counts as set", expect: "pass", resources: db({ manageMasterUserPassword: OMIT, passwordWo: UNKNOWN.string, passwordWoVersion: 1 }) },
  { rule: "rds-managed-master-password", name: "plain password input (kept in state)", expect: "fail", message: "password is set", resources: db({ manageMasterUserPassword: OMIT, password: "s3cr3t-from-random" }) },
  { rule: "rds-managed-master-password", name: "plain password from a RandomPassword, unknown at preview", expect: "fail", message: "password is set", resources: db({ manageMasterUserPassword: OMIT, password: UNKNOWN.string }) },
  { rule: "rds-managed-master-password", name: "no password source at all", expect: "fail", message: "passwordWo is unset", resources: db({ manageMasterUserPassword: OMIT }) },
  { rule: "rds-managed-master-password", name: "manageMasterUserPassword false", expect: "fail", message: "manageMasterUserPassword is false", resources: db({ manageMasterUserPassword: false }) },
  { rule: "rds-managed-master-password", name: "restored from a snapshot with its credentials", expect: "pass", resources: db({ manageMasterUserPassword: OMIT, snapshotIdentifier: "agents-prod-final" }) },
  { rule: "rds-managed-master-password", name: "read replica uses the source's credentials", expect: "not-applicable", reason: "read replica (replicateSourceDb)", resources: replica() },
  { rule: "rds-managed-master-password", name: "manageMasterUserPassword unknown at preview", expect: "undecided", resources: db({ manageMasterUserPassword: UNKNOWN.boolean }) },
];

const performanceInsights: PolicyCase[] = [
  { rule: "rds-performance-insights", name: "enabled with a customer-managed key", expect: "pass", resources: db() },
  { rule: "rds-performance-insights", name: "performanceInsightsEnabled omitted", expect: "fail", level: "advisory", message: "performanceInsightsEnabled is unset", resources: db({ performanceInsightsEnabled: OMIT }) },
  { rule: "rds-performance-insights", name: "enabled without performanceInsightsKmsKeyId", expect: "fail", message: "performanceInsightsKmsKeyId is unset", resources: db({ performanceInsightsKmsKeyId: OMIT }) },
  { rule: "rds-performance-insights", name: "performanceInsightsEnabled unknown at preview", expect: "undecided", resources: db({ performanceInsightsEnabled: UNKNOWN.boolean }) },
];

const enhancedMonitoring: PolicyCase[] = [
  { rule: "rds-enhanced-monitoring", name: "60 s with a monitoring role", expect: "pass", resources: db() },
  { rule: "rds-enhanced-monitoring", name: "monitoringInterval omitted (off)", expect: "fail", message: "monitoringInterval is unset (default 0: off)", resources: db({ monitoringInterval: OMIT }) },
  { rule: "rds-enhanced-monitoring", name: "monitoringInterval 0", expect: "fail", message: "monitoringInterval is 0", resources: db({ monitoringInterval: 0 }) },
  { rule: "rds-enhanced-monitoring", name: "monitoringInterval 45 is not an allowed interval", expect: "fail", message: "monitoringInterval is 45", resources: db({ monitoringInterval: 45 }) },
  { rule: "rds-enhanced-monitoring", name: "monitoringRoleArn omitted", expect: "fail", message: "monitoringRoleArn is unset", resources: db({ monitoringRoleArn: OMIT }) },
  { rule: "rds-enhanced-monitoring", name: "monitoringInterval unknown at preview", expect: "undecided", resources: db({ monitoringInterval: UNKNOWN.number }) },
];

const caCert: PolicyCase[] = [
  { rule: "rds-ca-cert", name: "rds-ca-rsa2048-g1", expect: "pass", resources: db() },
  { rule: "rds-ca-cert", name: "caCertIdentifier omitted: new instances get rds-ca-rsa2048-g1", expect: "pass", resources: db({ caCertIdentifier: OMIT }) },
  { rule: "rds-ca-cert", name: "expired rds-ca-2019", expect: "fail", message: 'caCertIdentifier is "rds-ca-2019"', resources: db({ caCertIdentifier: "rds-ca-2019" }) },
  { rule: "rds-ca-cert", name: "caCertIdentifier unknown at preview", expect: "undecided", resources: db({ caCertIdentifier: UNKNOWN.string }) },
];

const copyTags: PolicyCase[] = [
  { rule: "rds-copy-tags", name: "copyTagsToSnapshot true", expect: "pass", resources: db() },
  { rule: "rds-copy-tags", name: "copyTagsToSnapshot omitted (default false)", expect: "fail", message: "copyTagsToSnapshot is unset (default false)", resources: db({ copyTagsToSnapshot: OMIT }) },
  { rule: "rds-copy-tags", name: "copyTagsToSnapshot false", expect: "fail", message: "copyTagsToSnapshot is false", resources: db({ copyTagsToSnapshot: false }) },
  { rule: "rds-copy-tags", name: "copyTagsToSnapshot unknown at preview", expect: "undecided", resources: db({ copyTagsToSnapshot: UNKNOWN.boolean }) },
];

const customUsername: PolicyCase[] = [
  { rule: "rds-custom-username", name: "platform_admin", expect: "pass", resources: db() },
  { rule: "rds-custom-username", name: "username postgres", expect: "fail", message: 'username is "postgres"', resources: db({ username: "postgres" }) },
  { rule: "rds-custom-username", name: "username Admin (case-insensitive)", expect: "fail", message: 'username is "Admin"', resources: db({ username: "Admin" }) },
  { rule: "rds-custom-username", name: "username omitted", expect: "fail", message: "username is unset", resources: db({ username: OMIT }) },
  { rule: "rds-custom-username", name: "config adds platform_admin to the defaults", expect: "fail", message: 'username is "platform_admin", a default admin name', config: { defaultNames: ["platform_admin"] }, resources: db() },
  { rule: "rds-custom-username", name: "read replica inherits the admin user", expect: "not-applicable", reason: "read replica (replicateSourceDb)", resources: replica() },
  { rule: "rds-custom-username", name: "restored from a snapshot keeps the snapshot's admin user", expect: "not-applicable", reason: "restored from a snapshot", resources: db({ snapshotIdentifier: "agents-prod-final", username: "postgres" }) },
  { rule: "rds-custom-username", name: "username unknown at preview", expect: "undecided", resources: db({ username: UNKNOWN.string }) },
];

const nonDefaultPort: PolicyCase[] = [
  { rule: "rds-non-default-port", name: "port 6432", expect: "pass", resources: db() },
  { rule: "rds-non-default-port", name: "port omitted: PostgreSQL listens on 5432", expect: "fail", level: "advisory", message: "port is unset, so postgres listens on its default 5432", resources: db({ port: OMIT }) },
  { rule: "rds-non-default-port", name: "port 5432 explicit", expect: "fail", message: "port is 5432, the postgres default", resources: db({ port: 5432 }) },
  { rule: "rds-non-default-port", name: "MySQL on 3306", expect: "fail", message: "port is 3306, the mysql default", resources: db({ engine: "mysql", port: 3306 }) },
  { rule: "rds-non-default-port", name: "port unknown at preview", expect: "undecided", resources: db({ port: UNKNOWN.number }) },
  { rule: "rds-non-default-port", name: "engine without a known default port", expect: "not-applicable", reason: "no default port known", resources: db({ engine: "db2-se", port: OMIT }) },
];

export const rdsCases: PolicyCase[] = [
  ...encrypted,
  ...cmk,
  ...notPublic,
  ...inVpc,
  ...backups,
  ...deletionProtection,
  ...finalSnapshot,
  ...multiAz,
  ...iamAuth,
  ...minorUpgrades,
  ...logging,
  ...forceSsl,
  ...managedPassword,
  ...performanceInsights,
  ...enhancedMonitoring,
  ...caCert,
  ...copyTags,
  ...customUsername,
  ...nonDefaultPort,
];
