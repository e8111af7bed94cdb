import { always, type StackRule } from "../../../lib/rule";
import { BUCKET_TYPES, buckets, label, POLICY_TYPES, sideResources } from "./lib/s3";
import { conditionValues, isDeny, parsePolicy, type Statement } from "../../../lib/iam-policy";

const BUCKET_ARN = /^arn:[^:]+:s3:::[^/*]+$/;
const OBJECTS_ARN = /^arn:[^:]+:s3:::[^/*]+\/\*$/;

/** What keeps a statement from being the TLS-only denial, or undefined when it is one. */
function tlsDenyGap(st: Statement): string | undefined {
  const secure = conditionValues(st, "Bool", "aws:SecureTransport") ?? conditionValues(st, "BoolIfExists", "aws:SecureTransport");
  if (!secure || !secure.some((v) => v.toLowerCase() === "false")) return 'Condition.Bool["aws:SecureTransport"] is not "false"';
  if (!isDeny(st)) return `Effect is ${JSON.stringify(st.effect)}, not "Deny"`;
  if (!st.principal?.wildcard) return 'Principal is not "*"';
  if (!(st.action ?? []).some((a) => a === "*" || a.toLowerCase() === "s3:*")) return `Action is ${JSON.stringify(st.action ?? st.notAction ?? null)}, not "s3:*"`;
  const resources = st.resource ?? [];
  const all = resources.includes("*");
  if (!all && !(resources.some((r) => BUCKET_ARN.test(r)) && resources.some((r) => OBJECTS_ARN.test(r)))) {
    return `Resource is ${JSON.stringify(resources)}; it must cover the bucket ARN and "<bucket ARN>/*"`;
  }
  return undefined;
}

/** A reason the document lacks the denial, or undefined when it has it. */
function missingTlsDeny(value: unknown): string | undefined {
  const parsed = parsePolicy(value);
  if (parsed.kind === "absent") return "is empty";
  if (parsed.kind === "invalid") return `is ${parsed.reason}`;
  const gaps = parsed.statements.map((st) => ({ st, gap: tlsDenyGap(st) }));
  if (gaps.some((g) => g.gap === undefined)) return undefined;
  const near = gaps.find((g) => !g.gap!.startsWith("Condition"));
  return near ? `has no TLS-only denial (${near.st.label}: ${near.gap})` : "has no statement denying requests with aws:SecureTransport false";
}

const REQUIRED =
  'required: {Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [<bucket ARN>, "<bucket ARN>/*"], Condition: {Bool: {"aws:SecureTransport": "false"}}}';

export const s3TlsOnlyPolicy: StackRule = {
  kind: "stack",
  id: "s3-tls-only-policy",
  title: "S3 bucket policy denies requests without TLS",
  description:
    'Every bucket\'s policy (its BucketPolicy, linked through the bucket input, else the bucket\'s own policy) has a statement with Effect "Deny", Principal "*", Action "s3:*", Resource covering the bucket and its objects, and Condition Bool aws:SecureTransport "false".',
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "S3.5" },
    { framework: "custom", id: "s3-secure-transport-deny" },
  ],
  remediation: `Add to the bucket policy ${REQUIRED.replace("required: ", "")}.`,
  targets: [...BUCKET_TYPES, ...POLICY_TYPES],
  validate(view, { report }) {
    for (const bucket of buckets(view)) {
      const policies = sideResources(view, bucket, POLICY_TYPES);
      for (const policy of policies) {
        const gap = missingTlsDeny(policy.props["policy"]);
        if (gap !== undefined) report(`${label(policy)} (for ${label(bucket)}): policy ${gap}; ${REQUIRED}.`, bucket.urn);
      }
      if (policies.length > 0) continue;
      const gap = missingTlsDeny(bucket.props["policy"]);
      if (gap !== undefined) {
        report(`${label(bucket)}: no BucketPolicy has its bucket input from this bucket and its own policy ${gap}; ${REQUIRED}.`, bucket.urn);
      }
    }
  },
};
