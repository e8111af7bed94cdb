import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/**
 * A customer-managed KMS key with yearly rotation and the 30-day deletion window, plus an alias so operators can
 * find it. `aliasName` must be unique in the account and region: derive it from the stack. `retainOnDelete` keeps
 * the key (not the alias) when the stack goes, for what outlives it, such as a final snapshot it encrypts. Each concern (secrets, cluster, database, backups) gets its own key, so revoking one does not break all.
 */
export function createKmsKey(name: string, aliasName: string, description: string, opts: pulumi.CustomResourceOptions, keyOpts: { retainOnDelete?: boolean } = {}): aws.kms.Key {
  const key = new aws.kms.Key(name, {
    description,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
  }, { ...opts, ...keyOpts });
  new aws.kms.Alias(`${name}-alias`, { name: `alias/${aliasName}`, targetKeyId: key.keyId }, opts);
  return key;
}
