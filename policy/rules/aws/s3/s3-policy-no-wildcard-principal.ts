import { always, type ResourceRule } from "../../../lib/rule";
import { BUCKET_TYPES, POLICY_TYPES } from "./lib/s3";
import { isAllow, parsePolicy, type Principal } from "../../../lib/iam-policy";

const wildcards = (p: Principal): string[] => [...p.aws, ...p.service, ...p.federated, ...p.canonicalUser].filter((v) => v.includes("*"));

export const s3PolicyNoWildcardPrincipal: ResourceRule = {
  kind: "resource",
  id: "s3-policy-no-wildcard-principal",
  title: "S3 bucket policy allows only named principals",
  description:
    'No Allow statement of a BucketPolicy (or a bucket\'s own policy input) has Principal "*", {AWS: "*"} or a wildcard principal ARN, or uses NotPrincipal.',
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "FSBP", id: "S3.6" },
    { framework: "CKV", id: "CKV_AWS_70" },
  ],
  remediation: "Grant to the exact principals that need access (the backup job's IRSA role ARN, a service principal with aws:SourceAccount), never to \"*\".",
  targets: [...POLICY_TYPES, ...BUCKET_TYPES],
  validate(resource, { report }) {
    const parsed = parsePolicy(resource.props["policy"]);
    if (parsed.kind === "invalid") report(`policy is ${parsed.reason}; it must be a bucket policy document.`);
    if (parsed.kind !== "ok") return;
    for (const st of parsed.statements) {
      if (!isAllow(st)) continue;
      if (st.principal?.wildcard) {
        report(`policy ${st.label}: Allow to Principal ${st.principal.text} lets anyone (any account, anonymous) in; allowed: named principals (role ARNs, service principals).`);
      } else if (st.principal && wildcards(st.principal).length > 0) {
        report(`policy ${st.label}: Allow to Principal ${st.principal.text} uses a wildcard (${JSON.stringify(wildcards(st.principal))}); allowed: exact principal ARNs.`);
      }
      if (st.notPrincipal !== undefined) {
        report(`policy ${st.label}: Allow with NotPrincipal admits everyone but the listed principals; allowed: a Principal naming who may access.`);
      }
    }
  },
};
