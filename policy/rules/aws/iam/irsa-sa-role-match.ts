import { always, type StackRule } from "../../../lib/rule";
import type { StackResource } from "../../../lib/stack-view";
import { get, isRecord, peekString, str, strings } from "../../../lib/values";
import { patternMatches } from "./lib/actions";
import { IAM_ROLE } from "./lib/iam";
import { parsePolicy } from "../../../lib/iam-policy";
import { ROLE_ARN_ANNOTATION, trustedSubjects, trustsSubject } from "./lib/trust";

const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";

/** Role name of arn:aws:iam::<acct>:role[/path]/<name>. */
const roleNameOf = (arn: string): string | undefined => /^arn:aws[a-z-]*:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];

export const irsaSaRoleMatch: StackRule = {
  kind: "stack",
  id: "irsa-sa-role-match",
  title: "ServiceAccount role annotation matches the role's trust",
  description:
    'Every Kubernetes ServiceAccount annotated eks.amazonaws.com/role-arn points at a Role of the stack (linked through metadata, or by ARN or name) whose trust policy admits "system:serviceaccount:<that namespace>:<that name>".',
  severity: "high",
  enforcement: always("mandatory"),
  references: [{ framework: "custom", id: "eks-irsa-trust-policy" }],
  remediation:
    "Create the role with the trust condition <issuer>:sub = system:serviceaccount:<namespace>:<name> of this ServiceAccount, and annotate the ServiceAccount with that role's ARN.",
  targets: [SERVICE_ACCOUNT, IAM_ROLE],
  configSchema: {
    externalRoleArns: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Role ARNs (patterns allowed) managed outside this stack that ServiceAccounts may name; their trust is not checked here.",
    },
  },
  validate(view, { report, config }) {
    const external = strings(config["externalRoleArns"]);
    // Roles indexed once by ARN and by name, read from the raw props: a new role's arn (and a generated name) is
    // unknown at preview, and one such role must not make the rule undecided for every other ServiceAccount.
    let index: { byArn: Map<string, StackResource>; byName: Map<string, StackResource> } | undefined;
    const lookup = (arn: string): StackResource | undefined => {
      index ??= (() => {
        const byArn = new Map<string, StackResource>();
        const byName = new Map<string, StackResource>();
        for (const r of view.ofType(IAM_ROLE)) {
          const rawArn = peekString(r.props, "arn");
          const rawName = peekString(r.props, "name");
          if (rawArn !== undefined && !byArn.has(rawArn)) byArn.set(rawArn, r);
          if (rawName !== undefined && !byName.has(rawName)) byName.set(rawName, r);
        }
        return { byArn, byName };
      })();
      const name = roleNameOf(arn);
      return index.byArn.get(arn) ?? (name !== undefined ? index.byName.get(name) : undefined);
    };

    for (const sa of view.ofType(SERVICE_ACCOUNT)) {
      const annotations = get(sa.props, "metadata.annotations");
      if (!isRecord(annotations) || !Object.keys(annotations).includes(ROLE_ARN_ANNOTATION)) continue;
      const name = str(get(sa.props, "metadata.name"));
      const nsValue = get(sa.props, "metadata.namespace");
      const namespace = str(nsValue) ?? "default";
      const who = `ServiceAccount ${namespace}/${name ?? "(unnamed)"}`;
      const field = `metadata.annotations["${ROLE_ARN_ANNOTATION}"]`;
      if (name === undefined) {
        report(`${who}: metadata.name is unset, so no role trust can name it; set metadata.name.`, sa.urn);
        continue;
      }

      let roles = (sa.propertyDependencies["metadata"] ?? []).filter((r) => r.type === IAM_ROLE);
      if (roles.length === 0) {
        const arn = str(annotations[ROLE_ARN_ANNOTATION]);
        if (arn === undefined || arn === "") {
          report(`${who}: ${field} is ${JSON.stringify(annotations[ROLE_ARN_ANNOTATION])}; it must be the ARN of the role for this ServiceAccount.`, sa.urn);
          continue;
        }
        const role = lookup(arn);
        if (!role) {
          if (!external.some((p) => patternMatches(p, arn))) {
            report(`${who}: ${field} is ${JSON.stringify(arn)}, a role not in this stack, so its trust cannot be checked; allowed: a Role of the stack, or an ARN listed in externalRoleArns.`, sa.urn);
          }
          continue;
        }
        roles = [role];
      }

      const subject = `system:serviceaccount:${namespace}:${name}`;
      for (const role of roles) {
        const parsed = parsePolicy(role.props["assumeRolePolicy"]);
        const statements = parsed.kind === "ok" ? parsed.statements : [];
        if (!trustsSubject(statements, subject)) {
          const trusted = trustedSubjects(statements);
          const unsetNs = nsValue === undefined ? " (metadata.namespace is unset, compared as \"default\")" : "";
          report(
            `${who}: ${field} names Role "${role.name}", whose assumeRolePolicy trusts sub ${trusted.length > 0 ? JSON.stringify(trusted) : "of no ServiceAccount"}${unsetNs}; it must trust ${JSON.stringify(subject)}.`,
            sa.urn,
          );
        }
      }
    }
  },
};
