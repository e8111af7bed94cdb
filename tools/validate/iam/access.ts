// Access each identity of the plan must have, and must not: evaluated with @cloud-copilot/iam-simulate over the
// plan's own identity, bucket, key and trust policies.
// - Every role trusted through an OIDC provider (IRSA) can be assumed by the service account its trust names, and
//   not by another service account, another audience or another provider.
// - A role whose identity policy writes one prefix of a bucket (the backup role) may put (SSE-KMS, over TLS), get and
//   list that prefix and use its key; not over plain HTTP, not without SSE-KMS, not another prefix or bucket, not
//   the bucket itself, not another key; and another principal may not write there.
import { type Finding, type PlanResource } from "../finding";
import { list, policyDocuments, type PolicyDocument, statementsOf } from "./documents";
import { type AccessRequest, defaultKeyPolicy, evaluate } from "./simulate";

const SOURCE = "@cloud-copilot/iam-simulate 0.1.173 (AWS policy evaluation) over the plan's policies";

interface Expectation {
  what: string;
  request: AccessRequest;
  allowed: boolean;
}

function arnAccount(arn: string): string {
  return arn.split(":")[4] ?? "";
}

function stringOutput(resource: PlanResource | undefined, key: string): string | undefined {
  const value = resource?.outputs?.[key];
  return typeof value === "string" ? value : undefined;
}

/** IRSA: `sub` and `aud` of each OIDC trust, as the trust names them. */
function irsaExpectations(doc: PolicyDocument, roleArn: string): Expectation[] {
  const out: Expectation[] = [];
  for (const statement of statementsOf(doc.document)) {
    if (statement.Effect !== "Allow" || !list(statement.Action).includes("sts:AssumeRoleWithWebIdentity")) continue;
    for (const provider of list((statement.Principal as { Federated?: unknown } | undefined)?.Federated)) {
      const host = provider.replace(/^arn:[^:]+:iam::[^:]*:oidc-provider\//, "");
      const equals = (statement.Condition?.["StringEquals"] ?? {});
      const sub = list(equals[`${host}:sub`])[0];
      if (!sub) continue;
      const base = { action: "sts:AssumeRoleWithWebIdentity", resource: roleArn, resourceAccount: arnAccount(roleArn), identityPolicies: [], resourcePolicy: doc.document, webIdentityIssuer: host };
      const context = (s: string, aud = "sts.amazonaws.com") => ({ [`${host}:sub`]: s, [`${host}:aud`]: aud });
      out.push(
        { what: `its service account ${sub} assumes it`, allowed: true, request: { ...base, principal: provider, context: context(sub) } },
        { what: "another service account cannot assume it", allowed: false, request: { ...base, principal: provider, context: context("system:serviceaccount:default:default") } },
        { what: "a token for another audience cannot assume it", allowed: false, request: { ...base, principal: provider, context: context(sub, "other.example") } },
        { what: "another identity provider cannot assume it", allowed: false, request: { ...base, principal: provider.replace(/[^/]+$/, "0000000000000000000000000000FFFF"), context: context(sub) } },
      );
    }
  }
  return out;
}

/** The prefix contract of a role that writes `arn:aws:s3:::BUCKET/PREFIX/*`. */
function prefixExpectations(identity: PolicyDocument, roleArn: string, docs: readonly PolicyDocument[], resources: readonly PlanResource[]): Expectation[] {
  const statements = statementsOf(identity.document);
  const write = statements.find((s) => s.Effect === "Allow" && list(s.Action).includes("s3:PutObject"));
  const target = write && list(write.Resource).map((r) => /^arn:aws:s3:::([^/]+)\/(.+)\/\*$/.exec(r)).find((m) => m);
  if (!target) return [];
  const [, bucket, prefix] = target as unknown as [string, string, string];
  const bucketPolicy = docs.find((d) => d.kind === "bucket" && d.text.includes(`arn:aws:s3:::${bucket}"`))?.document;
  const keyArn = statements.flatMap((s) => list(s.Resource)).find((r) => r.startsWith("arn:aws:kms:"));
  const key = resources.find((r) => r.type === "aws:kms/key:Key" && stringOutput(r, "arn") === keyArn);
  const account = arnAccount(roleArn);
  const keyPolicy = key && typeof key.inputs["policy"] === "string" ? (JSON.parse(key.inputs["policy"]) as unknown) : defaultKeyPolicy(account);
  const tls = { "aws:SecureTransport": "true", "s3:TlsVersion": "1.3" };
  const kms = { "s3:x-amz-server-side-encryption": "aws:kms" };
  const s3 = (action: string, resource: string, context: Record<string, string>, principal = roleArn): AccessRequest => ({
    principal, action, resource, resourceAccount: account, context, identityPolicies: principal === roleArn ? [identity.document] : [], resourcePolicy: bucketPolicy,
  });
  const object = `arn:aws:s3:::${bucket}/${prefix}/base/0001.dump`;
  const out: Expectation[] = [
    { what: `puts an object under ${prefix}/ with SSE-KMS over TLS`, allowed: true, request: s3("s3:PutObject", object, { ...tls, ...kms }) },
    { what: `gets an object under ${prefix}/`, allowed: true, request: s3("s3:GetObject", object, tls) },
    { what: `lists ${prefix}/`, allowed: true, request: s3("s3:ListBucket", `arn:aws:s3:::${bucket}`, { ...tls, "s3:prefix": `${prefix}/` }) },
    { what: "cannot put over plain HTTP", allowed: false, request: s3("s3:PutObject", object, { ...kms, "aws:SecureTransport": "false" }) },
    { what: "cannot put over TLS 1.1", allowed: false, request: s3("s3:PutObject", object, { ...kms, "aws:SecureTransport": "true", "s3:TlsVersion": "1.1" }) },
    { what: "cannot put with SSE-S3 instead of SSE-KMS", allowed: false, request: s3("s3:PutObject", object, { ...tls, "s3:x-amz-server-side-encryption": "AES256" }) },
    { what: `cannot put outside ${prefix}/`, allowed: false, request: s3("s3:PutObject", `arn:aws:s3:::${bucket}/elsewhere/x`, { ...tls, ...kms }) },
    { what: "cannot put in another bucket", allowed: false, request: s3("s3:PutObject", `arn:aws:s3:::another-bucket/${prefix}/x`, { ...tls, ...kms }) },
    { what: "cannot list another prefix", allowed: false, request: s3("s3:ListBucket", `arn:aws:s3:::${bucket}`, { ...tls, "s3:prefix": "elsewhere/" }) },
    { what: "cannot change the bucket policy", allowed: false, request: s3("s3:PutBucketPolicy", `arn:aws:s3:::${bucket}`, tls) },
    { what: "cannot delete the bucket", allowed: false, request: s3("s3:DeleteBucket", `arn:aws:s3:::${bucket}`, tls) },
    { what: "another principal cannot put there", allowed: false, request: s3("s3:PutObject", object, { ...tls, ...kms }, `arn:aws:iam::${account}:role/another-role`) },
  ];
  if (keyArn) {
    const kmsRequest = (action: string, resource: string): AccessRequest => ({ principal: roleArn, action, resource, resourceAccount: account, context: {}, identityPolicies: [identity.document], resourcePolicy: keyPolicy });
    out.push(
      { what: "generates data keys with its key", allowed: true, request: kmsRequest("kms:GenerateDataKey", keyArn) },
      { what: "decrypts with its key", allowed: true, request: kmsRequest("kms:Decrypt", keyArn) },
      { what: "cannot use another key", allowed: false, request: kmsRequest("kms:Decrypt", keyArn.replace(/key\/.*$/, "key/00000000-0000-4000-8000-000000000000")) },
      { what: "cannot schedule its key's deletion", allowed: false, request: kmsRequest("kms:ScheduleKeyDeletion", keyArn) },
    );
  }
  return out;
}

export async function checkAccess(resources: readonly PlanResource[]): Promise<Finding[]> {
  const docs = policyDocuments(resources);
  const findings: Finding[] = [];
  const roles = resources.filter((r) => r.type === "aws:iam/role:Role");
  const run = async (doc: PolicyDocument, expectations: Expectation[]) => {
    for (const e of expectations) {
      const result = await evaluate(e.request);
      const ok = e.allowed ? result === "Allowed" : result === "ImplicitlyDenied" || result === "ExplicitlyDenied";
      if (!ok) {
        findings.push({ kind: "iam", resource: doc.resource.name, type: doc.resource.type, property: doc.property, value: `${e.request.action} on ${e.request.resource} by ${e.request.principal}`, rule: `${e.allowed ? "must be allowed" : "must be denied"} (${e.what}), but the evaluation says ${result}`, source: SOURCE });
      }
    }
  };
  for (const doc of docs) {
    if (doc.kind === "trust") {
      const roleArn = stringOutput(doc.resource, "arn");
      if (roleArn) await run(doc, irsaExpectations(doc, roleArn));
    } else if (doc.kind === "identity" && doc.resource.type === "aws:iam/rolePolicy:RolePolicy") {
      const roleName = doc.resource.inputs["role"];
      const role = roles.find((r) => stringOutput(r, "name") === roleName);
      const roleArn = stringOutput(role, "arn");
      if (roleArn) await run(doc, prefixExpectations(doc, roleArn, docs, resources));
    }
  }
  return findings;
}
