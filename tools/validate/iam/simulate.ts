// One IAM request evaluated by @cloud-copilot/iam-simulate (AWS's evaluation logic: identity and resource policies,
// explicit denies, conditions), with the plan's own documents.
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";

export interface AccessRequest {
  principal: string;
  action: string;
  resource: string;
  /** The account that owns the resource. */
  resourceAccount: string;
  context: Record<string, string | string[]>;
  identityPolicies: unknown[];
  resourcePolicy?: unknown;
  /**
   * A web identity trust's issuer (`oidc.eks.…/id/X`). The reference lists `<issuer>:sub`/`:aud` keys only for named
   * providers, so the simulator drops an EKS issuer's keys and would deny every request (its unvalidated engine
   * crashes on resource policies in 0.1.173). The issuer's keys are renamed to those of a provider it lists
   * (cognito-identity.amazonaws.com:sub/aud), in the trust and the request alike: string conditions evaluate the same.
   */
  webIdentityIssuer?: string;
}

const LISTED_ISSUER = "cognito-identity.amazonaws.com";

function renameIssuer<T>(value: T, issuer: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll(`"${issuer}:`, `"${LISTED_ISSUER}:`)) as T;
}

/** "Allowed", "ImplicitlyDenied", "ExplicitlyDenied", or "Error: …" when the simulator refused the request. */
export async function evaluate(original: AccessRequest): Promise<string> {
  const request = original.webIdentityIssuer ? { ...renameIssuer(original, original.webIdentityIssuer), principal: original.principal, resource: original.resource } : original;
  const simulation: Simulation = {
    request: { principal: request.principal, action: request.action, resource: { resource: request.resource, accountId: request.resourceAccount }, contextVariables: request.context },
    identityPolicies: request.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") return `Error: ${result.errors.message}`;
  return result.overallResult;
}

/** AWS's default key policy: the account's IAM policies decide (docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html). */
export function defaultKeyPolicy(account: string): unknown {
  return { Version: "2012-10-17", Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }] };
}
