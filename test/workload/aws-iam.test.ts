// Issue 4, the agent server on EKS: the AWS identities around it in the prod plan. Every IRSA role is trusted by
// exactly one ServiceAccount of this cluster, and the AWS Load Balancer Controller's policy grants no more than it
// needs (read anything; create, change and delete only what carries its ownership tag).
import { beforeAll, describe, expect, it } from "vitest";
import type { CapturedResource } from "../../tools/plan/capture";
import { runStack, type ProgramRun } from "../support/harness";
import {
  T, listOf, outputsOf, parsePolicy, statementsGranting, type PolicyDocument, type PolicyStatement,
} from "../support/workload";

const OWNED = "elbv2.k8s.aws/cluster";
const LBC_SUB = "system:serviceaccount:kube-system:aws-load-balancer-controller";

let prod: ProgramRun;
let oidcArn: string;
let issuer: string;
/** The roles whose trust policy lets a web identity assume them, with their parsed trust policy. */
let irsa: { role: CapturedResource; trust: PolicyDocument }[];
let lbcRole: CapturedResource;
let lbcPolicy: PolicyDocument;

beforeAll(async () => {
  prod = await runStack("prod");
  const provider = prod.one(T.oidcProvider);
  oidcArn = String(outputsOf(provider).arn);
  issuer = String(prod.inputs(provider).url).replace(/^https:\/\//, "");
  irsa = prod.ofType(T.role)
    .map((role) => ({ role, trust: parsePolicy(prod.inputs(role).assumeRolePolicy) }))
    .filter(({ trust }) => trust.Statement.some((s) => listOf(s.Action).includes("sts:AssumeRoleWithWebIdentity")));
  const lbc = irsa.filter(({ trust }) => JSON.stringify(trust).includes(LBC_SUB));
  if (lbc.length !== 1) throw new Error(`expected one role for ${LBC_SUB}, found ${lbc.length}`);
  lbcRole = (lbc[0] as { role: CapturedResource }).role;
  const inline = prod.ofType(T.rolePolicy).filter((p) => prod.inputs(p).role === lbcRole.id);
  if (inline.length !== 1) throw new Error(`expected one inline policy on the controller's role, found ${inline.length}`);
  lbcPolicy = parsePolicy(prod.inputs(inline[0] as CapturedResource).policy);
});

/** The Helm release of the AWS Load Balancer Controller. */
const lbcRelease = (): Record<string, unknown> => {
  const releases = prod.ofType(T.helmRelease).map((r) => prod.inputs(r)).filter((r) => r.chart === "aws-load-balancer-controller");
  if (releases.length !== 1) throw new Error(`expected one aws-load-balancer-controller release, found ${releases.length}`);
  return releases[0] as Record<string, unknown>;
};
/** Statements that grant any action of a service. */
const ofService = (service: string): PolicyStatement[] =>
  lbcPolicy.Statement.filter((s) => listOf(s.Action).some((a) => a.toLowerCase().startsWith(`${service}:`)));
const isReadOnly = (action: string): boolean => /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*\*?$/.test(action);
const conditionKeys = (s: PolicyStatement): string[] => Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block));
/** Condition `Null: {key: value}` of a statement. */
const nullCondition = (s: PolicyStatement, key: string): string | string[] | undefined => s.Condition?.Null?.[key];

describe("IRSA roles", () => {
  it("include the load balancer controller's, the VPC CNI's and the EBS CSI driver's, one ServiceAccount per role", () => {
    const subs = irsa.map(({ trust }) => Object.entries(trust.Statement[0]?.Condition?.StringEquals ?? {}).find(([k]) => k.endsWith(":sub"))?.[1]);
    expect(subs).toEqual(expect.arrayContaining([
      LBC_SUB, "system:serviceaccount:kube-system:aws-node", "system:serviceaccount:kube-system:ebs-csi-controller-sa",
    ]));
    // No two roles for one ServiceAccount, and none without one.
    expect(subs.every((sub) => typeof sub === "string")).toBe(true);
    expect(new Set(subs).size).toBe(subs.length);
  });

  it("each trusts only its own ServiceAccount of this cluster's OIDC provider, for STS tokens", () => {
    expect(oidcArn).toBe(`arn:aws:iam::123456789012:oidc-provider/${issuer}`);
    for (const { role, trust } of irsa) {
      expect(trust.Statement, role.name).toHaveLength(1);
      const statement = trust.Statement[0] as PolicyStatement;
      const sub = String(Object.entries(statement.Condition?.StringEquals ?? {}).find(([k]) => k.endsWith(":sub"))?.[1]);
      expect(sub, role.name).toMatch(/^system:serviceaccount:[a-z0-9-]+:[a-z0-9-]+$/);
      // Exactly these fields: no StringLike wildcard, no second principal, no extra action.
      expect(statement, role.name).toEqual({
        Effect: "Allow",
        Principal: { Federated: oidcArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${issuer}:sub`]: sub, [`${issuer}:aud`]: "sts.amazonaws.com" } },
      });
    }
  });

  it("no other role trusts the cluster's OIDC provider", () => {
    const trusting = prod.ofType(T.role).filter((r) => String(prod.inputs(r).assumeRolePolicy).includes(oidcArn));
    expect(trusting.map((r) => r.urn).sort()).toEqual(irsa.map(({ role }) => role.urn).sort());
  });

  it("the VPC CNI and EBS CSI add-ons use the roles trusted for their ServiceAccounts", () => {
    const addons = new Map(prod.ofType(T.addon).map((a) => [String(prod.inputs(a).addonName), prod.inputs(a)]));
    const roleFor = (serviceAccount: string) => irsa.find(({ trust }) => JSON.stringify(trust).includes(`system:serviceaccount:kube-system:${serviceAccount}"`))?.role;
    expect(addons.get("vpc-cni")?.serviceAccountRoleArn).toBe(outputsOf(roleFor("aws-node") as CapturedResource).arn);
    expect(addons.get("aws-ebs-csi-driver")?.serviceAccountRoleArn).toBe(outputsOf(roleFor("ebs-csi-controller-sa") as CapturedResource).arn);
  });

  it("the controller's Helm release annotates its ServiceAccount with the role trusted for it", () => {
    const release = lbcRelease();
    expect(release).toMatchObject({ chart: "aws-load-balancer-controller", namespace: "kube-system" });
    const serviceAccount = (release.values as { serviceAccount: { create: boolean; name: string; annotations: Record<string, string> } }).serviceAccount;
    expect(serviceAccount.name).toBe("aws-load-balancer-controller");
    expect(serviceAccount.create).toBe(true);
    expect(serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toBe(outputsOf(lbcRole).arn);
    expect(String(outputsOf(lbcRole).arn)).toMatch(/^arn:aws:iam::\d{12}:role\//);
  });

  it("the controller's role has its inline policy and no managed policy", () => {
    const attached = prod.ofType(T.rolePolicyAttachment).filter((a) => prod.inputs(a).role === outputsOf(lbcRole).name || prod.inputs(a).role === lbcRole.id);
    expect(attached).toEqual([]);
  });
});

describe("AWS Load Balancer Controller policy", () => {
  it("allows only, denies nothing implicitly: no NotAction, no NotResource", () => {
    expect(lbcPolicy.Version).toBe("2012-10-17");
    for (const statement of lbcPolicy.Statement) {
      expect(statement.Effect, statement.Sid).toBe("Allow");
      expect(statement.NotAction, statement.Sid).toBeUndefined();
      expect(statement.NotResource, statement.Sid).toBeUndefined();
      expect(listOf(statement.Action).length, statement.Sid).toBeGreaterThan(0);
      expect(listOf(statement.Resource).length, statement.Sid).toBeGreaterThan(0);
    }
  });

  it("grants no wildcard action except read-only Describe*/Get*/List*", () => {
    const wildcards = lbcPolicy.Statement.flatMap((s) => listOf(s.Action)).filter((a) => a.includes("*") || a.includes("?"));
    expect(wildcards.length).toBeGreaterThan(0);
    for (const action of wildcards) expect(isReadOnly(action), action).toBe(true);
    // What a wildcard would have let through.
    for (const action of ["elasticloadbalancing:DeleteLoadBalancer", "iam:PassRole", "iam:CreateRole", "iam:PutRolePolicy", "ec2:RunInstances", "ec2:DeleteVpc"]) {
      expect(statementsGranting(lbcPolicy, action).filter((s) => s.Condition === undefined).map((s) => s.Sid), action).toEqual([]);
    }
  });

  it("reads what it must inspect, and nothing of WAF Classic, Shield or Cognito; WAFv2 only on web ACLs and its load balancers", () => {
    for (const action of ["ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTargetHealth", "acm:DescribeCertificate"]) {
      expect(statementsGranting(lbcPolicy, action).length, action).toBeGreaterThan(0);
    }
    for (const service of ["waf", "waf-regional", "shield", "cognito-idp"]) expect(ofService(service), service).toEqual([]);
    expect(ofService("wafv2")).toEqual([expect.objectContaining({
      Sid: "WafV2OnItsLoadBalancers", Effect: "Allow",
      Action: ["wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"],
      Resource: ["arn:aws:wafv2:*:*:regional/webacl/*/*", "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*", "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*"],
    })]);
  });

  it("uses IAM only to create the ELB service-linked role, named by its ARN", () => {
    expect(ofService("iam")).toEqual([{
      Sid: "ServiceLinkedRole", Effect: "Allow", Action: "iam:CreateServiceLinkedRole",
      Resource: "arn:aws:iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing",
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    }]);
  });

  it("creates load balancers, target groups and security groups only with its ownership tag", () => {
    for (const action of ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup", "ec2:CreateSecurityGroup"]) {
      const granting = statementsGranting(lbcPolicy, action);
      expect(granting.length, action).toBeGreaterThan(0);
      for (const s of granting) {
        // CreateSecurityGroup is also authorised against the VPC: that statement names only the cluster's VPC.
        if (action === "ec2:CreateSecurityGroup" && listOf(s.Resource).every((r) => /^arn:aws:ec2:\*:\*:vpc\/[^*]+$/.test(r))) continue;
        expect(nullCondition(s, `aws:RequestTag/${OWNED}`), `${action} in ${s.Sid}`).toBe("false");
      }
    }
  });

  it("changes and deletes load balancers, target groups and security groups only when they carry its ownership tag", () => {
    const ownedOnly = [
      "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:DeleteTargetGroup",
      "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes", "ec2:DeleteSecurityGroup", "ec2:DeleteTags",
    ];
    for (const action of ownedOnly) {
      const granting = statementsGranting(lbcPolicy, action);
      expect(granting.length, action).toBeGreaterThan(0);
      for (const s of granting) expect(nullCondition(s, `aws:ResourceTag/${OWNED}`), `${action} in ${s.Sid}`).toBe("false");
    }
  });

  it("tags security groups only at creation or when they are already its own", () => {
    const granting = statementsGranting(lbcPolicy, "ec2:CreateTags");
    expect(granting.length).toBeGreaterThan(0);
    for (const s of granting) {
      const atCreation = s.Condition?.StringEquals?.["ec2:CreateAction"] !== undefined;
      const owned = nullCondition(s, `aws:ResourceTag/${OWNED}`) === "false";
      expect(atCreation || owned, s.Sid).toBe(true);
    }
  });

  it("changes no EC2 resource without a condition, and opens security groups only inside the cluster's VPC", () => {
    const unconditioned = lbcPolicy.Statement.filter((s) => s.Condition === undefined && listOf(s.Resource).includes("*"))
      .flatMap((s) => listOf(s.Action).filter((a) => a.startsWith("ec2:") && !isReadOnly(a)));
    expect(unconditioned).toEqual([]);
    const opening = statementsGranting(lbcPolicy, "ec2:AuthorizeSecurityGroupIngress").filter((s) => nullCondition(s, `aws:ResourceTag/${OWNED}`) !== "false");
    expect(opening.map((s) => s.Condition)).toEqual([{ ArnLike: { "ec2:Vpc": expect.stringMatching(/^arn:aws:ec2:\*:\*:vpc\/[^*]+$/) as unknown } }]);
  });

  it("registers targets only in target groups it owns", () => {
    for (const action of ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]) {
      const granting = statementsGranting(lbcPolicy, action);
      expect(granting.length, action).toBeGreaterThan(0);
      for (const s of granting) expect(nullCondition(s, `aws:ResourceTag/${OWNED}`), `${action} in ${s.Sid}`).toBe("false");
    }
  });

  it("every statement that changes load balancers has a Resource narrower than * or a condition on its ownership tag", () => {
    const offending: string[] = [];
    for (const s of ofService("elasticloadbalancing")) {
      const mutating = listOf(s.Action).filter((a) => a.startsWith("elasticloadbalancing:") && !isReadOnly(a));
      if (mutating.length === 0) continue;
      const narrowResource = listOf(s.Resource).every((r) => r !== "*");
      // Tagging at creation is bound to the create call, which itself requires the ownership tag.
      const ownershipCondition = conditionKeys(s).some((k) => k.endsWith(`/${OWNED}`) || k === "elasticloadbalancing:CreateAction");
      if (!narrowResource && !ownershipCondition) offending.push(`${s.Sid ?? "?"}: ${mutating.join(", ")}`);
    }
    expect(offending).toEqual([]);
  });

  it("cannot put its ownership tag on a load balancer or target group it does not own", () => {
    const unsafe = statementsGranting(lbcPolicy, "elasticloadbalancing:AddTags")
      .filter((s) => listOf(s.Resource).some((r) => r === "*" || /:(loadbalancer|targetgroup)\//.test(r)))
      .filter((s) => {
        const atCreation = s.Condition?.StringEquals?.["elasticloadbalancing:CreateAction"] !== undefined;
        const notTheOwnershipTag = nullCondition(s, `aws:RequestTag/${OWNED}`) === "true";
        const alreadyOwned = nullCondition(s, `aws:ResourceTag/${OWNED}`) === "false";
        return !(atCreation || (notTheOwnershipTag && alreadyOwned));
      })
      .map((s) => s.Sid);
    expect(unsafe).toEqual([]);
  });

  it("turns on WAFv2 (the ingress.waf web ACL) and off the WAF Classic and Shield add-ons the policy grants nothing for", () => {
    const values = lbcRelease().values as Record<string, unknown>;
    expect({ enableWaf: values.enableWaf, enableWafv2: values.enableWafv2, enableShield: values.enableShield })
      .toEqual({ enableWaf: false, enableWafv2: true, enableShield: false });
  });
});
