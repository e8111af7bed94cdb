/**
 * Action sets of `iam-no-privesc` (checkov CKV_AWS_286-289 via cloudsplaining, Rhino Security Labs' IAM privilege
 * escalation methods, Trivy AWS-0342). Granting any of these on an unbounded resource (`*`, `arn:aws:iam::*:role/*`,
 * a NotResource) lets the holder become someone else or read everything.
 */
export interface SensitiveSet {
  /** Short name used in messages. */
  name: string;
  actions: readonly string[];
}

export const SENSITIVE_ACTION_SETS: readonly SensitiveSet[] = [
  {
    name: "privilege escalation",
    actions: [
      "iam:PassRole",
      "iam:CreatePolicyVersion",
      "iam:SetDefaultPolicyVersion",
      "iam:AttachUserPolicy",
      "iam:AttachGroupPolicy",
      "iam:AttachRolePolicy",
      "iam:PutUserPolicy",
      "iam:PutGroupPolicy",
      "iam:PutRolePolicy",
      "iam:AddUserToGroup",
      "iam:UpdateAssumeRolePolicy",
      "iam:PutRolePermissionsBoundary",
      "iam:DeleteRolePermissionsBoundary",
      "iam:PutUserPermissionsBoundary",
      "iam:DeleteUserPermissionsBoundary",
      "sts:AssumeRole",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
      "glue:UpdateDevEndpoint",
      "ssm:SendCommand",
      "ssm:StartSession",
      "ec2-instance-connect:SendSSHPublicKey",
    ],
  },
  {
    name: "credentials exposure",
    actions: [
      "iam:CreateAccessKey",
      "iam:UpdateAccessKey",
      "iam:CreateLoginProfile",
      "iam:UpdateLoginProfile",
      "iam:CreateServiceSpecificCredential",
      "iam:ResetServiceSpecificCredential",
      "iam:UploadSSHPublicKey",
      "sts:GetFederationToken",
      "redshift:GetClusterCredentials",
      "ec2:GetPasswordData",
      "lightsail:GetInstanceAccessDetails",
      "cognito-identity:GetCredentialsForIdentity",
    ],
  },
  {
    name: "data exfiltration",
    actions: [
      "s3:GetObject",
      "s3:GetObjectVersion",
      "ssm:GetParameter",
      "ssm:GetParameters",
      "ssm:GetParametersByPath",
      "secretsmanager:GetSecretValue",
    ],
  },
];
