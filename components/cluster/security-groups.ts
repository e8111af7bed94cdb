import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface ClientOnlySecurityGroupArgs {
  vpcId: pulumi.Input<string>;
  /** The one TCP port admitted. */
  port: number;
  /** The only source: the cluster's (node or pod) security group. */
  clientSecurityGroupId: pulumi.Input<string>;
  description: string;
}

/**
 * A security group that admits one TCP port from one security group and nothing else. No inline rules, so the
 * provider removes AWS's default allow-all egress: a managed database or cache needs none.
 */
export function createClientOnlySecurityGroup(name: string, args: ClientOnlySecurityGroupArgs, opts: pulumi.CustomResourceOptions): aws.ec2.SecurityGroup {
  const sg = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpcId, description: args.description }, opts);
  new aws.vpc.SecurityGroupIngressRule(`${name}-from-cluster`, {
    securityGroupId: sg.id, referencedSecurityGroupId: args.clientSecurityGroupId, ipProtocol: "tcp", fromPort: args.port, toPort: args.port,
    description: `port ${args.port} from the cluster nodes and pods`,
  }, opts);
  return sg;
}
