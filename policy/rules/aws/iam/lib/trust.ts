/**
 * Reading IAM role trust policies for IRSA (an EKS cluster's OIDC provider, sts:AssumeRoleWithWebIdentity) and EKS
 * Pod Identity (pods.eks.amazonaws.com, sts:AssumeRole + sts:TagSession).
 */
import { patternMatches, statementCovers } from "./actions";
import { isAllow, type Statement } from "../../../../lib/iam-policy";

export const WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";
export const POD_IDENTITY_SERVICE = "pods.eks.amazonaws.com";
export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";

/** The issuer host/path of an IAM OIDC provider ARN (arn:aws:iam::<acct>:oidc-provider/<issuer>), else undefined. */
export function oidcIssuer(federated: string): string | undefined {
  const m = /^arn:aws[a-z-]*:iam::[^:]*:oidc-provider\/(.+)$/.exec(federated);
  return m?.[1];
}

/** EKS cluster issuers (oidc.eks.<region>.amazonaws.com/id/<ID>) an Allow statement trusts for web identity. */
export function eksIssuers(st: Statement): string[] {
  if (!isAllow(st) || !st.principal || !statementCovers(st, WEB_IDENTITY)) return [];
  return st.principal.federated.flatMap((f) => {
    const issuer = oidcIssuer(f);
    return issuer !== undefined && issuer.includes("oidc.eks.") ? [issuer] : [];
  });
}

export function isPodIdentity(st: Statement): boolean {
  return isAllow(st) && st.principal !== undefined && st.principal.service.includes(POD_IDENTITY_SERVICE) && statementCovers(st, "sts:AssumeRole");
}

/** `system:serviceaccount:<namespace>:<name>` with DNS-label names and no wildcard. */
export const SA_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

/** Whether any IRSA statement of the trust policy admits this subject (StringEquals exactly, or a StringLike pattern). */
export function trustsSubject(statements: readonly Statement[], subject: string): boolean {
  return statements.some((st) =>
    eksIssuers(st).some((issuer) => {
      const key = `${issuer}:sub`.toLowerCase();
      return Object.entries(st.condition).some(([operator, block]) =>
        Object.entries(block).some(([k, values]) => {
          if (k.toLowerCase() !== key) return false;
          if (operator === "StringEquals") return values.includes(subject);
          if (operator === "StringLike") return values.some((v) => patternMatches(v, subject));
          return false;
        }),
      );
    }),
  );
}

/** Every `…:sub` value an IRSA statement names, for messages. */
export function trustedSubjects(statements: readonly Statement[]): string[] {
  return statements.flatMap((st) =>
    eksIssuers(st).length === 0
      ? []
      : Object.values(st.condition).flatMap((block) => Object.entries(block).flatMap(([k, values]) => (k.toLowerCase().endsWith(":sub") ? values : []))),
  );
}
