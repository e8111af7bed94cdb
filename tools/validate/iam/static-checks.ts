// Every policy document in the plan checked against AWS's own data, so no permission is dead on arrival:
// - the document is IAM (iam-policy's validators for its kind: identity, trust, resource);
// - every action exists (a misspelt action grants nothing and AWS accepts it silently);
// - every action scoped to an ARN has resource-level permissions, and the ARN fits one of its resource types
//   (logs:DescribeLogGroups on a log group ARN grants nothing: it authorises only "*");
// - every condition key applies to the action (s3:prefix on s3:ListBucketMultipartUploads is never present, so an
//   Allow with it never applies and a Deny with it never denies);
// - a service trusted through sts:AssumeRole is held to the request's source (aws:SourceAccount or aws:SourceArn)
//   where that service's documentation asks for it (the confused deputy): advisory, since AWS recommends it and
//   accepts the trust without it.
import { validateIdentityPolicy, validateResourcePolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import { type Finding, shown } from "../finding";
import { actionData, arnFits, type ActionData, dataSource, expandAction, isGlobalKey, isWildcardPattern, keyListed } from "./aws-data";
import { list, type PolicyDocument, type Statement, statementsOf } from "./documents";

/**
 * Services whose documentation asks trust policies to name the source account or ARN (confused deputy prevention).
 * Each entry cites the page that says so.
 */
export const CONFUSED_DEPUTY_SERVICES: Record<string, string> = {
  "vpc-flow-logs.amazonaws.com": "docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html (\"We recommend that you use the aws:SourceAccount and aws:SourceArn condition keys\")",
  "monitoring.rds.amazonaws.com": "docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html#USER_Monitoring.OS.confused-deputy",
};
const SOURCE_KEYS = ["aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths"];

interface Context {
  doc: PolicyDocument;
  source: string;
  findings: Finding[];
}

function report(ctx: Context, property: string, value: unknown, rule: string, source = ctx.source, advisory = false): void {
  ctx.findings.push({ kind: "iam", resource: ctx.doc.resource.name, type: ctx.doc.resource.type, property: `${ctx.doc.property}.${property}`, value: shown(value), rule, source, ...(advisory ? { advisory } : {}) });
}

/** Federated principals of a statement: `arn:aws:iam::1:oidc-provider/oidc.eks…/id/X` → `oidc.eks…/id/X`. */
function oidcProviders(statement: Statement): string[] {
  const principal = statement.Principal as { Federated?: unknown } | undefined;
  return list(principal?.Federated).map((arn) => arn.replace(/^arn:[^:]+:iam::[^:]*:oidc-provider\//, ""));
}

function servicePrincipals(statement: Statement): string[] {
  return list((statement.Principal as { Service?: unknown } | undefined)?.Service);
}

/** Condition keys an action supports for the resources a statement names ("*" or none: all its resource types). */
function keysFor(action: ActionData, resources: readonly string[]): string[] {
  const concrete = resources.filter((r) => r !== "*");
  const types = concrete.length === 0 ? action.resourceTypes : action.resourceTypes.filter((rt) => concrete.some((r) => arnFits(r, rt.arn)));
  return [...action.conditionKeys, ...types.flatMap((rt) => rt.conditionKeys)];
}

async function checkStatement(ctx: Context, statement: Statement, at: string): Promise<void> {
  const actions = list(statement.Action);
  const resources = list(statement.Resource);
  const resolved: Array<{ pattern: string; data: ActionData[] }> = [];
  for (const [j, pattern] of actions.entries()) {
    if (pattern === "*") continue;
    const names = await expandAction(pattern);
    const data = (await Promise.all(names.map(actionData))).filter((d): d is ActionData => d !== undefined);
    if (data.length === 0) {
      report(ctx, `${at}.Action[${j}]`, pattern, "no action of that name exists in AWS's Service Authorization Reference, so it grants or denies nothing");
      continue;
    }
    resolved.push({ pattern, data });
  }
  for (const [j, pattern] of list(statement.NotAction).entries()) {
    if (pattern !== "*" && (await expandAction(pattern)).length === 0) report(ctx, `${at}.NotAction[${j}]`, pattern, "no action of that name exists in AWS's Service Authorization Reference");
  }

  // Resource-level permissions: every exact action must act on one of the statement's resources (a wildcard-only
  // action needs "*"). A resource no action of the statement acts on is dead text, not a dead permission: not reported
  // (upstream policies such as the load balancer controller's list every ELB ARN form in each statement).
  const concrete = resources.filter((r) => r !== "*");
  if (concrete.length > 0 && concrete.length === resources.length) {
    for (const { pattern, data } of resolved) {
      if (isWildcardPattern(pattern)) continue;
      const action = data[0]!;
      if (action.wildcardOnly) {
        report(ctx, `${at}.Action`, action.name, `${action.name} has no resource-level permissions (it authorises only "Resource": "*"), so scoped to ${concrete.join(", ")} it grants nothing`);
      } else if (!action.resourceTypes.some((rt) => concrete.some((r) => arnFits(r, rt.arn)))) {
        report(ctx, `${at}.Action`, action.name, `${action.name} acts on ${action.resourceTypes.map((rt) => `${rt.key} (${rt.arn})`).join(", ")}; none of the statement's resources is of that form, so it grants nothing`);
      }
    }
  }

  // Condition keys: each must apply to every exact action, and to at least one action of each wildcard pattern.
  const providers = oidcProviders(statement);
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    for (const key of Object.keys(block ?? {})) {
      if (isGlobalKey(key)) continue;
      // Keys of an OIDC identity provider (`<provider>:sub`, `:aud`, `:amr`) exist where the statement trusts it.
      if (providers.some((p) => key.toLowerCase().startsWith(`${p.toLowerCase()}:`))) continue;
      for (const { pattern, data } of resolved) {
        const exact = !isWildcardPattern(pattern);
        const applies = exact ? keyListed(key, keysFor(data[0]!, resources)) : data.some((action) => keyListed(key, keysFor(action, resources)));
        if (!applies) {
          const effect = statement.Effect === "Deny" ? "this Deny never denies it" : "this Allow never grants it";
          report(ctx, `${at}.Condition.${operator}.${key}`, key, `${exact ? `${data[0]!.name} does not support` : `no action of ${pattern} supports`} the condition key ${key}; the key is never in its request context, so ${effect}`);
        }
      }
    }
  }

  if (ctx.doc.kind === "trust" && statement.Effect === "Allow") {
    const conditioned = Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block ?? {}));
    for (const service of servicePrincipals(statement)) {
      const page = CONFUSED_DEPUTY_SERVICES[service];
      if (page && !conditioned.some((key) => SOURCE_KEYS.some((s) => s.toLowerCase() === key.toLowerCase()))) {
        report(ctx, `${at}.Principal.Service`, service, `a trust of ${service} must hold it to this account's requests (aws:SourceAccount or aws:SourceArn), or any account's use of the service can assume the role (the confused deputy)`, page, true);
      }
    }
  }
}

const VALIDATORS = { identity: validateIdentityPolicy, trust: validateTrustPolicy, bucket: validateResourcePolicy, key: validateResourcePolicy, resource: validateResourcePolicy };

/** Findings for every document; none when each is well-formed and every permission in it can take effect. */
export async function checkPolicyDocuments(docs: readonly PolicyDocument[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const source = await dataSource();
  for (const doc of docs) {
    const ctx: Context = { doc, source, findings };
    if (typeof doc.document !== "object" || doc.document === null) {
      report(ctx, "(document)", doc.text, "not a JSON policy document", "IAM JSON policy reference");
      continue;
    }
    for (const error of VALIDATORS[doc.kind](doc.document)) report(ctx, error.path, error.message, `not a valid ${doc.kind} policy: ${error.message}`, "@cloud-copilot/iam-policy validators");
    for (const [i, statement] of statementsOf(doc.document).entries()) await checkStatement(ctx, statement, `Statement[${i}]`);
  }
  return findings;
}
