import { always, type ResourceRule } from "../../../lib/rule";
import { IAM_ROLE } from "./lib/iam";
import { isAllow, parsePolicy } from "../../../lib/iam-policy";

export const iamTrustNotPublic: ResourceRule = {
  kind: "resource",
  id: "iam-trust-not-public",
  title: "Role trust policy does not admit everyone",
  description: 'No Allow statement of a Role\'s assumeRolePolicy trusts Principal "*" (or {AWS: "*"}, or a "*" in any principal list), or uses NotPrincipal.',
  severity: "critical",
  enforcement: always("mandatory"),
  references: [{ framework: "CKV", id: "CKV_AWS_60" }],
  remediation: "Trust the exact principal that assumes the role: a service (Service: ec2.amazonaws.com), an account's role ARN, or a federated provider with conditions.",
  targets: [IAM_ROLE],
  validate(resource, { report }) {
    const parsed = parsePolicy(resource.props["assumeRolePolicy"]);
    if (parsed.kind === "invalid") report(`assumeRolePolicy is ${parsed.reason}; it must be a trust policy document.`);
    if (parsed.kind === "absent") report("assumeRolePolicy is unset; it must name who may assume the role.");
    if (parsed.kind !== "ok") return;
    for (const st of parsed.statements) {
      if (!isAllow(st)) continue;
      if (st.principal?.wildcard) {
        report(`assumeRolePolicy ${st.label}: Allow trusts Principal ${st.principal.text}, which is anyone in any account; allowed: named principals (Service, AWS role ARNs, Federated provider).`);
      }
      if (st.notPrincipal !== undefined) {
        report(`assumeRolePolicy ${st.label}: Allow with NotPrincipal trusts everyone but the listed principals; allowed: a Principal naming who may assume the role.`);
      }
    }
  },
};
