import { always, type ResourceRule } from "../../../lib/rule";
import { strings } from "../../../lib/values";
import { patternCoveredBy, patternMatches } from "./lib/actions";
import { PERMISSION_POLICY_TYPES, permissionDocuments, statementsOf } from "./lib/iam";
import { conditionKeys, isAllow } from "../../../lib/iam-policy";
import { UNSCOPED_ACTIONS } from "./lib/unscoped-actions";

export const iamNoStarResource: ResourceRule = {
  kind: "resource",
  id: "iam-no-star-resource",
  title: 'No Resource "*" for actions that can be scoped',
  description:
    'An Allow statement with Resource "*" (or NotResource) grants only actions that support no resource-level permissions (the documented list in policy/rules/aws/iam/lib/unscoped-actions.ts, plus extraUnscopedActions).',
  severity: "medium",
  enforcement: always("mandatory"),
  references: [
    { framework: "CKV", id: "CKV_AWS_355" },
    { framework: "CKV", id: "CKV_AWS_356" },
  ],
  remediation:
    'Name the resources: the ARN (or ARN pattern such as arn:aws:ec2:*:*:security-group/*) of what the action touches; keep "*" only in a statement of actions without resource-level permissions (Describe*, List*).',
  targets: PERMISSION_POLICY_TYPES,
  configSchema: {
    extraUnscopedActions: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: 'More actions without resource-level permissions, exact or "prefix*", for services the built-in list lacks.',
    },
    scopingConditionKeys: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        'Condition keys (patterns allowed, e.g. "aws:ResourceTag/elbv2.k8s.aws/cluster") that scope a Resource "*" statement well enough for this stack. Default: none, conditions do not count.',
    },
  },
  validate(resource, { report, config }) {
    const entries = [...UNSCOPED_ACTIONS.map((u) => u.action), ...strings(config["extraUnscopedActions"])];
    const scopingKeys = strings(config["scopingConditionKeys"]);
    for (const { where, st } of statementsOf(permissionDocuments(resource), report)) {
      if (!isAllow(st)) continue;
      const star = st.resource ? st.resource.includes("*") : st.notResource !== undefined;
      if (!star) continue;
      const resources = st.resource ? 'Resource "*"' : `NotResource ${JSON.stringify(st.notResource)}`;
      const scoped = conditionKeys(st).find((c) => scopingKeys.some((k) => patternMatches(k, c.key)));
      if (scoped) continue;
      if (st.notAction !== undefined) {
        report(`${where}: Allow NotAction ${JSON.stringify(st.notAction)} on ${resources} grants actions that can be scoped to resources; allowed: an Action list on named ARNs.`);
        continue;
      }
      const restrictable = (st.action ?? []).filter((a) => !entries.some((e) => patternCoveredBy(a, e)));
      if (restrictable.length > 0) {
        report(
          `${where}: ${resources} for ${JSON.stringify(restrictable)}, which support resource-level permissions; allowed on "*": only actions without them (lib/unscoped-actions.ts, e.g. ec2:Describe*), the rest need ARNs.`,
        );
      }
    }
  },
};
