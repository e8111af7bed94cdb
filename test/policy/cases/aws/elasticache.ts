import { readExclusions } from "../../../../tools/policy/pack-config";
import type { FixtureResource, PolicyCase } from "../../support/cases";
import { CACHE_CLUSTER, CACHE_GROUP, OMIT, UNKNOWN, cacheCluster, memcachedCluster, patch, replicationGroup } from "../../fixtures/aws/data-services";

/** The group as the program names it (`<instance>-cache-group`), so the reviewed redis-auth exclusion applies. */
const group = (changes: Record<string, unknown> = {}): FixtureResource[] => [{ type: CACHE_GROUP, name: "agents-cache-group", props: patch(replicationGroup(), changes) }];
const redisGroup = (changes: Record<string, unknown> = {}) => group({ engine: "redis", ...changes });
const single = (changes: Record<string, unknown> = {}): FixtureResource[] => [{ type: CACHE_CLUSTER, name: "single", props: patch(cacheCluster(), changes) }];
const memcached = (changes: Record<string, unknown> = {}): FixtureResource[] => [{ type: CACHE_CLUSTER, name: "memcached", props: patch(memcachedCluster(), changes) }];
/** A cache cluster joining a replication group: it takes the group's settings. */
const member: FixtureResource[] = [{ type: CACHE_CLUSTER, name: "member", props: { clusterId: "agents-member", replicationGroupId: "agents-prod-cache" } }];

/** The program's ElastiCache group: TLS required, no AUTH token (docs/decisions/0008-redis-tls-sidecar.md). */
const programShape = { engine: "redis", userGroupIds: OMIT };

const atRest: PolicyCase[] = [
  { rule: "redis-at-rest-encryption", name: "atRestEncryptionEnabled true", expect: "pass", resources: group() },
  { rule: "redis-at-rest-encryption", name: "Valkey with atRestEncryptionEnabled omitted (default true)", expect: "pass", resources: group({ atRestEncryptionEnabled: OMIT, kmsKeyId: OMIT }) },
  { rule: "redis-at-rest-encryption", name: "Redis with atRestEncryptionEnabled omitted (default false)", expect: "fail", message: "atRestEncryptionEnabled is unset (default false for redis)", resources: redisGroup({ atRestEncryptionEnabled: OMIT }) },
  { rule: "redis-at-rest-encryption", name: "engine and atRestEncryptionEnabled omitted (Redis, unencrypted)", expect: "fail", message: "atRestEncryptionEnabled is unset", resources: group({ engine: OMIT, atRestEncryptionEnabled: OMIT }) },
  { rule: "redis-at-rest-encryption", name: "Valkey with atRestEncryptionEnabled false", expect: "fail", message: "atRestEncryptionEnabled is false", resources: group({ atRestEncryptionEnabled: false }) },
  { rule: "redis-at-rest-encryption", name: "Memcached replication group is not judged", expect: "not-applicable", reason: "Memcached:", resources: group({ engine: "memcached", atRestEncryptionEnabled: false }) },
  { rule: "redis-at-rest-encryption", name: "atRestEncryptionEnabled unknown at preview", expect: "undecided", resources: group({ atRestEncryptionEnabled: UNKNOWN.boolean }) },
];

const cmk: PolicyCase[] = [
  { rule: "redis-cmk", name: "kmsKeyId is a customer-managed key", expect: "pass", resources: group() },
  { rule: "redis-cmk", name: "kmsKeyId omitted", expect: "fail", level: "advisory", message: "kmsKeyId is unset", resources: group({ kmsKeyId: OMIT }) },
  { rule: "redis-cmk", name: "AWS managed alias", expect: "fail", message: "an AWS managed key", resources: group({ kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:alias/aws/elasticache" }) },
  { rule: "redis-cmk", name: "kmsKeyId unknown at preview", expect: "undecided", resources: group({ kmsKeyId: UNKNOWN.string }) },
];

const inTransit: PolicyCase[] = [
  { rule: "redis-in-transit-encryption", name: "TLS required", expect: "pass", resources: group() },
  { rule: "redis-in-transit-encryption", name: "transitEncryptionMode omitted (required)", expect: "pass", resources: group({ transitEncryptionMode: OMIT }) },
  { rule: "redis-in-transit-encryption", name: 'transitEncryptionMode "preferred" accepts plaintext', expect: "fail", message: 'transitEncryptionMode is "preferred"', resources: group({ transitEncryptionMode: "preferred" }) },
  { rule: "redis-in-transit-encryption", name: "transitEncryptionEnabled omitted (default false)", expect: "fail", message: "transitEncryptionEnabled is unset (default false)", resources: group({ transitEncryptionEnabled: OMIT, transitEncryptionMode: OMIT }) },
  { rule: "redis-in-transit-encryption", name: "transitEncryptionEnabled false", expect: "fail", message: "transitEncryptionEnabled is false", resources: group({ transitEncryptionEnabled: false }) },
  { rule: "redis-in-transit-encryption", name: "transitEncryptionMode unknown at preview", expect: "undecided", resources: group({ transitEncryptionMode: UNKNOWN.string }) },
];

const auth: PolicyCase[] = [
  { rule: "redis-auth", name: "RBAC user group", expect: "pass", resources: group() },
  { rule: "redis-auth", name: "write-only authTokenWo", expect: "pass", resources: group({ userGroupIds: OMIT, authTokenWo: "generated", authTokenWoVersion: 1 }) },
  { rule: "redis-auth", name: "authToken unknown at preview still counts as set", expect: "pass", resources: group({ userGroupIds: OMIT, authToken: UNKNOWN.string }) },
  { rule: "redis-auth", name: "no AUTH token nor user group (the program's group)", expect: "fail", message: "authToken and authTokenWo are unset", resources: group(programShape) },
  { rule: "redis-auth", name: "empty userGroupIds", expect: "fail", message: "userGroupIds is []", resources: group({ userGroupIds: [] }) },
  { rule: "redis-auth", name: "token without TLS", expect: "fail", message: "transitEncryptionEnabled is false: AUTH needs TLS", resources: group({ transitEncryptionEnabled: false, transitEncryptionMode: OMIT }) },
  {
    rule: "redis-auth",
    name: "the program's group is covered by the reviewed exclusion in policy/exclusions.json",
    expect: "not-applicable", reason: "excluded:",
    config: readExclusions()["redis-auth"] ?? {},
    resources: [{ type: CACHE_GROUP, name: "agents-cache-group", props: patch(replicationGroup(), programShape) }],
  },
  { rule: "redis-auth", name: "userGroupIds unknown at preview", expect: "undecided", resources: group({ userGroupIds: UNKNOWN.array }) },
];

const failover: PolicyCase[] = [
  { rule: "redis-failover", name: "automatic failover with 2 nodes", expect: "pass", resources: group() },
  { rule: "redis-failover", name: "automaticFailoverEnabled omitted in prod", expect: "fail", level: "mandatory", message: "automaticFailoverEnabled is unset (default false)", resources: group({ automaticFailoverEnabled: OMIT, multiAzEnabled: OMIT }) },
  { rule: "redis-failover", name: "automaticFailoverEnabled false", expect: "fail", message: "automaticFailoverEnabled is false", resources: group({ automaticFailoverEnabled: false }) },
  { rule: "redis-failover", name: "failover on but one node", expect: "fail", message: "numCacheClusters is 1; failover needs at least 2 nodes", resources: group({ numCacheClusters: 1 }) },
  { rule: "redis-failover", name: "failover on, numCacheClusters omitted (default 1)", expect: "fail", message: "numCacheClusters is unset (default 1)", resources: group({ numCacheClusters: OMIT }) },
  { rule: "redis-failover", name: "cluster mode with one replica per shard", expect: "pass", resources: group({ numCacheClusters: OMIT, numNodeGroups: 2, replicasPerNodeGroup: 1 }) },
  { rule: "redis-failover", name: "cluster mode without replicas", expect: "fail", message: "replicasPerNodeGroup is unset (default 0)", resources: group({ numCacheClusters: OMIT, numNodeGroups: 2 }) },
  { rule: "redis-failover", name: "failover off in dev is advisory", expect: "fail", message: "automaticFailoverEnabled is false; it must be true", environment: "dev", level: "advisory", resources: group({ automaticFailoverEnabled: false }) },
  { rule: "redis-failover", name: "automaticFailoverEnabled unknown at preview", expect: "undecided", resources: group({ automaticFailoverEnabled: UNKNOWN.boolean }) },
];

const multiAz: PolicyCase[] = [
  { rule: "redis-multi-az", name: "multiAzEnabled true", expect: "pass", resources: group() },
  { rule: "redis-multi-az", name: "multiAzEnabled omitted in prod", expect: "fail", level: "mandatory", message: "multiAzEnabled is unset (default false)", resources: group({ multiAzEnabled: OMIT }) },
  { rule: "redis-multi-az", name: "multiAzEnabled false in dev is advisory", expect: "fail", environment: "dev", level: "advisory", message: "multiAzEnabled is false", resources: group({ multiAzEnabled: false }) },
  { rule: "redis-multi-az", name: "multiAzEnabled unknown at preview", expect: "undecided", resources: group({ multiAzEnabled: UNKNOWN.boolean }) },
];

const backups: PolicyCase[] = [
  { rule: "redis-backups", name: "replication group keeps 7 days", expect: "pass", resources: group() },
  { rule: "redis-backups", name: "standalone cluster keeps 7 days", expect: "pass", resources: single() },
  { rule: "redis-backups", name: "snapshotRetentionLimit omitted (no backups)", expect: "fail", message: "snapshotRetentionLimit is unset (default 0: no backups)", resources: group({ snapshotRetentionLimit: OMIT }) },
  { rule: "redis-backups", name: "snapshotRetentionLimit 0", expect: "fail", message: "snapshotRetentionLimit is 0", resources: group({ snapshotRetentionLimit: 0 }) },
  { rule: "redis-backups", name: "standalone cluster without snapshots", expect: "fail", message: "snapshotRetentionLimit is unset (default 0: no backups)", resources: single({ snapshotRetentionLimit: OMIT }) },
  { rule: "redis-backups", name: "config minRetentionDays 7 rejects 3", expect: "fail", message: "it must be at least 7 days", config: { minRetentionDays: 7 }, resources: group({ snapshotRetentionLimit: 3 }) },
  { rule: "redis-backups", name: "Memcached has no backups", expect: "not-applicable", reason: "Memcached:", resources: memcached() },
  { rule: "redis-backups", name: "a member of a replication group follows the group", expect: "not-applicable", reason: "member of a replication group", resources: member },
  { rule: "redis-backups", name: "snapshotRetentionLimit unknown at preview", expect: "undecided", resources: group({ snapshotRetentionLimit: UNKNOWN.number }) },
];

const minorUpgrades: PolicyCase[] = [
  { rule: "redis-minor-upgrades", name: "autoMinorVersionUpgrade true", expect: "pass", resources: group() },
  { rule: "redis-minor-upgrades", name: "autoMinorVersionUpgrade omitted (default true)", expect: "pass", resources: group({ autoMinorVersionUpgrade: OMIT }) },
  { rule: "redis-minor-upgrades", name: "replication group autoMinorVersionUpgrade false", expect: "fail", message: "autoMinorVersionUpgrade is false;", resources: group({ autoMinorVersionUpgrade: false }) },
  { rule: "redis-minor-upgrades", name: "standalone cluster autoMinorVersionUpgrade \"false\" (a string input on Cluster)", expect: "fail", message: 'autoMinorVersionUpgrade is "false"', resources: single({ autoMinorVersionUpgrade: "false" }) },
  { rule: "redis-minor-upgrades", name: "standalone cluster autoMinorVersionUpgrade \"true\"", expect: "pass", resources: single({ autoMinorVersionUpgrade: "true" }) },
  { rule: "redis-minor-upgrades", name: "Memcached cluster is not judged", expect: "not-applicable", reason: "Memcached:", resources: memcached({ autoMinorVersionUpgrade: false }) },
  { rule: "redis-minor-upgrades", name: "autoMinorVersionUpgrade unknown at preview", expect: "undecided", resources: group({ autoMinorVersionUpgrade: UNKNOWN.boolean }) },
];

const subnetGroup: PolicyCase[] = [
  { rule: "redis-subnet-group", name: "own subnet group", expect: "pass", resources: group() },
  { rule: "redis-subnet-group", name: "subnetGroupName omitted (default subnet group)", expect: "fail", message: "subnetGroupName is unset", resources: group({ subnetGroupName: OMIT }) },
  { rule: "redis-subnet-group", name: 'subnetGroupName "default"', expect: "fail", message: 'subnetGroupName is "default"', resources: group({ subnetGroupName: "default" }) },
  { rule: "redis-subnet-group", name: "standalone cluster without subnet group", expect: "fail", message: "subnetGroupName is unset", resources: single({ subnetGroupName: OMIT }) },
  { rule: "redis-subnet-group", name: "Memcached cluster is not judged", expect: "not-applicable", reason: "Memcached:", resources: memcached() },
  { rule: "redis-subnet-group", name: "a member of a replication group follows the group", expect: "not-applicable", reason: "member of a replication group", resources: member },
  { rule: "redis-subnet-group", name: "subnetGroupName unknown at preview", expect: "undecided", resources: group({ subnetGroupName: UNKNOWN.string }) },
];

export const elastiCacheCases: PolicyCase[] = [...atRest, ...cmk, ...inTransit, ...auth, ...failover, ...multiAz, ...backups, ...minorUpgrades, ...subnetGroup];
