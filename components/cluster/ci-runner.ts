import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface CiRunnerArgs {
  /** CodeBuild project name; workflows address it as `runs-on: codebuild-<name>-${{ github.run_id }}-${{ github.run_attempt }}`. Required. */
  projectName: string;
  /** The GitHub repository whose queued workflow jobs the runner takes (https://github.com/OWNER/REPO). Required. */
  repositoryUrl: string;
  /** ARN of an AVAILABLE CodeConnections (or CodeStar Connections) connection to GitHub. Required. */
  connectionArn: string;
  /** The VPC and the private subnets the runner's network interfaces go in. Required. */
  vpcId: pulumi.Input<string>;
  vpcCidr: pulumi.Input<string>;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security group of the EKS control plane's private endpoint: it gets one rule admitting the runner on 443. Required. */
  clusterSecurityGroupId: pulumi.Input<string>;
  /** Days the runner's build logs are kept. Default 90. */
  logRetentionDays?: number;
}

/**
 * A CodeBuild-hosted GitHub Actions runner in the cluster's private subnets: the one place CI can reach a private
 * EKS API endpoint from. Every queued workflow job of the repository that asks for this project's label starts an
 * ephemeral build (AWS: codebuild/latest/userguide/action-runner-overview.html and
 * sample-github-action-runners-update-labels.html). The runner's own role can only run builds in the VPC and write
 * their logs; the jobs assume the deploy or preview role through GitHub's OIDC provider, as on a hosted runner.
 * Privileged mode is on because the prod stack builds images with Docker (image.build, the backup image).
 */
export class CiRunner extends pulumi.ComponentResource {
  /** The label prefix workflows put in `runs-on`. */
  public readonly runsOnPrefix: pulumi.Output<string>;
  /** The runner's security group (what the cluster endpoint admits). */
  public readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: CiRunnerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:cluster:CiRunner", name, {}, opts);
    const child = { parent: this };

    const logs = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: `/aws/codebuild/${args.projectName}`, retentionInDays: args.logRetentionDays ?? 90 }, child);

    // Out: HTTPS (GitHub, the Pulumi Cloud, AWS APIs, registries) and HTTP (Debian's apt in image builds) through
    // the NAT gateways, DNS to the VPC resolver. In: nothing.
    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpcId, description: `CI runner ${args.projectName}: egress only` }, child);
    const egress = (rule: string, ipProtocol: string, port: number, cidrIpv4: pulumi.Input<string>, description: string) =>
      new aws.vpc.SecurityGroupEgressRule(`${name}-${rule}`, { securityGroupId: sg.id, ipProtocol, fromPort: port, toPort: port, cidrIpv4, description }, child);
    egress("https", "tcp", 443, "0.0.0.0/0", "HTTPS to GitHub, Pulumi Cloud, AWS APIs and registries");
    egress("http", "tcp", 80, "0.0.0.0/0", "HTTP for Debian package mirrors in image builds");
    egress("dns-udp", "udp", 53, args.vpcCidr, "DNS to the VPC resolver");
    egress("dns-tcp", "tcp", 53, args.vpcCidr, "DNS to the VPC resolver");
    new aws.vpc.SecurityGroupIngressRule(`${name}-to-eks-api`, {
      securityGroupId: args.clusterSecurityGroupId, referencedSecurityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443,
      description: `EKS API from CI runner ${args.projectName}`,
    }, child);

    const role = new aws.iam.Role(`${name}-role`, {
      assumeRolePolicy: aws.getCallerIdentityOutput({}, child).accountId.apply((account) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole",
          // Only CodeBuild acting for this account (the confused-deputy guard).
          Condition: { StringEquals: { "aws:SourceAccount": account } },
        }],
      })),
    }, child);
    const subnetArns = pulumi.output(args.subnetIds).apply((ids) => ids.map((id) => `arn:aws:ec2:*:*:subnet/${id}`));
    new aws.iam.RolePolicy(`${name}-role`, {
      role: role.id,
      policy: pulumi.all([logs.arn, subnetArns]).apply(([logArn, subnets]) => ciRunnerPolicy(logArn, args.connectionArn, subnets)),
    }, child);

    const project = new aws.codebuild.Project(`${name}-project`, {
      name: args.projectName,
      description: `GitHub Actions runner for ${args.repositoryUrl} inside the VPC`,
      serviceRole: role.arn,
      artifacts: { type: "NO_ARTIFACTS" },
      source: { type: "GITHUB", location: args.repositoryUrl, auth: { type: "CODECONNECTIONS", resource: args.connectionArn } },
      environment: {
        type: "LINUX_CONTAINER", computeType: "BUILD_GENERAL1_MEDIUM", image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
        imagePullCredentialsType: "CODEBUILD", privilegedMode: true,
      },
      vpcConfig: { vpcId: args.vpcId, subnets: args.subnetIds, securityGroupIds: [sg.id] },
      logsConfig: { cloudwatchLogs: { groupName: logs.name, status: "ENABLED" }, s3Logs: { status: "DISABLED" } },
      buildTimeout: 120,
    }, child);
    new aws.codebuild.Webhook(`${name}-webhook`, {
      projectName: project.name, buildType: "BUILD",
      filterGroups: [{ filters: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }],
    }, child);

    this.runsOnPrefix = pulumi.interpolate`codebuild-${project.name}`;
    this.securityGroupId = sg.id;
    this.registerOutputs({ runsOnPrefix: this.runsOnPrefix, securityGroupId: this.securityGroupId });
  }
}

/**
 * The CodeBuild service role of a runner in a VPC: network interfaces in the listed subnets only (AWS:
 * codebuild/latest/userguide/auth-and-access-control-iam-identity-based-access-control.html#customer-managed-policies-example-create-vpc-network-interface),
 * its log group, and the GitHub connection.
 */
export function ciRunnerPolicy(logGroupArn: string, connectionArn: string, subnetArns: string[]): string {
  const service = connectionArn.split(":")[2] ?? "codeconnections";
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "DescribeTheNetwork", Effect: "Allow", Resource: "*", Action: ["ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"] },
      {
        Sid: "NetworkInterfaces", Effect: "Allow", Action: ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"],
        Resource: ["arn:aws:ec2:*:*:network-interface/*", "arn:aws:ec2:*:*:subnet/*", "arn:aws:ec2:*:*:security-group/*"],
      },
      {
        Sid: "AttachInTheSubnets", Effect: "Allow", Action: "ec2:CreateNetworkInterfacePermission", Resource: "arn:aws:ec2:*:*:network-interface/*",
        Condition: { ArnEquals: { "ec2:Subnet": subnetArns }, StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" } },
      },
      { Sid: "BuildLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [logGroupArn, `${logGroupArn}:*`] },
      // The action prefix follows the connection's service: codeconnections, or the older codestar-connections.
      { Sid: "GitHubConnection", Effect: "Allow", Action: ["GetConnectionToken", "GetConnection", "UseConnection"].map((a) => `${service}:${a}`), Resource: connectionArn },
    ],
  });
}
