import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CACHE_CLIENT_LABEL, ElastiCacheRedis, InClusterRedis, SIDECAR_LISTEN, envoyConfig, tlsSidecarContainer } from "../cache";
import { CacheMode, DatabaseMode, Environment, type PlatformConfig } from "../config";
import { AdminSecretAccess } from "../database/admin-secret-access";
import { DATABASE_CLIENT_LABEL, DatabaseJobs, PostgresStatefulSet, RdsPostgres, type DatabaseEndpoint } from "../database";
import { platformLabels } from "../workload/namespace";
import type { PlatformPriorityClasses } from "../workload/priority-classes";

/** Where RDS and ElastiCache go: the cluster's VPC, its private subnets, and the security group they admit. */
export interface AwsNetwork {
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  clientSecurityGroupId: pulumi.Input<string>;
}

export interface DataTierArgs {
  instance: string;
  physicalName: string;
  config: PlatformConfig;
  namespace: pulumi.Input<string>;
  provider: k8s.Provider;
  /** Required when the database or cache runs on AWS. */
  network?: AwsNetwork;
  /** StorageClass for the in-cluster database's volume. Default: the cluster's default. */
  storageClassName?: string;
  /** Options for AWS children (the explicit AWS provider). */
  awsOpts: pulumi.ComponentResourceOptions;
  /** The server image the migrations Job runs (server.image, or the digest of the built image). */
  serverImage: pulumi.Input<string>;
  /** The Secret holding LETTA_ENCRYPTION_KEY, for the migrations Job. */
  credentialsSecretName?: pulumi.Input<string>;
  /** KMS key for application credentials in Secrets Manager; unset: kept in Kubernetes only. */
  secretsKmsKeyArn?: pulumi.Input<string>;
  /** PriorityClasses: batch for the Jobs, serving for the in-cluster data stores. Default: none set. */
  priorityClasses?: PlatformPriorityClasses;
  /**
   * database.mode=rds: what the bootstrap Job needs to read the RDS-managed admin secret at run time: an image with
   * the AWS CLI (the backup image), the cluster's OIDC provider (IRSA) and the region.
   */
  adminSecretReader?: { image: pulumi.Input<string>; oidc: { providerArn: pulumi.Input<string>; issuerUrl: pulumi.Input<string> }; region: string };
}

export interface DataTier {
  database: RdsPostgres | PostgresStatefulSet;
  endpoint: DatabaseEndpoint;
  jobs: DatabaseJobs;
  cache: ElastiCacheRedis | InClusterRedis;
  /** Where the server's Redis client connects. */
  redis: { host: pulumi.Output<string>; port: pulumi.Output<number> };
  /** The endpoint of the cache itself (ElastiCache primary, or the in-cluster Service). */
  cacheEndpoint: pulumi.Output<string>;
  sidecars?: { containers: k8s.types.input.core.v1.Container[]; volumes: k8s.types.input.core.v1.Volume[] };
  /** Labels the server's pods need to be admitted to the database and cache. */
  clientLabels: Record<string, string>;
}

function requireNetwork(network: AwsNetwork | undefined, what: string): AwsNetwork {
  // The config schema already demands the network keys for an existing cluster; this guards programmatic use.
  if (!network) throw new Error(`${what} needs the cluster's VPC, private subnets and security group`);
  return network;
}

/** Postgres and Redis in the mode the config chooses, the bootstrap and migrations Jobs, and what the server needs. */
export function buildDataTier(parent: pulumi.Resource, args: DataTierArgs): DataTier {
  const { config, instance } = args;
  const child = { parent };

  let database: RdsPostgres | PostgresStatefulSet;
  if (config.database.mode === DatabaseMode.Rds) {
    const network = requireNetwork(args.network, "database.mode=rds");
    database = new RdsPostgres(`${instance}-database`, {
      physicalName: args.physicalName,
      engineVersion: config.database.engineVersion,
      instanceClass: config.database.instanceClass,
      allocatedStorageGb: config.database.allocatedStorageGb,
      maxAllocatedStorageGb: config.database.maxAllocatedStorageGb,
      multiAz: config.database.multiAz,
      deletionProtection: config.database.deletionProtection,
      allowMajorVersionUpgrade: config.database.allowMajorVersionUpgrade,
      protect: config.environment === Environment.Prod,
      backupRetentionDays: config.database.backupRetentionDays, port: config.database.port,
      vpcId: network.vpcId, subnetIds: network.privateSubnetIds, clientSecurityGroupId: network.clientSecurityGroupId,
    }, args.awsOpts);
  } else {
    database = new PostgresStatefulSet(`${instance}-database`, {
      namespace: args.namespace, instance, image: config.database.image, maxConnections: config.database.maxConnections,
      storageSize: config.database.storageSize, ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}), provider: args.provider,
      ...(args.priorityClasses ? { priorityClassName: args.priorityClasses.serving } : {}),
    }, child);
  }

  let adminSecretReader: { image: pulumi.Input<string>; serviceAccountName: pulumi.Input<string>; region: string } | undefined;
  const adminSecret = database.endpoint.adminSecretsManager;
  if (adminSecret) {
    const reader = args.adminSecretReader;
    if (!reader) throw new Error("database.mode=rds: the bootstrap Job reads the RDS-managed admin secret with the backup image and an IRSA role (adminSecretReader)");
    const access = new AdminSecretAccess(`${instance}-database-admin-secret`, {
      instance, namespace: args.namespace, secret: adminSecret, region: reader.region, oidc: reader.oidc, provider: args.provider,
    }, args.awsOpts);
    adminSecretReader = { image: reader.image, serviceAccountName: access.serviceAccountName, region: reader.region };
  }

  const jobs = new DatabaseJobs(`${instance}-database-jobs`, {
    namespace: args.namespace, instance, endpoint: database.endpoint, clientImage: config.database.image, serverImage: args.serverImage, provider: args.provider,
    appPasswordVersion: config.database.appPasswordVersion, ...(adminSecretReader ? { adminSecretReader } : {}),
    ...(args.credentialsSecretName ? { encryptionKeySecret: { name: args.credentialsSecretName, key: "LETTA_ENCRYPTION_KEY" } } : {}),
    ...(args.secretsKmsKeyArn ? { awsSecretsManager: { kmsKeyArn: args.secretsKmsKeyArn, namePrefix: args.physicalName } } : {}),
    ...(args.priorityClasses ? { priorityClassName: args.priorityClasses.batch } : {}),
  }, { parent, dependsOn: [database], ...(args.awsOpts.providers ? { providers: args.awsOpts.providers } : {}) });

  const clientLabels: Record<string, string> = { [DATABASE_CLIENT_LABEL]: "true" };
  if (config.cache.mode === CacheMode.ElastiCache) {
    const network = requireNetwork(args.network, "cache.mode=elasticache");
    const cache = new ElastiCacheRedis(`${instance}-cache`, {
      physicalName: args.physicalName, engine: config.cache.engine, engineVersion: config.cache.engineVersion, nodeType: config.cache.nodeType,
      numNodes: config.cache.numNodes, automaticFailover: config.cache.automaticFailover, snapshotRetentionDays: config.cache.snapshotRetentionDays,
      vpcId: network.vpcId, subnetIds: network.privateSubnetIds, clientSecurityGroupId: network.clientSecurityGroupId,
    }, args.awsOpts);
    const proxyConfig = new k8s.core.v1.ConfigMap(`${instance}-redis-tls`, {
      metadata: { name: `${instance}-redis-tls`, namespace: args.namespace, labels: platformLabels(instance, "cache") },
      data: { "envoy.json": pulumi.all([cache.primaryEndpoint, cache.port]).apply(([host, port]) => envoyConfig(host, port)) },
    }, { parent, provider: args.provider });
    const sidecar = tlsSidecarContainer(config.cache.tlsProxyImage, proxyConfig.metadata.name);
    return {
      database, endpoint: database.endpoint, jobs, cache, clientLabels,
      redis: { host: pulumi.output(SIDECAR_LISTEN.host), port: pulumi.output(SIDECAR_LISTEN.port) },
      cacheEndpoint: cache.primaryEndpoint,
      sidecars: { containers: [sidecar.container], volumes: [sidecar.volume] },
    };
  }
  const cache = new InClusterRedis(`${instance}-cache`, { namespace: args.namespace, instance, image: config.cache.image, provider: args.provider,
    ...(args.priorityClasses ? { priorityClassName: args.priorityClasses.serving } : {}) }, child);
  clientLabels[CACHE_CLIENT_LABEL] = "true";
  return { database, endpoint: database.endpoint, jobs, cache, clientLabels, redis: { host: cache.host, port: cache.port }, cacheEndpoint: cache.host };
}
