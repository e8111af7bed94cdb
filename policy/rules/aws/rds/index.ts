/**
 * RDS rules (catalogue §3.1, §5.2): encryption, network exposure, backups and deletion, availability, access,
 * logging, TLS and the hygiene rows. Read replicas take backups, credentials and the admin name from their source,
 * so those rules are not applicable to them (ctx.notApplicable); everything else applies to them as well.
 */
import { always, prodOnly, type Props, type ResourceRule, type StackRule } from "../../../lib/rule";
import type { StackResource } from "../../../lib/stack-view";
import { num, records, show, str, strings } from "../../../lib/values";
import {
  describe,
  customerManagedKeyProblem,
  isPostgres,
  isReadReplica,
  isSet,
  rdsEngine,
  RDS_CLUSTER,
  RDS_CLUSTER_INSTANCE,
  RDS_INSTANCE,
  RDS_PARAMETER_GROUP,
} from "../lib/props";

export const rdsEncrypted: ResourceRule = {
  kind: "resource",
  id: "rds-encrypted",
  title: "RDS storage encrypted at rest",
  description: "RDS instances and clusters set storageEncrypted: true (a cross-region read replica may instead name its kmsKeyId, the field AWS reads for it).",
  severity: "critical",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "RDS.3" },
    { framework: "FSBP", id: "RDS.27" },
    { framework: "CKV", id: "CKV_AWS_16" },
    { framework: "CKV", id: "CKV_AWS_96" },
    { framework: "AVD", id: "AWS-0080" },
    { framework: "AVD", id: "AWS-0079" },
  ],
  remediation: "Set storageEncrypted: true (and kmsKeyId to a customer-managed key). Encryption cannot be switched on in place: restore an encrypted snapshot copy into a new instance.",
  targets: [RDS_INSTANCE, RDS_CLUSTER],
  validate({ props }, { report }) {
    const encrypted = props["storageEncrypted"];
    if (encrypted === true) return;
    if (encrypted === undefined && isReadReplica(props) && isSet(props, "kmsKeyId")) return;
    report(`${describe("storageEncrypted", encrypted, "default false: unencrypted")}; it must be true.`);
  },
};

export const rdsCmk: ResourceRule = {
  kind: "resource",
  id: "rds-cmk",
  title: "RDS encrypted with a customer-managed key",
  description: "RDS instances and clusters name a customer-managed KMS key in kmsKeyId, not the AWS managed aws/rds key.",
  severity: "medium",
  enforcement: always("advisory"),
  references: [{ framework: "CKV", id: "CKV_AWS_327" }],
  remediation: "Create an aws.kms.Key (rotation on) and pass its ARN as kmsKeyId; its key policy then decides who can read snapshots.",
  targets: [RDS_INSTANCE, RDS_CLUSTER],
  validate({ props }, { report }) {
    const problem = customerManagedKeyProblem(props, "RDS uses the AWS managed key aws/rds");
    if (problem) report(problem);
  },
};

export const rdsNotPublic: ResourceRule = {
  kind: "resource",
  id: "rds-not-public",
  title: "RDS not publicly accessible",
  description: "RDS instances and Aurora cluster instances do not set publiclyAccessible: true.",
  severity: "critical",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "RDS.2" },
    { framework: "CKV", id: "CKV_AWS_17" },
    { framework: "AVD", id: "AWS-0180" },
  ],
  remediation: "Set publiclyAccessible: false (the default) and reach the database from inside the VPC.",
  targets: [RDS_INSTANCE, RDS_CLUSTER_INSTANCE],
  validate({ props }, { report }) {
    const value = props["publiclyAccessible"];
    if (value === true) report("publiclyAccessible is true; it must be false or unset (default false) so the endpoint has no public address.");
  },
};

export const rdsInVpc: ResourceRule = {
  kind: "resource",
  id: "rds-in-vpc",
  title: "RDS in the stack's own subnets",
  description: "RDS instances and clusters name a DB subnet group (dbSubnetGroupName) other than `default`, so they run in chosen (private) subnets, not the default VPC.",
  severity: "high",
  enforcement: always("mandatory"),
  references: [{ framework: "FSBP", id: "RDS.18" }],
  remediation: "Create an aws.rds.SubnetGroup over the VPC's private subnets and pass its name as dbSubnetGroupName.",
  targets: [RDS_INSTANCE, RDS_CLUSTER],
  validate({ props }, { report }) {
    if (!isSet(props, "dbSubnetGroupName")) {
      report("dbSubnetGroupName is unset, so RDS places the database in the default VPC; it must name a subnet group of private subnets.");
      return;
    }
    const name = str(props["dbSubnetGroupName"]);
    if (name !== undefined && name.toLowerCase() === "default") report(`dbSubnetGroupName is ${show(name)} (the default VPC's subnets); it must name a subnet group of private subnets.`);
  },
};

export const rdsBackups: ResourceRule = {
  kind: "resource",
  id: "rds-backups",
  title: "RDS automated backups kept long enough",
  description: "RDS instances set backupRetentionPeriod explicitly to at least the configured minimum (default 7 days); read replicas are not backed up and the rule does not apply to them.",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "RDS.11" },
    { framework: "CKV", id: "CKV_AWS_133" },
    { framework: "AVD", id: "AWS-0077" },
  ],
  remediation: "Set backupRetentionPeriod to 7 or more days (up to 35).",
  targets: [RDS_INSTANCE],
  configSchema: { minRetentionDays: { type: "integer", default: 7, description: "Smallest accepted backupRetentionPeriod, days (FSBP RDS.11 default 7)." } },
  validate({ props }, { config, report, notApplicable }) {
    if (isReadReplica(props)) notApplicable("read replica (replicateSourceDb): RDS keeps no automated backups of it; the source's backupRetentionPeriod applies");
    const min = num(config["minRetentionDays"]) ?? 7;
    const value = props["backupRetentionPeriod"];
    const days = num(value);
    if (value === undefined || value === null) report(`backupRetentionPeriod is unset (tools disagree on the default: 1 or 7 days); it must be set explicitly to at least ${min}.`);
    else if (days === undefined || days < min) report(`backupRetentionPeriod is ${show(value)}; it must be at least ${min} days${days === 0 ? " (0 turns automated backups off)" : ""}.`);
  },
};

export const rdsDeletionProtection: ResourceRule = {
  kind: "resource",
  id: "rds-deletion-protection",
  title: "RDS deletion protection",
  description: "RDS instances set deletionProtection: true (mandatory in prod, advisory in dev).",
  severity: "high",
  enforcement: prodOnly,
  references: [
    { framework: "FSBP", id: "RDS.8" },
    { framework: "CKV", id: "CKV_AWS_293" },
    { framework: "AVD", id: "AWS-0177" },
  ],
  remediation: "Set deletionProtection: true; switch it off in a separate update before a deliberate delete.",
  targets: [RDS_INSTANCE],
  validate({ props }, { report }) {
    const value = props["deletionProtection"];
    if (value !== true) report(`${describe("deletionProtection", value, "default false")}; it must be true.`);
  },
};

export const rdsFinalSnapshot: ResourceRule = {
  kind: "resource",
  id: "rds-final-snapshot",
  title: "RDS final snapshot on delete",
  description: "RDS instances keep a final snapshot when deleted: skipFinalSnapshot is not true and finalSnapshotIdentifier is set (mandatory in prod, advisory in dev); the rule does not apply to read replicas.",
  severity: "medium",
  enforcement: prodOnly,
  references: [{ framework: "custom", id: "rds-final-snapshot" }],
  remediation: "Set skipFinalSnapshot: false and finalSnapshotIdentifier to a name unique to the instance.",
  targets: [RDS_INSTANCE],
  validate({ props }, { report, notApplicable }) {
    if (isReadReplica(props)) notApplicable("read replica (replicateSourceDb): RDS takes no final snapshot of a replica; the source keeps the data");
    const skip = props["skipFinalSnapshot"];
    if (skip === true) report("skipFinalSnapshot is true, so deleting the instance loses its data; it must be false or unset.");
    if (!isSet(props, "finalSnapshotIdentifier")) report("finalSnapshotIdentifier is unset, so RDS cannot take the final snapshot; it must name the snapshot.");
  },
};

export const rdsMultiAz: ResourceRule = {
  kind: "resource",
  id: "rds-multi-az",
  title: "RDS Multi-AZ",
  description: "RDS instances set multiAz: true, a synchronous standby in a second zone (mandatory in prod, advisory in dev).",
  severity: "medium",
  enforcement: prodOnly,
  references: [
    { framework: "FSBP", id: "RDS.5" },
    { framework: "CKV", id: "CKV_AWS_157" },
  ],
  remediation: "Set multiAz: true and give the subnet group subnets in two or more zones.",
  targets: [RDS_INSTANCE],
  validate({ props }, { report }) {
    const value = props["multiAz"];
    if (value !== true) report(`${describe("multiAz", value, "default false")}; it must be true.`);
  },
};

/** Engines that support IAM database authentication. */
const IAM_AUTH_ENGINES = new Set(["postgres", "mysql", "mariadb", "aurora-postgresql", "aurora-mysql"]);

export const rdsIamAuth: ResourceRule = {
  kind: "resource",
  id: "rds-iam-auth",
  title: "RDS IAM database authentication",
  description: "RDS PostgreSQL/MySQL/MariaDB instances set iamDatabaseAuthenticationEnabled: true, so people and pods can log in with short-lived IAM tokens.",
  severity: "medium",
  enforcement: always("advisory"),
  references: [
    { framework: "FSBP", id: "RDS.10" },
    { framework: "CKV", id: "CKV_AWS_161" },
    { framework: "AVD", id: "AWS-0176" },
  ],
  remediation: "Set iamDatabaseAuthenticationEnabled: true and grant rds_iam to the roles that log in with IAM.",
  targets: [RDS_INSTANCE],
  validate({ props }, { report, notApplicable }) {
    const engine = rdsEngine(props);
    if (engine !== undefined && !IAM_AUTH_ENGINES.has(engine)) notApplicable(`engine ${show(engine)} does not support IAM database authentication`);
    const value = props["iamDatabaseAuthenticationEnabled"];
    if (value !== true) report(`${describe("iamDatabaseAuthenticationEnabled", value, "default false")}; it must be true.`);
  },
};

export const rdsMinorUpgrades: ResourceRule = {
  kind: "resource",
  id: "rds-minor-upgrades",
  title: "RDS automatic minor version upgrades",
  description: "RDS instances do not set autoMinorVersionUpgrade: false, so security patches arrive in the maintenance window.",
  severity: "medium",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "RDS.13" },
    { framework: "CKV", id: "CKV_AWS_226" },
  ],
  remediation: "Set autoMinorVersionUpgrade: true (the default) and pin only the major version in engineVersion.",
  targets: [RDS_INSTANCE],
  validate({ props }, { report }) {
    const value = props["autoMinorVersionUpgrade"];
    if (value === false) report("autoMinorVersionUpgrade is false; it must be true or unset (default true).");
  },
};

/** Log types each engine must export (FSBP RDS.9); other engines must export at least one. */
const REQUIRED_LOGS: Record<string, string[]> = {
  postgres: ["postgresql", "upgrade"],
  mysql: ["audit", "error", "general", "slowquery"],
  mariadb: ["audit", "error", "general", "slowquery"],
};

export const rdsLogging: ResourceRule = {
  kind: "resource",
  id: "rds-logging",
  title: "RDS logs exported to CloudWatch",
  description: "RDS instances export their engine logs: enabledCloudwatchLogsExports includes postgresql and upgrade for PostgreSQL (audit, error, general, slowquery for MySQL/MariaDB; at least one otherwise).",
  severity: "medium",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "RDS.9" },
    { framework: "FSBP", id: "RDS.36" },
    { framework: "CKV", id: "CKV_AWS_129" },
  ],
  remediation: 'Set enabledCloudwatchLogsExports: ["postgresql", "upgrade"] (and a retention on the /aws/rds/instance/<id>/* log groups).',
  targets: [RDS_INSTANCE],
  validate({ props }, { report }) {
    const engine = rdsEngine(props);
    const value = props["enabledCloudwatchLogsExports"];
    const exported = strings(value);
    const required = engine !== undefined ? REQUIRED_LOGS[engine] : undefined;
    if (!required) {
      if (exported.length === 0) report(`${describe("enabledCloudwatchLogsExports", value, "no logs exported")}; it must list the engine's log types.`);
      return;
    }
    const missing = required.filter((t) => !exported.includes(t));
    if (missing.length > 0) report(`${describe("enabledCloudwatchLogsExports", value, "no logs exported")}; it must include ${show(required)} for ${engine} (missing ${show(missing)}).`);
  },
};

/** PostgreSQL major versions from which the default parameter group has rds.force_ssl = 1. */
const FORCE_SSL_DEFAULT_FROM = 15;

function majorOf(version: unknown): number | undefined {
  const m = typeof version === "string" ? /^(\d+)/.exec(version) : undefined;
  return m ? Number(m[1]) : typeof version === "number" ? Math.floor(version) : undefined;
}

/** Why the group does not force TLS, or undefined when it does. */
function forceSslGap(group: StackResource): string | undefined {
  const params = records(group.props["parameters"]);
  const p = params.find((x) => x["name"] === "rds.force_ssl");
  if (!p) return `its parameters have no rds.force_ssl`;
  const value = p["value"];
  if (value === "1" || value === 1) return undefined;
  return `its parameters set rds.force_ssl to ${show(value)}`;
}

export const rdsForceSsl: StackRule = {
  kind: "stack",
  id: "rds-force-ssl",
  title: "RDS PostgreSQL forces TLS",
  description:
    "Every RDS PostgreSQL instance uses a parameter group with rds.force_ssl = 1: the aws.rds.ParameterGroup its parameterGroupName was computed from (or, for a literal name, the group of that name in the stack), or the default group of PostgreSQL 15 and later, which forces TLS.",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "RDS.38" },
    { framework: "CKV", id: "CKV2_AWS_69" },
  ],
  remediation: 'Create an aws.rds.ParameterGroup (family postgresNN) with parameters [{ name: "rds.force_ssl", value: "1" }] and pass its name as the instance\'s parameterGroupName.',
  targets: [RDS_INSTANCE, RDS_PARAMETER_GROUP],
  validate(stack, { report }) {
    let byName: Map<string, StackResource[]> | undefined;
    const groupsNamed = (name: string): StackResource[] => {
      if (!byName) {
        byName = new Map();
        for (const g of stack.ofType(RDS_PARAMETER_GROUP)) {
          const n = str(g.props["name"]);
          if (n !== undefined) byName.set(n, [...(byName.get(n) ?? []), g]);
        }
      }
      return byName.get(name) ?? [];
    };

    for (const instance of stack.ofType(RDS_INSTANCE)) {
      const props: Props = instance.props;
      if (!isPostgres(rdsEngine(props))) continue;
      let groups = (instance.propertyDependencies["parameterGroupName"] ?? []).filter((d) => d.type === RDS_PARAMETER_GROUP);
      if (groups.length === 0) {
        const name = props["parameterGroupName"];
        if (name === undefined || name === null || (typeof name === "string" && name.startsWith("default."))) {
          // The default group: from PostgreSQL 15 it forces TLS. With engineVersion unset AWS picks a current major.
          const version = props["engineVersion"];
          const major = typeof name === "string" ? majorOf(name.slice("default.postgres".length)) : majorOf(version);
          if (major !== undefined ? major >= FORCE_SSL_DEFAULT_FROM : typeof name !== "string" && (version === undefined || version === null)) continue;
          report(
            `${instance.name}: ${describe("parameterGroupName", name, "the default group")} on PostgreSQL ${show(version)}, whose default group leaves rds.force_ssl at 0; it must name a parameter group with rds.force_ssl = "1".`,
            instance.urn,
          );
          continue;
        }
        groups = typeof name === "string" ? groupsNamed(name) : [];
        if (groups.length === 0) {
          report(`${instance.name}: parameterGroupName is ${show(name)}, a group not declared in this stack, so rds.force_ssl cannot be verified; declare the aws.rds.ParameterGroup here with rds.force_ssl = "1".`, instance.urn);
          continue;
        }
      }
      for (const g of groups) {
        const gap = forceSslGap(g);
        if (gap) report(`${instance.name}: parameterGroupName is the parameter group ${g.name}, and ${gap}; it must set rds.force_ssl to "1" so clients cannot connect without TLS.`, instance.urn);
      }
    }
  },
};

export const rdsManagedMasterPassword: ResourceRule = {
  kind: "resource",
  id: "rds-managed-master-password",
  title: "RDS master password not in code or state",
  description:
    "RDS instances let RDS manage the master password in Secrets Manager (manageMasterUserPassword: true) or pass it write-only (passwordWo), never as the plain password input, which Pulumi keeps in state; the rule does not apply to read replicas.",
  severity: "high",
  enforcement: always("mandatory"),
  references: [{ framework: "custom", id: "rds-managed-master-password" }],
  remediation: "Set manageMasterUserPassword: true (and masterUserSecretKmsKeyId), or pass the generated password as passwordWo with passwordWoVersion, and drop password.",
  targets: [RDS_INSTANCE],
  validate({ props }, { report, notApplicable }) {
    if (isReadReplica(props)) notApplicable("read replica (replicateSourceDb): it uses the source's master credentials");
    if (isSet(props, "password")) {
      report("password is set: the master password is a plain input kept in the Pulumi state; use manageMasterUserPassword: true or the write-only passwordWo instead.");
      return;
    }
    if (props["manageMasterUserPassword"] === true || isSet(props, "passwordWo")) return;
    if (isSet(props, "snapshotIdentifier")) return; // restored with the snapshot's credentials
    report(`${describe("manageMasterUserPassword", props["manageMasterUserPassword"])} and passwordWo is unset; one of them must provide the master password (manageMasterUserPassword: true preferred).`);
  },
};

export const rdsPerformanceInsights: ResourceRule = {
  kind: "resource",
  id: "rds-performance-insights",
  title: "RDS Performance Insights, encrypted with a customer-managed key",
  description: "RDS instances set performanceInsightsEnabled: true and performanceInsightsKmsKeyId (Performance Insights data holds query text).",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "CKV", id: "CKV_AWS_353" },
    { framework: "CKV", id: "CKV_AWS_354" },
    { framework: "AVD", id: "AWS-0133" },
    { framework: "AVD", id: "AWS-0078" },
  ],
  remediation: "Set performanceInsightsEnabled: true and performanceInsightsKmsKeyId to the database's customer-managed key.",
  targets: [RDS_INSTANCE],
  validate({ props }, { report }) {
    const enabled = props["performanceInsightsEnabled"];
    if (enabled !== true) {
      report(`${describe("performanceInsightsEnabled", enabled, "default false")}; it must be true.`);
      return;
    }
    if (!isSet(props, "performanceInsightsKmsKeyId")) report("performanceInsightsKmsKeyId is unset, so Performance Insights uses the AWS managed key; it must be a customer-managed KMS key ARN.");
  },
};

const MONITORING_INTERVALS = [1, 5, 10, 15, 30, 60];

export const rdsEnhancedMonitoring: ResourceRule = {
  kind: "resource",
  id: "rds-enhanced-monitoring",
  title: "RDS enhanced monitoring",
  description: "RDS instances set monitoringInterval to one of 1, 5, 10, 15, 30 or 60 seconds and a monitoringRoleArn.",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "FSBP", id: "RDS.6" },
    { framework: "CKV", id: "CKV_AWS_118" },
  ],
  remediation: "Set monitoringInterval: 60 (or shorter) and monitoringRoleArn to a role with AmazonRDSEnhancedMonitoringRole.",
  targets: [RDS_INSTANCE],
  validate({ props }, { report }) {
    const value = props["monitoringInterval"];
    const n = num(value);
    if (n === undefined || !MONITORING_INTERVALS.includes(n)) {
      report(`${describe("monitoringInterval", value, "default 0: off")}; it must be one of ${MONITORING_INTERVALS.join(", ")} seconds.`);
      return;
    }
    if (!isSet(props, "monitoringRoleArn")) report("monitoringRoleArn is unset; enhanced monitoring needs a role RDS can assume.");
  },
};

const CURRENT_CAS = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"];

export const rdsCaCert: ResourceRule = {
  kind: "resource",
  id: "rds-ca-cert",
  title: "RDS uses a current CA",
  description: "RDS instances leave caCertIdentifier unset (new instances get rds-ca-rsa2048-g1) or set one of rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1.",
  severity: "low",
  enforcement: always("advisory"),
  references: [{ framework: "CKV", id: "CKV_AWS_211" }],
  remediation: 'Set caCertIdentifier: "rds-ca-rsa2048-g1" (or rds-ca-rsa4096-g1 / rds-ca-ecc384-g1) and trust the matching RDS CA bundle in clients.',
  targets: [RDS_INSTANCE],
  validate({ props }, { report }) {
    const value = props["caCertIdentifier"];
    if (value === undefined || value === null) return;
    if (typeof value !== "string" || !CURRENT_CAS.includes(value)) report(`caCertIdentifier is ${show(value)}; it must be one of ${CURRENT_CAS.join(", ")}.`);
  },
};

export const rdsCopyTags: ResourceRule = {
  kind: "resource",
  id: "rds-copy-tags",
  title: "RDS copies tags to snapshots",
  description: "RDS instances set copyTagsToSnapshot: true, so snapshots carry the owner and environment tags.",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "FSBP", id: "RDS.17" },
    { framework: "CKV", id: "CKV2_AWS_60" },
  ],
  remediation: "Set copyTagsToSnapshot: true.",
  targets: [RDS_INSTANCE],
  validate({ props }, { report }) {
    const value = props["copyTagsToSnapshot"];
    if (value !== true) report(`${describe("copyTagsToSnapshot", value, "default false")}; it must be true.`);
  },
};

export const rdsCustomUsername: ResourceRule = {
  kind: "resource",
  id: "rds-custom-username",
  title: "RDS admin user is not a default name",
  description: "RDS instances set username to a name other than the well-known defaults (postgres, admin, root, sa, …); the rule does not apply to read replicas and instances restored from a snapshot, which inherit the admin user.",
  severity: "low",
  enforcement: always("advisory"),
  references: [{ framework: "FSBP", id: "RDS.25" }],
  remediation: "Set username to a name specific to the deployment, e.g. platform_admin.",
  targets: [RDS_INSTANCE],
  configSchema: {
    defaultNames: {
      type: "array",
      items: { type: "string" },
      default: ["postgres", "admin", "root", "sa", "master", "administrator", "rdsadmin"],
      description: "Admin user names that count as defaults (compared case-insensitively).",
    },
  },
  validate({ props }, { config, report, notApplicable }) {
    if (isReadReplica(props)) notApplicable("read replica (replicateSourceDb): it inherits the source's admin user");
    if (isSet(props, "snapshotIdentifier")) notApplicable("restored from a snapshot (snapshotIdentifier): it keeps the snapshot's admin user");
    const value = props["username"];
    const defaults = strings(config["defaultNames"]).map((n) => n.toLowerCase());
    if (typeof value !== "string") report(`${describe("username", value)}; it must be set to a name other than ${defaults.join(", ")}.`);
    else if (defaults.includes(value.toLowerCase())) report(`username is ${show(value)}, a default admin name; it must be something else (not ${defaults.join(", ")}).`);
  },
};

const DEFAULT_PORTS: Record<string, number> = {
  postgres: 5432,
  "aurora-postgresql": 5432,
  mysql: 3306,
  mariadb: 3306,
  "aurora-mysql": 3306,
  "oracle-ee": 1521,
  "oracle-se2": 1521,
  "sqlserver-ee": 1433,
  "sqlserver-se": 1433,
  "sqlserver-ex": 1433,
  "sqlserver-web": 1433,
};

export const rdsNonDefaultPort: ResourceRule = {
  kind: "resource",
  id: "rds-non-default-port",
  title: "RDS listens on a non-default port",
  description: "RDS instances set port to something other than the engine's default (5432 for PostgreSQL): defence in depth against untargeted scans only.",
  severity: "low",
  enforcement: always("advisory"),
  references: [{ framework: "FSBP", id: "RDS.23" }],
  remediation: "Set port to a non-default value (e.g. 6432) and pass it to clients; keep the security group as the real control.",
  targets: [RDS_INSTANCE],
  validate({ props }, { report, notApplicable }) {
    const engine = rdsEngine(props);
    const standard = engine !== undefined ? DEFAULT_PORTS[engine] : undefined;
    const value = props["port"];
    if (standard === undefined) notApplicable(`no default port known for engine ${show(engine)}`);
    if (value === undefined || value === null) report(`port is unset, so ${engine} listens on its default ${standard}; it must be another port.`);
    else if (num(value) === standard) report(`port is ${show(value)}, the ${engine} default; it must be another port.`);
  },
};

export const rdsRules = [
  rdsEncrypted,
  rdsCmk,
  rdsNotPublic,
  rdsInVpc,
  rdsBackups,
  rdsDeletionProtection,
  rdsFinalSnapshot,
  rdsMultiAz,
  rdsIamAuth,
  rdsMinorUpgrades,
  rdsLogging,
  rdsForceSsl,
  rdsManagedMasterPassword,
  rdsPerformanceInsights,
  rdsEnhancedMonitoring,
  rdsCaCert,
  rdsCopyTags,
  rdsCustomUsername,
  rdsNonDefaultPort,
];
