/**
 * ElastiCache Redis/Valkey rules (catalogue §3.2, §5.2). Memcached has none of these features, so the rules are not
 * applicable to Memcached clusters; a cache cluster that joins a replication group (replicationGroupId) takes its
 * settings from the group, which the rules check instead, so they are not applicable to it either.
 */
import { always, prodOnly, type Props, type ResourceRule } from "../../../lib/rule";
import { num, show, str } from "../../../lib/values";
import { CACHE_CLUSTER, CACHE_REPLICATION_GROUP, describe, customerManagedKeyProblem, isSet } from "../lib/props";

/** The engine of a replication group or cluster, lower-cased; a replication group defaults to redis. */
function engineOf(type: string, props: Props): string | undefined {
  const engine = props["engine"];
  if (typeof engine === "string") return engine.toLowerCase();
  return type === CACHE_REPLICATION_GROUP ? "redis" : undefined;
}

/**
 * The Redis/Valkey rules judge a resource themselves unless it is Memcached (none of these features exist for it) or a
 * cache cluster that joins a replication group (the group's settings apply, and the rules check the group): for those
 * the rule is not applicable.
 */
function judge(type: string, props: Props, notApplicable: (reason: string) => never): void {
  if (engineOf(type, props) === "memcached") notApplicable("Memcached: the Redis/Valkey setting this rule checks does not exist for it");
  if (type === CACHE_CLUSTER && isSet(props, "replicationGroupId")) notApplicable("member of a replication group (replicationGroupId): the group's settings apply, and the rule checks the group");
}

export const redisAtRestEncryption: ResourceRule = {
  kind: "resource",
  id: "redis-at-rest-encryption",
  title: "ElastiCache encrypted at rest",
  description: "Redis/Valkey replication groups set atRestEncryptionEnabled: true (unset is accepted only for Valkey, where it defaults to true).",
  severity: "critical",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "ElastiCache.4" },
    { framework: "CKV", id: "CKV_AWS_29" },
    { framework: "AVD", id: "AWS-0045" },
  ],
  remediation: "Set atRestEncryptionEnabled: true (and kmsKeyId). It cannot be changed in place: the group is replaced.",
  targets: [CACHE_REPLICATION_GROUP],
  validate({ type, props }, { report, notApplicable }) {
    judge(type, props, notApplicable);
    const value = props["atRestEncryptionEnabled"];
    if (value === true) return;
    const engine = engineOf(type, props);
    if ((value === undefined || value === null) && engine === "valkey") return;
    report(`${describe("atRestEncryptionEnabled", value, `default false for ${engine ?? "redis"}`)}; it must be true.`);
  },
};

export const redisCmk: ResourceRule = {
  kind: "resource",
  id: "redis-cmk",
  title: "ElastiCache encrypted with a customer-managed key",
  description: "Redis/Valkey replication groups name a customer-managed KMS key in kmsKeyId for at-rest encryption.",
  severity: "medium",
  enforcement: always("advisory"),
  references: [{ framework: "CKV", id: "CKV_AWS_191" }],
  remediation: "Create an aws.kms.Key (rotation on) and pass its ARN as kmsKeyId together with atRestEncryptionEnabled: true.",
  targets: [CACHE_REPLICATION_GROUP],
  validate({ type, props }, { report, notApplicable }) {
    judge(type, props, notApplicable);
    const problem = customerManagedKeyProblem(props, "ElastiCache encrypts with an AWS owned key");
    if (problem) report(problem);
  },
};

export const redisInTransitEncryption: ResourceRule = {
  kind: "resource",
  id: "redis-in-transit-encryption",
  title: "ElastiCache requires TLS",
  description: 'Redis/Valkey replication groups set transitEncryptionEnabled: true and do not set transitEncryptionMode: "preferred", which still accepts plaintext clients.',
  severity: "critical",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "ElastiCache.5" },
    { framework: "CKV", id: "CKV_AWS_30" },
    { framework: "AVD", id: "AWS-0051" },
  ],
  remediation: 'Set transitEncryptionEnabled: true and transitEncryptionMode: "required" ("preferred" only for the migration step in between).',
  targets: [CACHE_REPLICATION_GROUP],
  validate({ type, props }, { report, notApplicable }) {
    judge(type, props, notApplicable);
    const enabled = props["transitEncryptionEnabled"];
    if (enabled !== true) {
      report(`${describe("transitEncryptionEnabled", enabled, "default false")}; it must be true.`);
      return;
    }
    const mode = props["transitEncryptionMode"];
    if (typeof mode === "string" && mode.toLowerCase() === "preferred") report(`transitEncryptionMode is ${show(mode)}, which also accepts plaintext connections; it must be "required" or unset (required).`);
  },
};

export const redisAuth: ResourceRule = {
  kind: "resource",
  id: "redis-auth",
  title: "ElastiCache requires authentication",
  description: "Redis/Valkey replication groups use TLS and authenticate clients: an AUTH token (authToken or the write-only authTokenWo) or RBAC user groups (userGroupIds).",
  severity: "critical",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "ElastiCache.6" },
    { framework: "CKV", id: "CKV_AWS_31" },
  ],
  remediation: "Set transitEncryptionEnabled: true and either userGroupIds (RBAC, Redis 6+) or authTokenWo with authTokenWoVersion.",
  targets: [CACHE_REPLICATION_GROUP],
  validate({ type, props }, { report, notApplicable }) {
    judge(type, props, notApplicable);
    const transit = props["transitEncryptionEnabled"];
    if (transit !== true) report(`${describe("transitEncryptionEnabled", transit, "default false")}: AUTH needs TLS; it must be true.`);
    if (isSet(props, "authToken") || isSet(props, "authTokenWo")) return;
    const groups = props["userGroupIds"];
    if (Array.isArray(groups) && groups.length > 0) return;
    report(`authToken and authTokenWo are unset and ${describe("userGroupIds", groups)}; one of them must authenticate clients (userGroupIds for RBAC, or authTokenWo).`);
  },
};

/** Why the group cannot fail over for lack of replicas, or undefined. */
function replicaGap(props: Props): string | undefined {
  if (props["replicasPerNodeGroup"] !== undefined || props["numNodeGroups"] !== undefined) {
    const replicas = num(props["replicasPerNodeGroup"]) ?? 0;
    return replicas >= 1 ? undefined : `${describe("replicasPerNodeGroup", props["replicasPerNodeGroup"], "default 0")}; failover needs at least 1 replica per shard`;
  }
  const nodes = num(props["numCacheClusters"]) ?? 1;
  return nodes >= 2 ? undefined : `${describe("numCacheClusters", props["numCacheClusters"], "default 1")}; failover needs at least 2 nodes`;
}

export const redisFailover: ResourceRule = {
  kind: "resource",
  id: "redis-failover",
  title: "ElastiCache automatic failover",
  description: "Redis/Valkey replication groups set automaticFailoverEnabled: true with at least one replica (numCacheClusters ≥ 2 or replicasPerNodeGroup ≥ 1); mandatory in prod, advisory in dev.",
  severity: "medium",
  enforcement: prodOnly,
  references: [
    { framework: "FSBP", id: "ElastiCache.3" },
    { framework: "CKV", id: "CKV2_AWS_50" },
  ],
  remediation: "Set automaticFailoverEnabled: true and numCacheClusters: 2 or more (or replicasPerNodeGroup ≥ 1 with cluster mode).",
  targets: [CACHE_REPLICATION_GROUP],
  validate({ type, props }, { report, notApplicable }) {
    judge(type, props, notApplicable);
    const value = props["automaticFailoverEnabled"];
    if (value !== true) {
      report(`${describe("automaticFailoverEnabled", value, "default false")}; it must be true.`);
      return;
    }
    const gap = replicaGap(props);
    if (gap) report(`automaticFailoverEnabled is true but ${gap}.`);
  },
};

export const redisMultiAz: ResourceRule = {
  kind: "resource",
  id: "redis-multi-az",
  title: "ElastiCache Multi-AZ",
  description: "Redis/Valkey replication groups set multiAzEnabled: true, so replicas sit in other zones and failover survives a zone outage (mandatory in prod, advisory in dev).",
  severity: "medium",
  enforcement: prodOnly,
  references: [{ framework: "custom", id: "redis-multi-az" }, { framework: "FSBP", id: "ElastiCache.3" }],
  remediation: "Set multiAzEnabled: true (with automaticFailoverEnabled: true) and a subnet group spanning two or more zones.",
  targets: [CACHE_REPLICATION_GROUP],
  validate({ type, props }, { report, notApplicable }) {
    judge(type, props, notApplicable);
    const value = props["multiAzEnabled"];
    if (value !== true) report(`${describe("multiAzEnabled", value, "default false")}; it must be true.`);
  },
};

export const redisBackups: ResourceRule = {
  kind: "resource",
  id: "redis-backups",
  title: "ElastiCache automatic backups",
  description: "Redis/Valkey replication groups and standalone clusters set snapshotRetentionLimit to at least the configured minimum (default 1 day; 0 or unset means no backups).",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "ElastiCache.1" },
    { framework: "CKV", id: "CKV_AWS_134" },
    { framework: "AVD", id: "AWS-0050" },
  ],
  remediation: "Set snapshotRetentionLimit (days, e.g. 7) and a snapshotWindow outside peak hours.",
  targets: [CACHE_REPLICATION_GROUP, CACHE_CLUSTER],
  configSchema: { minRetentionDays: { type: "integer", default: 1, description: "Smallest accepted snapshotRetentionLimit, days (FSBP ElastiCache.1 default 1)." } },
  validate({ type, props }, { config, report, notApplicable }) {
    judge(type, props, notApplicable);
    const min = num(config["minRetentionDays"]) ?? 1;
    const value = props["snapshotRetentionLimit"];
    const days = num(value);
    if (days === undefined || days < min) report(`${describe("snapshotRetentionLimit", value, "default 0: no backups")}; it must be at least ${min} day${min === 1 ? "" : "s"}.`);
  },
};

export const redisMinorUpgrades: ResourceRule = {
  kind: "resource",
  id: "redis-minor-upgrades",
  title: "ElastiCache automatic minor version upgrades",
  description: "Redis/Valkey replication groups and standalone clusters do not set autoMinorVersionUpgrade: false.",
  severity: "medium",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "ElastiCache.2" },
    { framework: "CKV", id: "CKV_AWS_322" },
  ],
  remediation: "Set autoMinorVersionUpgrade: true (the default) and a maintenanceWindow.",
  targets: [CACHE_REPLICATION_GROUP, CACHE_CLUSTER],
  validate({ type, props }, { report, notApplicable }) {
    judge(type, props, notApplicable);
    // A boolean on ReplicationGroup, a string ("true"/"false") on the standalone Cluster (@pulumi/aws 7 inputs).
    const value = props["autoMinorVersionUpgrade"];
    if (value === false || (typeof value === "string" && value.trim().toLowerCase() === "false")) {
      report(`autoMinorVersionUpgrade is ${show(value)}; it must be true or unset (default true).`);
    }
  },
};

export const redisSubnetGroup: ResourceRule = {
  kind: "resource",
  id: "redis-subnet-group",
  title: "ElastiCache in the stack's own subnets",
  description: "Redis/Valkey replication groups and standalone clusters name a subnet group (subnetGroupName) other than `default`.",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "ElastiCache.7" },
    { framework: "CKV", id: "CKV_AWS_323" },
  ],
  remediation: "Create an aws.elasticache.SubnetGroup over the VPC's private subnets and pass its name as subnetGroupName.",
  targets: [CACHE_REPLICATION_GROUP, CACHE_CLUSTER],
  validate({ type, props }, { report, notApplicable }) {
    judge(type, props, notApplicable);
    if (!isSet(props, "subnetGroupName")) {
      report("subnetGroupName is unset, so ElastiCache uses the default subnet group; it must name a subnet group of private subnets.");
      return;
    }
    const name = str(props["subnetGroupName"]);
    if (name !== undefined && name.toLowerCase() === "default") report(`subnetGroupName is ${show(name)}; it must name a subnet group of private subnets, not the default one.`);
  },
};

export const elastiCacheRules = [
  redisAtRestEncryption,
  redisCmk,
  redisInTransitEncryption,
  redisAuth,
  redisFailover,
  redisMultiAz,
  redisBackups,
  redisMinorUpgrades,
  redisSubnetGroup,
];
