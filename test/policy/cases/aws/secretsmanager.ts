import type { FixtureResource, PolicyCase } from "../../support/cases";
import { OMIT, SECRET, SECRET_ROTATION, UNKNOWN, patch, rotatedSecret, secret, secretRotation } from "../../fixtures/aws/data-services";

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
  { rule: "secret-rotation", name: "an exclusion without a real reason does not count", expect: "fail", message: "agents-secrets-server: no aws.secretsmanager.SecretRotation has its secretId from this secret", config: { exclude: [{ resource: "agents-secrets-server", reason: "n/a" }] }, resources: unrotated() },
  { rule: "secret-rotation", name: "an exclusion of another secret does not cover this one", expect: "fail", message: "agents-database-admin", config: { exclude: [{ resource: "agents-secrets-server", reason }] }, resources: unrotated("agents-database-admin", "agents-prod/database-admin") },
  { rule: "secret-rotation", name: "rotationRules unknown at preview", expect: "undecided", resources: rotatedSecret(patch(secretRotation(), { rotationRules: UNKNOWN.object })) },
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

export const secretsCases: PolicyCase[] = [...rotation, ...cmk];
