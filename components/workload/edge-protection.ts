// What stands in front of the server's ALB: an AWS WAF web ACL (managed rule groups and a rate limit per client IP)
// and the bucket the ALB writes its access logs to. The AWS Load Balancer Controller attaches both to the ALB it
// creates for the Ingress, through annotations (albEdgeAnnotations): the controller, not Pulumi, owns the ALB.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HardenedBucket } from "../backup/hardened-bucket";

/** Key prefix of the ALB's access logs in the log bucket (the ALB adds AWSLogs/<account>/elasticloadbalancing/…). */
export const ALB_LOG_PREFIX = "alb";

/**
 * The Elastic Load Balancing account that delivers access logs, for the Regions opened before August 2022 (the
 * table of terraform-aws-modules/terraform-aws-s3-bucket main.tf `elb_service_accounts`, from the ELB User Guide's
 * "Attach a policy to your S3 bucket"). Newer Regions deliver as the service principal
 * logdelivery.elasticloadbalancing.amazonaws.com, which the bucket policy admits in every Region.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
  "af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-south-1": "718504428378", "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887", "ap-northeast-3": "383597477331", "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266", "ap-southeast-3": "589379963580", "ca-central-1": "985666609251",
  "eu-central-1": "054676820928", "eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-west-3": "009996457667",
  "eu-south-1": "635631232127", "eu-north-1": "897822967062", "me-south-1": "076674570225", "sa-east-1": "507241528517",
  "us-gov-west-1": "048591011584", "us-gov-east-1": "190560391635", "cn-north-1": "638102146993", "cn-northwest-1": "037604701340",
};

/**
 * Rules of the core rule set (AWSManagedRulesCommonRuleSet) that inspect the request body, set to count instead of
 * block. The server's request bodies are prompts, tool source code and tool outputs: longer than the 8 KB
 * SizeRestrictions_BODY blocks, and full of the HTML, paths and URLs the XSS/LFI/RFI/SSRF body rules match. Counted,
 * they still show in the web ACL's metrics. The rule names are those of the AWS WAF Developer Guide, "Baseline rule
 * groups", core rule set table. See docs/decisions/0101-waf-in-front-of-the-alb.md.
 */
export const COUNTED_BODY_RULES = [
  "SizeRestrictions_BODY", "CrossSiteScripting_BODY", "GenericLFI_BODY", "GenericRFI_BODY", "EC2MetaDataSSRF_BODY",
] as const;

/** AWS managed rule groups of the web ACL, in evaluation order after the rate limit. */
export const MANAGED_RULE_GROUPS = ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"] as const;

export interface EdgeProtectionArgs {
  /** Physical name prefix, unique in the account and region. Required. */
  physicalName: string;
  /** AWS region of the ALB (the web ACL and the log bucket must be in it). Required. */
  region: string;
  /** The WAF web ACL: requests per client IP in any 5-minute window before the rest are blocked. Unset: no web ACL. */
  waf?: { rateLimitPerFiveMinutes: number };
  /** ALB access logs: days they are kept. Unset: no log bucket. */
  accessLogs?: { retentionDays: number };
}

/** The WAF web ACL and the ALB's access-log bucket. */
export class EdgeProtection extends pulumi.ComponentResource {
  /** ARN of the web ACL, or undefined without WAF. */
  public readonly webAclArn: pulumi.Output<string | undefined>;
  /** The access-log bucket's name, or undefined without access logs. */
  public readonly accessLogBucket: pulumi.Output<string | undefined>;

  constructor(name: string, args: EdgeProtectionArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:workload:EdgeProtection", name, {}, opts);
    const child = { parent: this };
    this.webAclArn = args.waf ? this.webAcl(name, args.physicalName, args.waf.rateLimitPerFiveMinutes).arn : pulumi.output(undefined);
    this.accessLogBucket = args.accessLogs ? this.logBucket(name, args.physicalName, args.region, args.accessLogs.retentionDays, child) : pulumi.output(undefined);
    this.registerOutputs({ webAclArn: this.webAclArn, accessLogBucket: this.accessLogBucket });
  }

  private webAcl(name: string, physicalName: string, rateLimit: number): aws.wafv2.WebAcl {
    const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
    return new aws.wafv2.WebAcl(`${name}-waf`, {
      name: `${physicalName}-server`,
      description: `In front of the agent server's ALB of ${physicalName}: rate limit per client IP, AWS managed rules`,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${physicalName}-server`),
      rules: [
        {
          // First, so a flood is cut before the managed rules spend capacity on it. Per source IP: the ALB is
          // internet-facing and sees the client's address (a proxy in front would need a forwarded-IP key instead).
          name: "rate-limit-per-client-ip", priority: 0, action: { block: {} },
          statement: { rateBasedStatement: { limit: rateLimit, evaluationWindowSec: 300, aggregateKeyType: "IP" } },
          visibilityConfig: visibility(`${physicalName}-rate-limit`),
        },
        ...MANAGED_RULE_GROUPS.map((group, i) => ({
          name: group, priority: i + 1, overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: "AWS", name: group,
              ...(group === "AWSManagedRulesCommonRuleSet"
                ? { ruleActionOverrides: COUNTED_BODY_RULES.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
                : {}),
            },
          },
          visibilityConfig: visibility(`${physicalName}-${group}`),
        })),
      ],
    }, { parent: this });
  }

  private logBucket(name: string, physicalName: string, region: string, retentionDays: number, child: pulumi.CustomResourceOptions): pulumi.Output<string> {
    const bucket = new HardenedBucket(`${name}-alb-logs`, {
      namePrefix: `${physicalName}-alb-logs-`,
      region,
      // The only encryption ALB access-log delivery supports (ELB User Guide, "Access logs for your Application
      // Load Balancer", bucket requirements): SSE-S3.
      encryption: "sse-s3",
      lifecycleRules: [{
        id: "expire-alb-logs", status: "Enabled", filter: {},
        expiration: { days: retentionDays }, noncurrentVersionExpiration: { noncurrentDays: 7 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      }],
      extraStatements: (arn, accountId) => albLogDeliveryStatements(arn, accountId, region),
    }, child);
    return bucket.bucket;
  }
}

/**
 * The bucket-policy statements that let the ALB deliver its logs: PutObject under this account's log prefix only,
 * by the Region's ELB account (Regions before August 2022) and by the log-delivery service principal (the others),
 * as terraform-aws-modules/terraform-aws-s3-bucket's elb_log_delivery policy does.
 */
export function albLogDeliveryStatements(bucketArn: string, accountId: string, region: string): Record<string, unknown>[] {
  const resource = `${bucketArn}/${ALB_LOG_PREFIX}/AWSLogs/${accountId}/*`;
  const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
  const partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return [
    ...(account ? [{ Sid: "AllowElbAccountLogDelivery", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: "s3:PutObject", Resource: resource }] : []),
    { Sid: "AllowElbServiceLogDelivery", Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: resource },
  ];
}

export interface AlbEdgeSettings {
  /** The web ACL to associate; undefined: WAF off, and any earlier association is removed. */
  webAclArn: pulumi.Input<string | undefined>;
  /** The access-log bucket; undefined: access logs off. */
  accessLogBucket: pulumi.Input<string | undefined>;
  /** ALB deletion protection. */
  deletionProtection: boolean;
}

/**
 * The AWS Load Balancer Controller annotations for the WAF association, the access logs and deletion protection
 * (kubernetes-sigs/aws-load-balancer-controller@v2.13.0:docs/guide/ingress/annotations.md:865-903 and 1009-1027).
 * Every setting is written out when off too: the controller leaves an absent attribute as it was
 * (annotations.md:868), and an absent wafv2-acl-arn keeps an earlier association (annotations.md:1015-1016), so
 * turning a protection off must say so. The returned attributes are joined into load-balancer-attributes by the
 * caller, after its own.
 */
export function albEdgeAnnotations(settings: AlbEdgeSettings): { wafv2AclArn: pulumi.Output<string>; attributes: pulumi.Output<string[]> } {
  const wafv2AclArn = pulumi.output(settings.webAclArn).apply((arn) => arn ?? "none");
  const attributes = pulumi.output(settings.accessLogBucket).apply((bucket) => [
    `deletion_protection.enabled=${settings.deletionProtection}`,
    ...(bucket
      ? ["access_logs.s3.enabled=true", `access_logs.s3.bucket=${bucket}`, `access_logs.s3.prefix=${ALB_LOG_PREFIX}`]
      : ["access_logs.s3.enabled=false"]),
  ]);
  return { wafv2AclArn, attributes };
}
