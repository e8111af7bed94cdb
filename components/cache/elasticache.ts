import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createClientOnlySecurityGroup } from "../cluster/security-groups";
import { createKmsKey } from "../secrets/kms-key";

export interface ElastiCacheArgs {
  /** Physical name prefix, unique in the account and region. Required. */
  physicalName: string;
  /** redis or valkey. Required. */
  engine: string;
  /** Engine version such as 8.0. Required. */
  engineVersion: string;
  /** Node type such as cache.t4g.small. Required. */
  nodeType: string;
  /** Nodes: primary plus replicas. Required (at least 2 with automatic failover). */
  numNodes: number;
  /** Automatic failover and Multi-AZ. Default true. */
  automaticFailover?: boolean;
  /** Days snapshots are kept. Default 7. */
  snapshotRetentionDays?: number;
  /** VPC, private subnets and the one security group admitted on 6379. Required. */
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  clientSecurityGroupId: pulumi.Input<string>;
}

/**
 * An ElastiCache replication group as terraform-aws-elasticache builds it by default (encryption in transit and at
 * rest), plus a customer-managed key, Multi-AZ with automatic failover, retained snapshots, slow-log delivery and
 * one security group admitted. No AUTH token: the server's client cannot send one and the TLS sidecar is a plain
 * TCP proxy (docs/decisions/0008-redis-tls-sidecar.md).
 */
/** The replication group id for a stack's physical name (ElastiCache allows 40 characters); the alert rules name it too. */
export function replicationGroupIdOf(physicalName: string): string {
  return `${physicalName}-cache`.slice(0, 40);
}

export class ElastiCacheRedis extends pulumi.ComponentResource {
  public readonly primaryEndpoint: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  public readonly replicationGroupArn: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: ElastiCacheArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:cache:ElastiCacheRedis", name, {}, opts);
    const child = { parent: this };
    const failover = args.automaticFailover ?? true;

    const key = createKmsKey(`${name}-key`, `${args.physicalName}-cache`, `Encrypts ElastiCache data and snapshots of ${args.physicalName}`, child);
    const subnets = new aws.elasticache.SubnetGroup(`${name}-subnets`, {
      name: `${args.physicalName}-cache`, subnetIds: args.subnetIds, description: `Private subnets of ${args.physicalName}`,
    }, child);
    const sg = createClientOnlySecurityGroup(name, {
      vpcId: args.vpcId, port: 6379, clientSecurityGroupId: args.clientSecurityGroupId, description: `Redis of ${args.physicalName}: 6379 from the cluster only`,
    }, child);
    const slowLog = new aws.cloudwatch.LogGroup(`${name}-slow-log`, { name: `/aws/elasticache/${args.physicalName}/slow-log`, retentionInDays: 30 }, child);

    const group = new aws.elasticache.ReplicationGroup(`${name}-group`, {
      replicationGroupId: replicationGroupIdOf(args.physicalName),
      description: `Shared Redis of agent platform ${args.physicalName}: locks, streams, caches`,
      engine: args.engine,
      engineVersion: args.engineVersion,
      nodeType: args.nodeType,
      numCacheClusters: args.numNodes,
      port: 6379,
      automaticFailoverEnabled: failover,
      multiAzEnabled: failover,
      atRestEncryptionEnabled: true,
      kmsKeyId: key.arn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      subnetGroupName: subnets.name,
      securityGroupIds: [sg.id],
      snapshotRetentionLimit: args.snapshotRetentionDays ?? 7,
      snapshotWindow: "01:00-02:00",
      maintenanceWindow: "sun:05:30-sun:06:30",
      autoMinorVersionUpgrade: true,
      applyImmediately: false,
      logDeliveryConfigurations: [{ destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" }],
    }, child);

    this.primaryEndpoint = group.primaryEndpointAddress;
    this.port = pulumi.output(6379);
    this.replicationGroupArn = group.arn;
    this.securityGroupId = sg.id;
    this.registerOutputs({ primaryEndpoint: this.primaryEndpoint, port: this.port, replicationGroupArn: this.replicationGroupArn, securityGroupId: this.securityGroupId });
  }
}
