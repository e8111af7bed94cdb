import { always, type ResourceRule } from "../../../lib/rule";
import { IAM_ROLE } from "./lib/iam";
import { conditionValues, parsePolicy, type Statement } from "../../../lib/iam-policy";
import { eksIssuers, isPodIdentity, SA_SUBJECT } from "./lib/trust";

const hasWildcard = (v: string): boolean => /[*?]/.test(v);

/** Problems of one IRSA statement for one issuer. */
function irsaProblems(st: Statement, issuer: string): string[] {
  const out: string[] = [];
  const subKey = `${issuer}:sub`;
  const audKey = `${issuer}:aud`;
  const sub = conditionValues(st, "StringEquals", subKey);
  if (sub === undefined) {
    const like = conditionValues(st, "StringLike", subKey);
    out.push(
      like !== undefined
        ? `Condition.StringLike[${JSON.stringify(subKey)}] is ${JSON.stringify(like)}; it must be Condition.StringEquals with one "system:serviceaccount:<namespace>:<name>"`
        : `has no Condition.StringEquals[${JSON.stringify(subKey)}], so every ServiceAccount of the cluster may assume the role; it must be one "system:serviceaccount:<namespace>:<name>"`,
    );
  } else if (sub.length !== 1 || !SA_SUBJECT.test(sub[0]!)) {
    out.push(`Condition.StringEquals[${JSON.stringify(subKey)}] is ${JSON.stringify(sub)}; it must be exactly one "system:serviceaccount:<namespace>:<name>" without wildcards`);
  }
  const aud = conditionValues(st, "StringEquals", audKey);
  if (aud === undefined || aud.length === 0 || aud.some((v) => v !== "sts.amazonaws.com")) {
    out.push(`Condition.StringEquals[${JSON.stringify(audKey)}] is ${aud === undefined ? "unset" : JSON.stringify(aud)}; it must be "sts.amazonaws.com"`);
  }
  return out;
}

function podIdentityProblems(st: Statement): string[] {
  const out: string[] = [];
  for (const key of ["aws:RequestTag/kubernetes-namespace", "aws:RequestTag/kubernetes-service-account"]) {
    const values = conditionValues(st, "StringEquals", key);
    if (values === undefined || values.length !== 1 || values.some(hasWildcard) || values[0] === "") {
      out.push(`Condition.StringEquals[${JSON.stringify(key)}] is ${values === undefined ? "unset" : JSON.stringify(values)}; it must be one exact value`);
    }
  }
  return out;
}

export const irsaTrustScoped: ResourceRule = {
  kind: "resource",
  id: "irsa-trust-scoped",
  title: "IRSA and Pod Identity trust scoped to one ServiceAccount",
  description:
    'A Role trusted by an EKS OIDC provider (sts:AssumeRoleWithWebIdentity) requires Condition.StringEquals on <issuer>:sub = one "system:serviceaccount:<ns>:<sa>" and <issuer>:aud = "sts.amazonaws.com"; a Role trusted by pods.eks.amazonaws.com (Pod Identity) requires StringEquals on aws:RequestTag/kubernetes-namespace and aws:RequestTag/kubernetes-service-account.',
  severity: "critical",
  enforcement: always("mandatory"),
  references: [
    { framework: "custom", id: "eks-irsa-trust-policy" },
    { framework: "custom", id: "eks-pod-identity-trust-policy" },
  ],
  remediation:
    'Add Condition: {StringEquals: {"<issuer>:sub": "system:serviceaccount:<namespace>:<serviceaccount>", "<issuer>:aud": "sts.amazonaws.com"}} to the trust statement (Pod Identity: aws:RequestTag/kubernetes-namespace and aws:RequestTag/kubernetes-service-account).',
  targets: [IAM_ROLE],
  validate(resource, { report }) {
    const parsed = parsePolicy(resource.props["assumeRolePolicy"]);
    if (parsed.kind === "invalid") report(`assumeRolePolicy is ${parsed.reason}; its trust cannot be checked.`);
    if (parsed.kind !== "ok") return;
    for (const st of parsed.statements) {
      for (const issuer of eksIssuers(st)) {
        for (const problem of irsaProblems(st, issuer)) report(`assumeRolePolicy ${st.label} (web identity from ${issuer}): ${problem}.`);
      }
      if (isPodIdentity(st)) {
        for (const problem of podIdentityProblems(st)) report(`assumeRolePolicy ${st.label} (EKS Pod Identity): ${problem}.`);
      }
    }
  },
};
