/**
 * Actions that support no resource-level permissions: the AWS Service Authorization Reference lists no resource type
 * for them, so a policy can only grant them on `Resource: "*"`. `iam-no-star-resource` accepts `"*"` for these and
 * for nothing else (CKV_AWS_355 does the same with cloudsplaining's database). An entry is an exact action or a
 * prefix ending in `*`; a statement's action is accepted when every action it can match is covered by one entry
 * (`ec2:Describe*` covers `ec2:DescribeSubnets` and `ec2:Describe*`, not `ec2:*`).
 *
 * Add to this list only what the reference shows without a resource type, with the service beside it; a stack can
 * extend it through the rule's `extraUnscopedActions` setting instead.
 */
export const UNSCOPED_ACTIONS: readonly { action: string; note: string }[] = [
  // Amazon EC2: the Describe* calls take no resource type.
  { action: "ec2:Describe*", note: "EC2 Describe* (no resource types)" },
  {
    action: "ec2:GetSecurityGroupsForVpc",
    note: "granted on * by AWS's published AWS Load Balancer Controller policy; re-check against the EC2 reference when it changes",
  },
  // Elastic Load Balancing v2.
  { action: "elasticloadbalancing:Describe*", note: "ELB Describe* (no resource types)" },
  // AWS Certificate Manager. DescribeCertificate is NOT here: it takes a certificate ARN.
  { action: "acm:ListCertificates", note: "ACM account-level listing" },
  { action: "acm:GetAccountConfiguration", note: "ACM account-level read" },
  // EC2 Auto Scaling.
  { action: "autoscaling:Describe*", note: "Auto Scaling Describe* (no resource types)" },
  // AWS STS.
  { action: "sts:GetCallerIdentity", note: "always allowed; no resource type" },
  // AWS KMS account-level calls.
  { action: "kms:ListKeys", note: "KMS account-level listing" },
  { action: "kms:ListAliases", note: "KMS account-level listing" },
  { action: "kms:CreateKey", note: "the key does not exist yet" },
  { action: "kms:GenerateRandom", note: "no key involved" },
  { action: "kms:DescribeCustomKeyStores", note: "KMS account-level listing" },
  // Amazon S3 account-level calls.
  { action: "s3:ListAllMyBuckets", note: "S3 account-level listing" },
  { action: "s3:GetAccountPublicAccessBlock", note: "S3 account-level setting" },
  { action: "s3:ListAccessPoints", note: "S3 account-level listing" },
  { action: "s3:ListJobs", note: "S3 Batch Operations listing" },
  // AWS Secrets Manager.
  { action: "secretsmanager:ListSecrets", note: "account-level listing" },
  { action: "secretsmanager:GetRandomPassword", note: "no secret involved" },
  // Amazon ECR.
  { action: "ecr:GetAuthorizationToken", note: "registry login token; no resource type" },
  // Amazon CloudWatch metrics.
  { action: "cloudwatch:PutMetricData", note: "no resource type" },
  { action: "cloudwatch:GetMetricData", note: "no resource type" },
  { action: "cloudwatch:GetMetricStatistics", note: "no resource type" },
  { action: "cloudwatch:ListMetrics", note: "no resource type" },
  // AWS X-Ray.
  { action: "xray:PutTraceSegments", note: "no resource type" },
  { action: "xray:PutTelemetryRecords", note: "no resource type" },
  { action: "xray:GetSamplingRules", note: "no resource type" },
  { action: "xray:GetSamplingTargets", note: "no resource type" },
  { action: "xray:GetSamplingStatisticSummaries", note: "no resource type" },
  // Resource Groups Tagging API.
  { action: "tag:GetResources", note: "no resource type" },
  { action: "tag:GetTagKeys", note: "no resource type" },
  { action: "tag:GetTagValues", note: "no resource type" },
  // IAM account-level reads.
  { action: "iam:ListRoles", note: "IAM account-level listing" },
  { action: "iam:ListPolicies", note: "IAM account-level listing" },
  { action: "iam:GetAccountSummary", note: "IAM account-level read" },
  { action: "iam:ListAccountAliases", note: "IAM account-level listing" },
  // Route 53.
  { action: "route53:ListHostedZones", note: "account-level listing" },
  { action: "route53:ListHostedZonesByName", note: "account-level listing" },
  // Amazon EKS.
  { action: "eks:ListClusters", note: "account-level listing" },
  { action: "eks:DescribeAddonVersions", note: "no resource type" },
  // AWS Systems Manager Parameter Store.
  { action: "ssm:DescribeParameters", note: "account-level listing" },
];
