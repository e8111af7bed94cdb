import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createIrsaRole } from "./irsa-role";

/** The tag the controller puts on every load balancer, target group and security group it owns. */
const OWNED = "elbv2.k8s.aws/cluster";

/**
 * IAM policy of the AWS Load Balancer Controller, for ALBs behind Ingresses: read what it must inspect; create,
 * change and delete only load balancers, target groups, listeners, rules and security groups that carry its
 * ownership tag, and never hand that tag to something it did not create. Security-group rules only inside the
 * cluster's VPC. No WAF, Shield or Cognito permissions: the platform turns those features off in the chart.
 */
export function loadBalancerControllerPolicy(vpcId: string): string {
  const owned = { Null: { [`aws:ResourceTag/${OWNED}`]: "false" } };
  const requestsOwnership = { Null: { [`aws:RequestTag/${OWNED}`]: "false" } };
  // Resource types instead of "*" wherever the action supports resource-level permissions (the pack's
  // iam-no-star-resource): the tag conditions then only narrow what the ARNs already bound.
  const securityGroups = "arn:aws:ec2:*:*:security-group/*";
  const balancers = ["arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*", "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*"];
  const targetGroups = "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*";
  const elbObjects = [
    ...balancers, targetGroups,
    "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*", "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
    "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*/*", "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*/*",
  ];
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ServiceLinkedRole", Effect: "Allow", Action: "iam:CreateServiceLinkedRole",
        Resource: "arn:aws:iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing",
        Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
      },
      {
        // These actions have no resource-level permissions: "*" is the only possible Resource.
        Sid: "Read", Effect: "Allow", Resource: "*",
        Action: ["ec2:Describe*", "ec2:GetSecurityGroupsForVpc", "elasticloadbalancing:Describe*", "acm:ListCertificates"],
      },
      {
        Sid: "ReadCertificates", Effect: "Allow", Action: "acm:DescribeCertificate", Resource: "arn:aws:acm:*:*:certificate/*",
      },
      {
        // CreateSecurityGroup is authorised against the VPC and the new group: the VPC must be the cluster's,
        // the group must be created with the ownership tag.
        Sid: "CreateSecurityGroupsInTheVpc", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: `arn:aws:ec2:*:*:vpc/${vpcId}`,
      },
      {
        Sid: "CreateOwnedSecurityGroups", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: "arn:aws:ec2:*:*:security-group/*",
        Condition: requestsOwnership,
      },
      {
        Sid: "TagOnCreate", Effect: "Allow", Action: "ec2:CreateTags", Resource: "arn:aws:ec2:*:*:security-group/*",
        Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...requestsOwnership },
      },
      {
        Sid: "ManageOwnedSecurityGroups", Effect: "Allow", Resource: securityGroups, Condition: owned,
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags"],
      },
      {
        // The controller also opens the nodes' (cluster) security group to its load balancers' group: only in this VPC.
        Sid: "OpenTargetsInTheVpc", Effect: "Allow", Resource: securityGroups,
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
        Condition: { ArnLike: { "ec2:Vpc": `arn:aws:ec2:*:*:vpc/${vpcId}` } },
      },
      {
        Sid: "CreateOwnedBalancers", Effect: "Allow", Resource: [...balancers, targetGroups],
        Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
        Condition: requestsOwnership,
      },
      {
        Sid: "TagOnCreate2", Effect: "Allow", Resource: elbObjects, Action: "elasticloadbalancing:AddTags",
        Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateLoadBalancer", "CreateTargetGroup", "CreateListener", "CreateRule"] } },
      },
      {
        // On what it owns it may change other tags, but never add or remove the ownership tag itself.
        Sid: "RetagOwned", Effect: "Allow", Resource: elbObjects, Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Condition: { Null: { [`aws:RequestTag/${OWNED}`]: "true", [`aws:ResourceTag/${OWNED}`]: "false" } },
      },
      {
        // Listeners and rules hang off an owned load balancer; they carry the tag too.
        Sid: "ListenersOnOwnedBalancers", Effect: "Allow", Resource: elbObjects, Condition: owned,
        Action: [
          "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule",
          "elasticloadbalancing:ModifyRule",
        ],
      },
      {
        Sid: "ManageOwnedBalancers", Effect: "Allow", Resource: elbObjects, Condition: owned,
        Action: [
          "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups",
          "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
          "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
        ],
      },
    ],
  });
}

export interface LoadBalancerControllerArgs {
  clusterName: pulumi.Input<string>;
  region: string;
  vpcId: pulumi.Input<string>;
  oidcProviderArn: pulumi.Input<string>;
  oidcIssuerUrl: pulumi.Input<string>;
  /** Helm chart version, pinned. Default 1.13.0 (controller v2.13.0). */
  chartVersion?: string;
  provider: k8s.Provider;
}

/**
 * The AWS Load Balancer Controller: turns the platform's Ingress into an ALB. Installed from its Helm chart
 * (pinned) in kube-system, two replicas, its ServiceAccount bound to an IRSA role with the policy above; the
 * Service mutator webhook is off so it never takes over other LoadBalancer Services, and WAF and Shield are off.
 */
export class LoadBalancerController extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: LoadBalancerControllerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:cluster:LoadBalancerController", name, {}, opts);
    const serviceAccount = "aws-load-balancer-controller";
    const role: aws.iam.Role = createIrsaRole(`${name}-irsa`, {
      oidcProviderArn: args.oidcProviderArn, oidcIssuerUrl: args.oidcIssuerUrl, namespace: "kube-system", serviceAccount,
      inlinePolicy: pulumi.output(args.vpcId).apply(loadBalancerControllerPolicy),
    }, { parent: this });

    new k8s.helm.v3.Release(`${name}-chart`, {
      name: "aws-load-balancer-controller",
      chart: "aws-load-balancer-controller",
      version: args.chartVersion ?? "1.13.0",
      repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
      namespace: "kube-system",
      atomic: true,
      values: {
        clusterName: args.clusterName,
        region: args.region,
        vpcId: args.vpcId,
        replicaCount: 2,
        enableServiceMutatorWebhook: false,
        // The policy grants no WAF or Shield calls; left on, the controller calls them and the Ingress never gets an address.
        enableWaf: false,
        enableWafv2: false,
        enableShield: false,
        serviceAccount: { create: true, name: serviceAccount, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
      },
    }, { parent: this, provider: args.provider });

    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
