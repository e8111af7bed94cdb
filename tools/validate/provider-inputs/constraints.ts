// Input constraints the AWS provider enforces before it calls AWS (its schema validators: a plan breaking one fails
// at `pulumi preview`), and the API-side rules it documents (a plan breaking one fails at `pulumi up`). pulumi-aws
// 7.x bridges terraform-provider-aws, so the rules are read in that provider's source; each cites the file (and the
// line where counted) of the version the source index here holds. Properties use Pulumi's input names.
//
// Could not be pinned: the pulumi-aws and terraform-provider-aws snapshots are over this workplace's fetch limit, and
// the source index keeps one version per file (not the one 7.48.0 bridges). docs/verification.md says so.

const TF = "hashicorp/terraform-provider-aws";
const SG_FILE = `${TF}@01606926a0c0ab9174aec440f976a48b0baee722:internal/service/ec2/vpc_security_group.go`;
const EC2_VALIDATE = `${TF}@51f0f87f4081c657357189b0a2da513579370e6a:internal/service/ec2/validate.go`;
const ROLE_FILE = `${TF}@0040ea6911af00bea2cca6dbb14e86829826ad8e:internal/service/iam/role.go`;

/** A property path: `description`, `ingress[].description` (every element of a list). */
export interface Constraint {
  type: string;
  property: string;
  /** The reason the value breaks the rule, or undefined when it keeps it. Only called for values that are set. */
  check: (value: unknown) => string | undefined;
  source: string;
  /** "provider": the provider rejects it at preview; "api": AWS rejects it at up (the provider documents the rule). */
  enforcedBy: "provider" | "api";
}

/** A pair of inputs the provider's schema declares ConflictsWith. */
export interface Conflict {
  type: string;
  properties: [string, string];
  source: string;
}

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function length(min: number, max: number) {
  return (value: unknown) => {
    const s = str(value);
    if (s === undefined) return "must be a string";
    return s.length < min || s.length > max ? `must be ${min}-${max} characters long (it is ${s.length})` : undefined;
  };
}

function matches(pattern: RegExp, allowed: string) {
  return (value: unknown) => {
    const s = str(value);
    if (s === undefined) return "must be a string";
    if (pattern.test(s)) return undefined;
    const bad = [...new Set([...s].filter((ch) => !pattern.test(ch) && pattern.source.startsWith("^[") && pattern.source.endsWith("]*$")))];
    return `must match ${allowed}${bad.length > 0 ? ` (not allowed: ${bad.map((c) => JSON.stringify(c)).join(" ")})` : ""}`;
  };
}

function notMatching(pattern: RegExp, what: string) {
  return (value: unknown) => (str(value) !== undefined && pattern.test(str(value)!) ? what : undefined);
}

function between(min: number, max: number) {
  return (value: unknown) => (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max ? `must be an integer from ${min} to ${max}` : undefined);
}

function oneOf(values: readonly (string | number)[]) {
  return (value: unknown) => (values.includes(value as string | number) ? undefined : `must be one of ${values.join(", ")}`);
}

function all(...checks: Array<(value: unknown) => string | undefined>) {
  return (value: unknown) => {
    for (const check of checks) {
      const problem = check(value);
      if (problem) return problem;
    }
    return undefined;
  };
}

// EC2's description charset: API_IpRange and API_CreateSecurityGroup ("a-z, A-Z, 0-9, spaces, and
// ._-:/()#,@[]+=&;{}!$*"); the provider checks it on inline rules (EC2_VALIDATE:21) but not on the
// aws:vpc/securityGroup*Rule resources, where AWS rejects it at AuthorizeSecurityGroupIngress.
const EC2_DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
const EC2_DESCRIPTION_TEXT = "a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*";
const ec2Description = all(length(0, 255), matches(EC2_DESCRIPTION, EC2_DESCRIPTION_TEXT));
const EC2_API_DOC = "docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html (cited at";

// IAM names: `[\w+=,.@-]` (the IAM API's RoleName/PolicyName pattern, iam/validate.go validResourceName).
const IAM_NAME = /^[\w+=,.@-]*$/;
const IAM_NAME_TEXT = "[\\w+=,.@-]";

// CloudWatch Logs retention values (the PutRetentionPolicy API's enum, validated by the provider's log group schema).
const LOG_RETENTION = [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const CONSTRAINTS: Constraint[] = [
  { type: "aws:ec2/securityGroup:SecurityGroup", property: "description", check: all(length(0, 255), matches(EC2_DESCRIPTION, EC2_DESCRIPTION_TEXT)), source: `${SG_FILE}:71 (StringLenBetween(0, 255)); charset: ${EC2_API_DOC} ${EC2_VALIDATE}:19)`, enforcedBy: "api" },
  { type: "aws:ec2/securityGroup:SecurityGroup", property: "name", check: all(length(0, 255), notMatching(/^sg-/, "cannot begin with sg-")), source: `${SG_FILE}:82-83`, enforcedBy: "provider" },
  { type: "aws:ec2/securityGroup:SecurityGroup", property: "namePrefix", check: all(length(0, 229), notMatching(/^sg-/, "cannot begin with sg-")), source: `${SG_FILE}:92-93 (255 minus the 26-character unique suffix)`, enforcedBy: "provider" },
  { type: "aws:ec2/securityGroup:SecurityGroup", property: "ingress[].description", check: ec2Description, source: `${EC2_VALIDATE}:21 (validSecurityGroupRuleDescription)`, enforcedBy: "provider" },
  { type: "aws:ec2/securityGroup:SecurityGroup", property: "egress[].description", check: ec2Description, source: `${EC2_VALIDATE}:21 (validSecurityGroupRuleDescription)`, enforcedBy: "provider" },
  { type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", property: "ingress[].description", check: ec2Description, source: `${EC2_VALIDATE}:21 (the default group shares the rule block, ${SG_FILE}:59)`, enforcedBy: "provider" },
  { type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", property: "egress[].description", check: ec2Description, source: `${EC2_VALIDATE}:21`, enforcedBy: "provider" },
  { type: "aws:ec2/securityGroupRule:SecurityGroupRule", property: "description", check: ec2Description, source: `${EC2_VALIDATE}:21`, enforcedBy: "provider" },
  { type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", property: "description", check: ec2Description, source: `${EC2_API_DOC} ${EC2_VALIDATE}:19)`, enforcedBy: "api" },
  { type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", property: "description", check: ec2Description, source: `${EC2_API_DOC} ${EC2_VALIDATE}:19)`, enforcedBy: "api" },
  { type: "aws:iam/role:Role", property: "name", check: all(length(1, 64), matches(IAM_NAME, IAM_NAME_TEXT)), source: `${ROLE_FILE}:29,135 (validResourceName(roleNameMaxLen = 64))`, enforcedBy: "provider" },
  { type: "aws:iam/role:Role", property: "namePrefix", check: all(length(1, 38), matches(IAM_NAME, IAM_NAME_TEXT)), source: `${ROLE_FILE}:30,143 (64 minus the 26-character unique suffix)`, enforcedBy: "provider" },
  { type: "aws:iam/role:Role", property: "description", check: all(length(0, 1000), notMatching(/[“‘]/, "cannot contain typographic quotes “ or ‘")), source: `${ROLE_FILE}:68-69`, enforcedBy: "provider" },
  { type: "aws:iam/role:Role", property: "maxSessionDuration", check: between(3600, 43200), source: `${ROLE_FILE}:127 (IntBetween(3600, 43200))`, enforcedBy: "provider" },
  { type: "aws:iam/role:Role", property: "path", check: all(length(0, 512), matches(/^\/([\x21-\x7e]*\/)?$/, "/ or /…/ of printable ASCII (the IAM API's Path pattern)")), source: `${ROLE_FILE}:150 (StringLenBetween(0, 512)); pattern: docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html`, enforcedBy: "provider" },
  { type: "aws:iam/rolePolicy:RolePolicy", property: "name", check: all(length(1, 128), matches(IAM_NAME, IAM_NAME_TEXT)), source: `${ROLE_FILE}:89 (validRolePolicyName)`, enforcedBy: "provider" },
  { type: "aws:iam/policy:Policy", property: "name", check: all(length(1, 128), matches(IAM_NAME, IAM_NAME_TEXT)), source: `${TF}:internal/service/iam/policy.go (validResourceName(policyNameMaxLen = 128); line not counted)`, enforcedBy: "provider" },
  { type: "aws:kms/alias:Alias", property: "name", check: all(length(1, 256), matches(/^alias\/[a-zA-Z0-9/_-]+$/, "alias/[a-zA-Z0-9/_-]+"), notMatching(/^alias\/aws\//, "alias/aws/ is reserved for AWS managed keys")), source: `${TF}:internal/service/kms/validate.go (validNameForResource; line not counted)`, enforcedBy: "provider" },
  { type: "aws:kms/key:Key", property: "deletionWindowInDays", check: between(7, 30), source: `${TF}:internal/service/kms/key.go (IntBetween(7, 30); line not counted)`, enforcedBy: "provider" },
  { type: "aws:kms/key:Key", property: "keyUsage", check: oneOf(["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"]), source: `${TF}:internal/service/kms/key.go (StringInSlice(KeyUsageType values); line not counted)`, enforcedBy: "provider" },
  { type: "aws:kms/key:Key", property: "description", check: length(0, 8192), source: `${TF}:internal/service/kms/key.go (StringLenBetween(0, 8192); line not counted)`, enforcedBy: "provider" },
  { type: "aws:cloudwatch/logGroup:LogGroup", property: "name", check: all(length(1, 512), matches(/^[.\-_/#A-Za-z0-9]+$/, "[.-_/#A-Za-z0-9]+")), source: `${TF}:internal/service/logs/validate.go (validLogGroupName; line not counted)`, enforcedBy: "provider" },
  { type: "aws:cloudwatch/logGroup:LogGroup", property: "retentionInDays", check: oneOf(LOG_RETENTION), source: `${TF}:internal/service/logs/group.go (IntInSlice of the PutRetentionPolicy values; line not counted)`, enforcedBy: "provider" },
  { type: "aws:s3/bucket:Bucket", property: "bucket", check: all(length(3, 63), matches(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, "lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"), notMatching(/\.\.|^\d+\.\d+\.\d+\.\d+$/, "no two adjacent dots, not an IP address")), source: `${TF}:internal/service/s3/bucket.go (validBucketName; line not counted)`, enforcedBy: "provider" },
  { type: "aws:s3/bucket:Bucket", property: "bucketPrefix", check: all(length(1, 37), matches(/^[a-z0-9][a-z0-9.-]*$/, "lower-case letters, digits, dots and hyphens")), source: `${TF}:internal/service/s3/bucket.go (StringLenBetween(0, 63 - 26); line not counted)`, enforcedBy: "provider" },
  { type: "aws:eks/cluster:Cluster", property: "name", check: all(length(1, 100), matches(/^[0-9A-Za-z][A-Za-z0-9_-]*$/, "^[0-9A-Za-z][A-Za-z0-9\\-_]*$")), source: `${TF}:internal/service/eks/validate.go (validClusterName; line not counted)`, enforcedBy: "provider" },
  { type: "aws:elasticache/replicationGroup:ReplicationGroup", property: "replicationGroupId", check: all(length(1, 40), matches(/^[A-Za-z][0-9A-Za-z-]*$/, "a letter, then letters, digits and hyphens"), notMatching(/--|-$/, "no two consecutive hyphens and no trailing hyphen")), source: `${TF}:internal/service/elasticache/validate.go (validReplicationGroupID; line not counted)`, enforcedBy: "provider" },
  { type: "aws:rds/instance:Instance", property: "identifier", check: all(length(1, 63), matches(/^[a-z][a-z0-9-]*$/, "a lower-case letter, then lower-case letters, digits and hyphens"), notMatching(/--|-$/, "no two consecutive hyphens and no trailing hyphen")), source: `${TF}:internal/service/rds/validate.go (validIdentifier; line not counted)`, enforcedBy: "provider" },
  { type: "aws:rds/parameterGroup:ParameterGroup", property: "name", check: all(length(1, 255), matches(/^[a-z][a-z0-9-]*$/, "a lower-case letter, then lower-case letters, digits and hyphens"), notMatching(/--|-$/, "no two consecutive hyphens and no trailing hyphen")), source: `${TF}:internal/service/rds/validate.go (validParamGroupName; line not counted)`, enforcedBy: "provider" },
  { type: "aws:secretsmanager/secret:Secret", property: "recoveryWindowInDays", check: (v) => (v === 0 || (typeof v === "number" && Number.isInteger(v) && v >= 7 && v <= 30) ? undefined : "must be 0 (delete at once) or 7 to 30"), source: `${TF}:internal/service/secretsmanager/secret.go (Any(IntBetween(7, 30), IntInSlice([0])); line not counted)`, enforcedBy: "provider" },
  { type: "aws:ec2/flowLog:FlowLog", property: "trafficType", check: oneOf(["ACCEPT", "REJECT", "ALL"]), source: `${TF}:internal/service/ec2/vpc_flow_log.go (StringInSlice(TrafficType values); line not counted)`, enforcedBy: "provider" },
  { type: "aws:ec2/flowLog:FlowLog", property: "maxAggregationInterval", check: oneOf([60, 600]), source: `${TF}:internal/service/ec2/vpc_flow_log.go (IntInSlice([60, 600]); line not counted)`, enforcedBy: "provider" },
];

export const CONFLICTS: Conflict[] = [
  { type: "aws:ec2/securityGroup:SecurityGroup", properties: ["name", "namePrefix"], source: `${SG_FILE}:80` },
  { type: "aws:iam/role:Role", properties: ["name", "namePrefix"], source: `${ROLE_FILE}:134` },
  { type: "aws:s3/bucket:Bucket", properties: ["bucket", "bucketPrefix"], source: `${TF}:internal/service/s3/bucket.go (ConflictsWith; line not counted)` },
];
