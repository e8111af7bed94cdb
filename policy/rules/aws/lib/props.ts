/**
 * Readers the data-service rules share: presence checks that do not touch a value (so a secret that is unknown at
 * preview still counts as set), AWS type tokens, engine facts and name globs.
 */
import type { Props } from "../../../lib/rule";
import { get, isRecord, show } from "../../../lib/values";

export const RDS_INSTANCE = "aws:rds/instance:Instance";
export const RDS_CLUSTER = "aws:rds/cluster:Cluster";
export const RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
export const RDS_PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup";
export const CACHE_REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
export const CACHE_CLUSTER = "aws:elasticache/cluster:Cluster";
export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
export const SECRET = "aws:secretsmanager/secret:Secret";
export const SECRET_ROTATION = "aws:secretsmanager/secretRotation:SecretRotation";
export const KMS_KEY = "aws:kms/key:Key";
export const KMS_REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey";
export const KMS_EXTERNAL_KEY = "aws:kms/externalKey:ExternalKey";
export const KMS_KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy";
/** Every KMS key resource that carries its own key policy, lockout flag and deletion window. */
export const KMS_KEY_TYPES = [KMS_KEY, KMS_REPLICA_KEY, KMS_EXTERNAL_KEY] as const;

/**
 * Whether `key` is set on `obj`, without reading the value through the engine's proxy: a password or token that is
 * unknown until `pulumi up` is still set. Only for presence: a rule that needs the value must read it (and let an
 * unknown throw).
 */
export function isSet(obj: unknown, key: string): boolean {
  if (!isRecord(obj)) return false;
  const desc = Object.getOwnPropertyDescriptor(obj, key);
  if (!desc) return false;
  const raw: unknown = "value" in desc ? desc.value : undefined;
  return raw !== undefined && raw !== null && raw !== "";
}

/** `isSet` along a dotted path; the steps before the last are read (and may throw when unknown). */
export function isSetAt(obj: unknown, path: string): boolean {
  const steps = path.split(".");
  const last = steps.pop() ?? path;
  const parent = steps.length > 0 ? get(obj, steps.join(".")) : obj;
  return isSet(parent, last);
}

/** `field is unset (default …)` or `field is <value>`: the opening of most messages. */
export function describe(field: string, value: unknown, unsetMeans?: string): string {
  return value === undefined || value === null ? `${field} is unset${unsetMeans ? ` (${unsetMeans})` : ""}` : `${field} is ${show(value)}`;
}

/** A read replica takes its data, backups and credentials from the source instance. */
export function isReadReplica(props: Props): boolean {
  return isSet(props, "replicateSourceDb");
}

/** The RDS engine, lower-cased; undefined when unset (replicas and snapshot restores inherit it). */
export function rdsEngine(props: Props): string | undefined {
  const engine = props["engine"];
  return typeof engine === "string" ? engine.toLowerCase() : undefined;
}

export function isPostgres(engine: string | undefined): boolean {
  return engine === "postgres" || engine === "aurora-postgresql";
}

/**
 * What is wrong with a resource's `kmsKeyId` as a customer-managed key, or undefined when it names one. `whenUnset`
 * says what the service falls back to. Presence is read without touching the value (an ARN from a key created in the
 * same update is unknown at preview, and still a customer-managed key).
 */
export function customerManagedKeyProblem(props: Props, whenUnset: string): string | undefined {
  const wanted = "it must be the ARN of a customer-managed KMS key.";
  if (!isSet(props, "kmsKeyId")) return `kmsKeyId is unset, so ${whenUnset}; ${wanted}`;
  const key = props["kmsKeyId"];
  if (typeof key === "string" && isAwsManagedKeyRef(key)) return `kmsKeyId is ${show(key)}, an AWS managed key; ${wanted}`;
  if (isRecord(key)) return `kmsKeyId is ${show(key)}; ${wanted}`;
  return undefined;
}

/** AWS managed keys (`alias/aws/<service>`) are not customer-managed: their key policy cannot be scoped. */
export function isAwsManagedKeyRef(ref: string): boolean {
  return /(^|:)alias\/aws\//.test(ref);
}

/** "1.34" -> [1, 34]; undefined when the text is not a version. */
export function parseVersion(v: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function versionAtLeast(v: [number, number], min: [number, number]): boolean {
  return v[0] !== min[0] ? v[0] > min[0] : v[1] >= min[1];
}
