import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface IrsaRoleArgs {
  /** ARN of the cluster's IAM OIDC provider. Required. */
  oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL (with or without https://). Required. */
  oidcIssuerUrl: pulumi.Input<string>;
  /** Namespace of the one ServiceAccount allowed to assume the role. Required. */
  namespace: pulumi.Input<string>;
  /** Name of that ServiceAccount. Required. */
  serviceAccount: pulumi.Input<string>;
  /** AWS-managed or customer policy ARNs to attach. Default: none. */
  policyArns?: pulumi.Input<string>[];
  /** An inline policy document (JSON). Default: none. */
  inlinePolicy?: pulumi.Input<string>;
}

/** The trust policy of an IRSA role: only this ServiceAccount (`sub`), only tokens minted for STS (`aud`). */
export function irsaTrustPolicy(oidcProviderArn: string, issuerUrl: string, namespace: string, serviceAccount: string): string {
  const issuer = issuerUrl.replace(/^https:\/\//, "");
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
          [`${issuer}:aud`]: "sts.amazonaws.com",
        },
      },
    }],
  });
}

/** An IAM role for one Kubernetes ServiceAccount (IRSA), trusted by nothing else. */
export function createIrsaRole(name: string, args: IrsaRoleArgs, opts: pulumi.CustomResourceOptions): aws.iam.Role {
  const role = new aws.iam.Role(name, {
    assumeRolePolicy: pulumi
      .all([args.oidcProviderArn, args.oidcIssuerUrl, args.namespace, args.serviceAccount])
      .apply(([arn, url, ns, sa]) => irsaTrustPolicy(arn, url, ns, sa)),
  }, opts);
  (args.policyArns ?? []).forEach((policyArn, i) => {
    new aws.iam.RolePolicyAttachment(`${name}-${i}`, { role: role.name, policyArn }, opts);
  });
  if (args.inlinePolicy !== undefined) new aws.iam.RolePolicy(name, { role: role.id, policy: args.inlinePolicy }, opts);
  return role;
}
