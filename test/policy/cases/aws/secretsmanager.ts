import type { FixtureResource, PolicyCase } from "../../support/cases";
import { OMIT, RDS_INSTANCE, SECRET, SECRET_ROTATION, UNKNOWN, patch, rdsInstance, rotatedSecret, secret, secretRotation } from "../../fixtures/aws/data-services";

const rotatedEvery = (rules: Record<string, unknown>) => rotatedSecret(secretRotation(rules));
/** The program's secrets: stored with a CMK, no SecretRotation. */
const unrotated = (name = "agents-secrets-server", physical = "agents-prod/server"): FixtureResource[] => [{ type: SECRET, name, props: secret(physical) }];
const reason = "the agent server's encryption key protects data at rest in Postgres; rotating it would orphan every encrypted row";

const rotation: PolicyCase[] = [
  { rule: "secret-rotation", name: "rotation every 30 days joined by secretId", expect: "pass", resources: rotatedSecret() },
  { rule: "secret-rotation", name: "no SecretRotation (the program's secrets)", expect: "fail", message: "agents-secrets-server: no aws.secretsmanager.SecretRotation has its secretId from this secret", resources: unrotated() },
  { rule: "secret-rotation", name: "automaticallyAfterDays 365 exceeds 90", expect: "fail", message: "rotationRules.automaticallyAfterDays 365", resources: rotatedEvery({ automaticallyAfterDays: 365 }) },
  { rule: "secret-rotation", name: "automaticallyAfterDays exactly 90", expect: "pass", resources: rotatedEvery({ automaticallyAfterDays: 90 }) },
  { rule: "secret-rotation", name: "config maxRotationDays 30 rejects 60", expect: "fail", config: { maxRotationDays: 30 }, message: "it must rotate at least every 30 days", resources: rotatedEvery({ automaticallyAfterDays: 60 }) },
  { rule: "secret-rotation", name: "rate(30 days)", expect: "pass", resources: rotatedEvery({ scheduleExpression: "rate(30 days)" }) },
  { rule: "secret-rotation", name: "rate(4 hours)", expect: "pass", resources: rotatedEvery({ scheduleExpression: "rate(4 hours)" }) },
  { rule: "secret-rotation", name: "rate(180 days) exceeds 90", expect: "fail", message: 'scheduleExpression "rate(180 days)"', resources: rotatedEvery({ scheduleExpression: "rate(180 days)" }) },
  { rule: "secret-rotation", name: "cron schedule (accepted as checkov does)", expect: "pass", resources: rotatedEvery({ scheduleExpression: "cron(0 16 1,15 * ? *)" }) },
  { rule: "secret-rotation", name: "rotationRules omitted", expect: "fail", message: "has no rotationRules", resources: rotatedSecret(patch(secretRotation(), { rotationRules: OMIT })) },
  { rule: "secret-rotation", name: "rotationEnabled false", expect: "fail", message: "rotationEnabled false", resources: rotatedSecret(patch(secretRotation(), { rotationEnabled: false })) },
  {
    rule: "secret-rotation",
    name: "literal secretId equal to the secret's name (fallback join)",
    expect: "pass",
    resources: [
      { type: SECRET, name: "db-admin", props: secret("agents-prod/database-admin") },
      { type: SECRET_ROTATION, name: "rotation", props: patch(secretRotation(), { secretId: "agents-prod/database-admin" }) },
    ],
  },
  {
    rule: "secret-rotation",
    name: "non-matching link: the rotation belongs to another secret",
    expect: "fail",
    message: "db-app: no aws.secretsmanager.SecretRotation",
    resources: [...rotatedSecret(), { type: SECRET, name: "db-app", props: secret("agents-prod/database-app") }],
  },
  { rule: "secret-rotation", name: "excluded by resource name with a reason", expect: "pass", config: { exclude: [{ resource: "agents-secrets-server", reason }] }, resources: unrotated() },
  { rule: "secret-rotation", name: "excluded by resource name glob (an LLM provider key)", expect: "pass", config: { exclude: [{ resource: "llm-*", reason: "OpenAI and Anthropic API keys have no rotation API; rotated by hand each quarter" }] }, resources: unrotated("llm-openai", "agents-prod/llm-openai") },
  // An exclusion without a real reason ("n/a") never reaches the rule: the config's schema (minLength 20) stops the
  // run before Configure, as the CLI's reconciliation does (test/policy/runner.test.ts).
  { rule: "secret-rotation", name: "an exclusion of another secret does not cover this one", expect: "fail", message: "agents-database-admin", config: { exclude: [{ resource: "agents-secrets-server", reason }] }, resources: unrotated("agents-database-admin", "agents-prod/database-admin") },
  { rule: "secret-rotation", name: "rotationRules unknown at preview", expect: "undecided", resources: rotatedSecret(patch(secretRotation(), { rotationRules: UNKNOWN.object })) },
];

/** RdsPostgres: RDS manages the master password; the rotation's secretId is computed from the instance (masterUserSecrets[0].secretArn). */
const RDS_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0f0e0d0c-0b0a-4909-8807-060504030201-AbCdEf";
const managedDb = (rotation?: Record<string, unknown>, instance: Record<string, unknown> = {}): FixtureResource[] => [
  { type: RDS_INSTANCE, name: "agents-database-instance", props: patch(rdsInstance(), instance) },
  ...(rotation ? [{ type: SECRET_ROTATION, name: "agents-database-admin-rotation", props: { secretId: RDS_SECRET_ARN, rotateImmediately: false, ...rotation }, propertyDependencies: { secretId: ["agents-database-instance"] } }] : []),
];
const weekly = { rotationRules: { scheduleExpression: "cron(0 10 ? * TUE *)", duration: "2h" } };

const rdsManaged: PolicyCase[] = [
  { rule: "secret-rotation", name: "RDS-managed master secret without a SecretRotation (RDS rotates it every 7 days)", expect: "pass", resources: managedDb() },
  { rule: "secret-rotation", name: "RDS-managed master secret with the program's weekly rotation", expect: "pass", resources: managedDb(weekly) },
  {
    rule: "secret-rotation", name: "RDS-managed master secret with rotation turned off", expect: "fail",
    message: "agents-database-instance: the master user secret RDS manages (manageMasterUserPassword) is held back by SecretRotation agents-database-admin-rotation has rotationEnabled false",
    resources: managedDb({ rotationEnabled: false }),
  },
  { rule: "secret-rotation", name: "RDS-managed master secret rotated only yearly", expect: "fail", message: "rotationRules.automaticallyAfterDays 365", resources: managedDb({ rotationRules: { automaticallyAfterDays: 365 } }) },
  // Without manageMasterUserPassword RDS creates no secret: a SecretRotation computed from the instance judges nothing.
  { rule: "secret-rotation", name: "instance with passwordWo: no RDS-managed secret to judge", expect: "pass", resources: managedDb({ rotationEnabled: false }, { manageMasterUserPassword: OMIT, passwordWo: "generated", passwordWoVersion: 1 }) },
];

const single = (changes: Record<string, unknown> = {}): FixtureResource[] => [{ type: SECRET, name: "db-admin", props: patch(secret(), changes) }];

const cmk: PolicyCase[] = [
  { rule: "secret-cmk", name: "customer-managed key ARN", expect: "pass", resources: single() },
  { rule: "secret-cmk", name: "kmsKeyId omitted (aws/secretsmanager)", expect: "fail", message: "kmsKeyId is unset, so Secrets Manager uses the AWS managed key alias/aws/secretsmanager", resources: single({ kmsKeyId: OMIT }) },
  { rule: "secret-cmk", name: "AWS managed alias by name", expect: "fail", message: 'kmsKeyId is "alias/aws/secretsmanager", an AWS managed key', resources: single({ kmsKeyId: "alias/aws/secretsmanager" }) },
  { rule: "secret-cmk", name: "AWS managed alias by ARN", expect: "fail", message: "an AWS managed key", resources: single({ kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:alias/aws/secretsmanager" }) },
  { rule: "secret-cmk", name: "customer alias accepted", expect: "pass", resources: single({ kmsKeyId: "alias/agents-prod-secrets" }) },
  { rule: "secret-cmk", name: "kmsKeyId unknown at preview", expect: "undecided", resources: single({ kmsKeyId: UNKNOWN.string }) },
];

export const secretsCases: PolicyCase[] = [...rotation, ...rdsManaged, ...cmk];
