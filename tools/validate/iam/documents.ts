// Every IAM policy document a plan carries, with what kind of document it is: the input that holds it per resource
// type (pulumi-aws v7 input names), so one reader serves the static checks and the access simulations.
import type { PlanResource } from "../finding";

export type DocumentKind = "identity" | "trust" | "bucket" | "key" | "resource";

export interface PolicyDocument {
  kind: DocumentKind;
  resource: PlanResource;
  /** The input that holds it: `policy`, `assumeRolePolicy`, `inlinePolicies[0].policy`. */
  property: string;
  /** The parsed document, or the text when it is not JSON (reported as such). */
  document: unknown;
  text: string;
}

/** Resource type → inputs holding a policy document and their kind. */
const DOCUMENT_INPUTS: Record<string, Array<[string, DocumentKind]>> = {
  "aws:iam/role:Role": [["assumeRolePolicy", "trust"]],
  "aws:iam/rolePolicy:RolePolicy": [["policy", "identity"]],
  "aws:iam/policy:Policy": [["policy", "identity"]],
  "aws:iam/userPolicy:UserPolicy": [["policy", "identity"]],
  "aws:iam/groupPolicy:GroupPolicy": [["policy", "identity"]],
  "aws:s3/bucketPolicy:BucketPolicy": [["policy", "bucket"]],
  "aws:kms/key:Key": [["policy", "key"]],
  "aws:kms/keyPolicy:KeyPolicy": [["policy", "key"]],
  "aws:secretsmanager/secretPolicy:SecretPolicy": [["policy", "resource"]],
  "aws:ecr/repositoryPolicy:RepositoryPolicy": [["policy", "resource"]],
};

function parse(value: unknown): { document: unknown; text: string } {
  if (typeof value === "string") {
    try {
      return { document: JSON.parse(value) as unknown, text: value };
    } catch {
      return { document: value, text: value };
    }
  }
  return { document: value, text: JSON.stringify(value) };
}

export function policyDocuments(resources: readonly PlanResource[]): PolicyDocument[] {
  const out: PolicyDocument[] = [];
  for (const resource of resources) {
    for (const [input, kind] of DOCUMENT_INPUTS[resource.type] ?? []) {
      const value = resource.inputs[input];
      if (value === undefined || value === null || value === "") continue;
      out.push({ kind, resource, property: input, ...parse(value) });
    }
    if (resource.type === "aws:iam/role:Role" && Array.isArray(resource.inputs["inlinePolicies"])) {
      (resource.inputs["inlinePolicies"] as unknown[]).forEach((inline, i) => {
        const policy = (inline as { policy?: unknown } | null)?.policy;
        if (policy !== undefined && policy !== "") out.push({ kind: "identity", resource, property: `inlinePolicies[${i}].policy`, ...parse(policy) });
      });
    }
  }
  return out;
}

export interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export function statementsOf(document: unknown): Statement[] {
  const statement = (document as { Statement?: unknown } | null)?.Statement;
  if (Array.isArray(statement)) return statement as Statement[];
  return statement && typeof statement === "object" ? [statement] : [];
}

export function list(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
