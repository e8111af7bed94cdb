import { readFileSync } from "node:fs";
import * as path from "node:path";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createIrsaRole } from "../cluster/irsa-role";
import { createDatabaseJobServiceAccount, databaseJobServiceAccountName } from "./job-service-accounts";

/** Where a pod's admin password file lives: an in-memory emptyDir, so the password never touches a node's disk. */
export const ADMIN_PASSFILE_DIR = "/run/pgpass";
export const ADMIN_PASSFILE = `${ADMIN_PASSFILE_DIR}/pgpass`;

/**
 * Pod label of the pods that call AWS APIs themselves (STS for IRSA, Secrets Manager) over HTTPS: the bootstrap Job on
 * RDS. The namespace's database-jobs NetworkPolicy allows only DNS and Postgres; a policy selecting this label adds 443.
 */
export const AWS_API_CLIENT_LABEL = "agent-platform/aws-api-client";

/** The RDS-managed master user secret a Job reads at run time (never a copy in Kubernetes). */
export interface AdminSecret {
  secretArn: pulumi.Output<string>;
  /** The KMS key RDS encrypts the secret with (masterUserSecretKmsKeyId). */
  kmsKeyArn: pulumi.Output<string>;
}

/**
 * IAM statements that read exactly this secret: secretsmanager:GetSecretValue on its ARN, and kms:Decrypt on its key
 * only when Secrets Manager makes the call for the role (kms:ViaService), so the grant cannot decrypt anything else
 * with that key directly.
 */
export function adminSecretReadStatements(secretArn: string, kmsKeyArn: string, region: string): Record<string, unknown>[] {
  return [
    { Sid: "ReadTheDatabaseAdminSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn },
    {
      Sid: "DecryptItThroughSecretsManager", Effect: "Allow", Action: "kms:Decrypt", Resource: kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
    },
  ];
}

/** The scripts the init container runs: the backup scripts' common.sh (load_admin_password) and its wrapper. */
export function adminPasswordScripts(): Record<string, string> {
  const dir = path.join(__dirname, "..", "backup", "scripts");
  return Object.fromEntries(["common.sh", "fetch-admin-credentials.sh"].map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));
}

export interface AdminSecretAccessArgs {
  instance: string;
  namespace: pulumi.Input<string>;
  secret: AdminSecret;
  /** The AWS region (kms:ViaService names the regional Secrets Manager endpoint). */
  region: string;
  oidc: { providerArn: pulumi.Input<string>; issuerUrl: pulumi.Input<string> };
  provider: k8s.Provider;
}

/**
 * The bootstrap Job's identity on RDS: a ServiceAccount whose IRSA role reads the admin secret and nothing else. The
 * AWS provider comes from this component's `providers` option.
 */
export class AdminSecretAccess extends pulumi.ComponentResource {
  public readonly serviceAccountName: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: AdminSecretAccessArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:database:AdminSecretAccess", name, {}, opts);
    // The bootstrap Job's own ServiceAccount (the one it has without RDS too), with the role annotated on it.
    const serviceAccount = databaseJobServiceAccountName(args.instance, "bootstrap");
    const role = createIrsaRole(`${name}-irsa`, {
      oidcProviderArn: args.oidc.providerArn, oidcIssuerUrl: args.oidc.issuerUrl, namespace: args.namespace, serviceAccount,
      inlinePolicy: pulumi.all([args.secret.secretArn, args.secret.kmsKeyArn]).apply(([secretArn, keyArn]) =>
        JSON.stringify({ Version: "2012-10-17", Statement: adminSecretReadStatements(secretArn, keyArn, args.region) })),
    }, { parent: this });
    // No Kubernetes API token (createDatabaseJobServiceAccount): the EKS pod identity webhook projects its own web
    // identity token for STS (not checked here against aws/amazon-eks-pod-identity-webhook; docs/verification.md).
    const sa = createDatabaseJobServiceAccount(`${name}-sa`, {
      namespace: args.namespace, instance: args.instance, role: "bootstrap", annotations: { "eks.amazonaws.com/role-arn": role.arn }, provider: args.provider,
    }, { parent: this });
    this.serviceAccountName = sa.metadata.name;
    this.roleArn = role.arn;
    this.registerOutputs({ serviceAccountName: this.serviceAccountName, roleArn: this.roleArn });
  }
}
