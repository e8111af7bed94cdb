/**
 * Secrets Manager rules (catalogue §3.5, §5.2): rotation (a stack rule, joining each Secret to the SecretRotation
 * whose secretId was computed from it, and each RDS-managed master user secret to the SecretRotation whose secretId
 * was computed from its instance or cluster) and the customer-managed key.
 */
import { always, type ResourceRule, type StackRule } from "../../../lib/rule";
import type { StackResource } from "../../../lib/stack-view";
import { num, records, show, str } from "../../../lib/values";
import { customerManagedKeyProblem, isSet, RDS_CLUSTER, RDS_INSTANCE, SECRET, SECRET_ROTATION } from "../lib/props";

/** Days between rotations from `rate(N days|hours|minutes)`; undefined for cron (accepted, CKV_AWS_304) or other text. */
function rateDays(expression: string): number | undefined {
  const m = /^rate\(\s*(\d+)\s+(day|days|hour|hours|minute|minutes)\s*\)$/i.exec(expression.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? "").toLowerCase();
  return unit.startsWith("day") ? n : unit.startsWith("hour") ? n / 24 : n / 1440;
}

/** Why the rotation does not rotate at least every `maxDays`, or undefined when it does. */
function rotationGap(rotation: StackResource, maxDays: number): string | undefined {
  const props = rotation.props;
  if (props["rotationEnabled"] === false) return `SecretRotation ${rotation.name} has rotationEnabled false`;
  const rules = records(props["rotationRules"])[0];
  if (!rules) return `SecretRotation ${rotation.name} has no rotationRules`;
  const after = rules["automaticallyAfterDays"];
  if (after !== undefined && after !== null) {
    const days = num(after);
    return days !== undefined && days > 0 && days <= maxDays ? undefined : `SecretRotation ${rotation.name} has rotationRules.automaticallyAfterDays ${show(after)}`;
  }
  const schedule = rules["scheduleExpression"];
  if (typeof schedule === "string" && schedule.trim() !== "") {
    if (/^cron\(/i.test(schedule.trim())) return undefined;
    const days = rateDays(schedule);
    return days !== undefined && days > 0 && days <= maxDays ? undefined : `SecretRotation ${rotation.name} has rotationRules.scheduleExpression ${show(schedule)}`;
  }
  return `SecretRotation ${rotation.name} sets neither rotationRules.automaticallyAfterDays nor rotationRules.scheduleExpression`;
}

export const secretRotation: StackRule = {
  kind: "stack",
  id: "secret-rotation",
  title: "Secrets Manager secrets rotate",
  description:
    "Every Secrets Manager secret has an aws.secretsmanager.SecretRotation (joined by the secretId computed from it, or a literal secretId equal to the secret's name) that rotates at least every maxRotationDays (default 90). The secret RDS creates for an instance or cluster with manageMasterUserPassword: true is no Secret of the program: RDS rotates it every 7 days unless told otherwise (@pulumi/aws@7.48.0 rds/instance.d.ts:275), so it passes without a SecretRotation, and a SecretRotation whose secretId is computed from that instance or cluster (masterUserSecrets[0].secretArn) must keep it within maxRotationDays (rotationEnabled false fails). Secrets that cannot be rotated automatically, such as third-party API keys, are excluded by name in the pack config with a reason (the pack's shared `exclude`).",
  severity: "medium",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "SecretsManager.1" },
    { framework: "FSBP", id: "SecretsManager.4" },
    { framework: "CKV", id: "CKV2_AWS_57" },
    { framework: "CKV", id: "CKV_AWS_304" },
  ],
  remediation:
    "Add an aws.secretsmanager.SecretRotation with secretId: secret.id, a rotation Lambda and rotationRules.automaticallyAfterDays ≤ 90; for a secret that cannot rotate (a vendor API key), add { resource, reason } to this rule's exclude in the pack config.",
  targets: [SECRET, SECRET_ROTATION, RDS_INSTANCE, RDS_CLUSTER],
  configSchema: {
    maxRotationDays: { type: "integer", default: 90, description: "Longest accepted rotation interval, days (FSBP SecretsManager.4 default 90)." },
  },
  validate(stack, { config, report }) {
    const maxDays = num(config["maxRotationDays"]) ?? 90;

    // Rotations that name their secret literally (an existing secret's name or ARN), for the fallback join.
    let literal: Map<string, StackResource[]> | undefined;
    const literalRotations = (name: string): StackResource[] => {
      if (!literal) {
        literal = new Map();
        for (const r of stack.ofType(SECRET_ROTATION)) {
          if ((r.propertyDependencies["secretId"] ?? []).length > 0) continue;
          const id = str(r.props["secretId"]);
          if (id !== undefined) literal.set(id, [...(literal.get(id) ?? []), r]);
        }
      }
      return literal.get(name) ?? [];
    };

    // Once, not per secret: whether any rotation names its secret literally (no link), so name matching is needed.
    const anyLiteral = stack.ofType(SECRET_ROTATION).some((r) => (r.propertyDependencies["secretId"] ?? []).length === 0);
    for (const secret of stack.ofType(SECRET)) {
      let rotations = stack.linked(secret, [SECRET_ROTATION], "secretId");
      if (rotations.length === 0 && anyLiteral && isSet(secret.props, "name")) {
        const name = str(secret.props["name"]);
        if (name !== undefined) rotations = literalRotations(name);
      }
      if (rotations.length === 0) {
        report(
          `${secret.name}: no aws.secretsmanager.SecretRotation has its secretId from this secret, so it never rotates; add one rotating at least every ${maxDays} days, or exclude the secret by name (exclude, with the reason rotation is impossible).`,
          secret.urn,
        );
        continue;
      }
      const gaps = rotations.map((r) => rotationGap(r, maxDays));
      if (gaps.every((g) => g !== undefined)) report(`${secret.name}: ${gaps.join("; ")}; it must rotate at least every ${maxDays} days (automaticallyAfterDays ≤ ${maxDays}, rate(≤ ${maxDays} days) or cron(...)).`, secret.urn);
    }

    // The master user secrets RDS manages: rotated by RDS (7 days) unless a SecretRotation of theirs says otherwise.
    for (const db of stack.ofType(RDS_INSTANCE, RDS_CLUSTER)) {
      if (db.props["manageMasterUserPassword"] !== true) continue;
      const rotations = stack.linked(db, [SECRET_ROTATION], "secretId");
      if (rotations.length === 0) continue;
      const gaps = rotations.map((r) => rotationGap(r, maxDays));
      if (gaps.every((g) => g !== undefined)) {
        report(`${db.name}: the master user secret RDS manages (manageMasterUserPassword) is held back by ${gaps.join("; ")}; it must rotate at least every ${maxDays} days (RDS's own default is 7).`, db.urn);
      }
    }
  },
};

export const secretCmk: ResourceRule = {
  kind: "resource",
  id: "secret-cmk",
  title: "Secrets Manager secret encrypted with a customer-managed key",
  description: "Secrets Manager secrets set kmsKeyId to a customer-managed KMS key, not the AWS managed alias/aws/secretsmanager, so the key policy can scope kms:Decrypt per role.",
  severity: "medium",
  enforcement: always("mandatory"),
  references: [
    { framework: "CKV", id: "CKV_AWS_149" },
    { framework: "AVD", id: "AWS-0098" },
  ],
  remediation: "Create an aws.kms.Key (rotation on) and pass its ARN as kmsKeyId; grant kms:Decrypt on it only to the roles that read the secret.",
  targets: [SECRET],
  validate({ props }, { report }) {
    const problem = customerManagedKeyProblem(props, "Secrets Manager uses the AWS managed key alias/aws/secretsmanager");
    if (problem) report(problem);
  },
};

export const secretsManagerRules = [secretRotation, secretCmk];
