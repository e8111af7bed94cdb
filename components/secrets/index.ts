export { createKmsKey } from "./kms-key";
export { PlatformSecrets, type PlatformSecretsArgs } from "./platform-secrets";
