import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createIrsaRole } from "./irsa-role";

/** Chart 1.13.4 installs controller v2.13.4 (aws-load-balancer-controller@v2.13.4:helm/aws-load-balancer-controller/Chart.yaml). */
export const LOAD_BALANCER_CONTROLLER_CHART = "1.13.4";

/** The tag the controller puts on every load balancer, target group and security group it owns. */
const OWNED = "elbv2.k8s.aws/cluster";

/**
 * IAM policy of the AWS Load Balancer Controller: the upstream policy of the pinned version
 * (aws-load-balancer-controller@v2.13.4:docs/install/iam_policy.json, vendored in test/cluster/fixtures and compared
 * call by call in test/cluster/load-balancer-controller-policy.test.ts), with ARNs of the action's resource types
 * where upstream writes "*", and these deliberate narrowings, each a guarantee of the controller's own code:
 * - security groups are created only in the cluster's VPC (it passes its --aws-vpc-id: pkg/deploy/ec2/security_group_manager.go:75-84)
 *   and only with the ownership tag (every resource it creates carries it: pkg/deploy/tracking/provider.go:15);
 * - security-group rules change only in the cluster's VPC (its targets' groups live there);
 * - targets are registered only in target groups it owns (it creates every group it registers pods in);
 * - iam:CreateServiceLinkedRole only for Elastic Load Balancing's own role.
 * Left out, as the features that call them are off or unused here: WAF Classic, WAFv2 and Shield (turned off in the
 * chart values below), Cognito (no auth annotations), IAM server certificates (the Ingress names its ACM certificate).
 */
export function loadBalancerControllerPolicy(vpcId: string): string {
  const owned = { Null: { [`aws:ResourceTag/${OWNED}`]: "false" } };
  const requestsOwnership = { Null: { [`aws:RequestTag/${OWNED}`]: "false" } };
  // Resource types instead of "*" wherever the action supports resource-level permissions (the pack's
  // iam-no-star-resource): the ARN patterns cover every resource of the type, so they narrow nothing.
  const securityGroups = "arn:aws:ec2:*:*:security-group/*";
  const balancers = ["arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*", "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*"];
  const targetGroups = "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*";
  const listeners = ["arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*", "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*"];
  const rules = ["arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*/*", "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*/*"];
  const elbObjects = [...balancers, targetGroups, ...listeners, ...rules];
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
      { Sid: "ReadCoipPools", Effect: "Allow", Action: "ec2:GetCoipPoolUsage", Resource: "arn:aws:ec2:*:*:coip-pool/*" },
      { Sid: "ReadCertificates", Effect: "Allow", Action: "acm:DescribeCertificate", Resource: "arn:aws:acm:*:*:certificate/*" },
      {
        // CreateSecurityGroup is authorised against the VPC and the new group: the VPC must be the cluster's,
        // the group must be created with the ownership tag.
        Sid: "CreateSecurityGroupsInTheVpc", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: `arn:aws:ec2:*:*:vpc/${vpcId}`,
      },
      { Sid: "CreateOwnedSecurityGroups", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: securityGroups, Condition: requestsOwnership },
      {
        Sid: "TagOnCreate", Effect: "Allow", Action: "ec2:CreateTags", Resource: securityGroups,
        Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...requestsOwnership },
      },
      {
        // On groups it owns it may change other tags, but never add or remove the ownership tag itself.
        Sid: "RetagOwnedSecurityGroups", Effect: "Allow", Resource: securityGroups, Action: ["ec2:CreateTags", "ec2:DeleteTags"],
        Condition: { Null: { [`aws:RequestTag/${OWNED}`]: "true", [`aws:ResourceTag/${OWNED}`]: "false" } },
      },
      {
        Sid: "ManageOwnedSecurityGroups", Effect: "Allow", Resource: securityGroups, Condition: owned,
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
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
        Sid: "ListenersAndRules", Effect: "Allow", Resource: elbObjects,
        Action: [
          "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule",
          "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
          "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
        ],
      },
      {
        // On balancers and target groups it owns it may change other tags, never the ownership tag itself.
        Sid: "RetagOwnedBalancers", Effect: "Allow", Resource: [...balancers, targetGroups], Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Condition: { Null: { [`aws:RequestTag/${OWNED}`]: "true", [`aws:ResourceTag/${OWNED}`]: "false" } },
      },
      { Sid: "TagListenersAndRules", Effect: "Allow", Resource: [...listeners, ...rules], Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"] },
      {
        Sid: "TagOnCreate2", Effect: "Allow", Resource: [...balancers, targetGroups], Action: "elasticloadbalancing:AddTags",
        Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, ...requestsOwnership },
      },
      {
        Sid: "ManageOwnedBalancers", Effect: "Allow", Resource: elbObjects, Condition: owned,
        Action: [
          "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups",
          "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyListenerAttributes",
          "elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools",
        ],
      },
      // Targets only in target groups it owns: every group it registers pods in, it created for the Ingress.
      { Sid: "RegisterTargets", Effect: "Allow", Resource: targetGroups, Condition: owned, Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"] },
      // WAFv2 (enableWafv2, for the web ACL of ingress.waf): upstream's four actions
      // (aws-load-balancer-controller@v2.13.4:docs/install/iam_policy.json:63-66, on "*" there), on regional web ACLs
      // and the load balancers it builds, the only resources it passes them (pkg/aws/services/wafv2.go, read at v2.13.0).
      {
        Sid: "WafV2OnItsLoadBalancers", Effect: "Allow", Resource: ["arn:aws:wafv2:*:*:regional/webacl/*/*", ...balancers],
        Action: ["wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"],
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
  /** Helm chart version, pinned. Default 1.13.4 (controller v2.13.4, the latest patch of 2.13). */
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
  /** The Helm release: what objects it finalizes (Ingresses, TargetGroupBindings) depend on. */
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: LoadBalancerControllerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:cluster:LoadBalancerController", name, {}, opts);
    const serviceAccount = "aws-load-balancer-controller";
    const role: aws.iam.Role = createIrsaRole(`${name}-irsa`, {
      oidcProviderArn: args.oidcProviderArn, oidcIssuerUrl: args.oidcIssuerUrl, namespace: "kube-system", serviceAccount,
      inlinePolicy: pulumi.output(args.vpcId).apply(loadBalancerControllerPolicy),
    }, { parent: this });

    this.release = new k8s.helm.v3.Release(`${name}-chart`, {
      name: "aws-load-balancer-controller",
      chart: "aws-load-balancer-controller",
      version: args.chartVersion ?? LOAD_BALANCER_CONTROLLER_CHART,
      repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
      namespace: "kube-system",
      atomic: true,
      values: {
        clusterName: args.clusterName,
        region: args.region,
        vpcId: args.vpcId,
        replicaCount: 2,
        enableServiceMutatorWebhook: false,
        // WAFv2 on, for the web ACL of ingress.waf (the policy's WafV2OnItsLoadBalancers). WAF Classic and Shield stay
        // off: the policy grants none of their calls; left on, the controller calls them and the Ingress never gets an address.
        enableWaf: false,
        enableWafv2: true,
        enableShield: false,
        serviceAccount: { create: true, name: serviceAccount, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
      },
    }, { parent: this, provider: args.provider });

    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
