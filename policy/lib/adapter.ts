/**
 * Turns a pack rule into a CrossGuard policy. The policy's own enforcement level is the rule's prod level (secure by
 * default); dev stacks lower stack-sensitive rules through policy/config/dev.json, the engine's native mechanism.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import type { Rule, RuleContext, Props } from "./rule";
import { configSchemaFor, matchExclusion, ruleConfig } from "./settings";
import { StackView } from "./stack-view";

const FRAMEWORK_NAMES: Record<string, string> = {
  PSS: "Kubernetes Pod Security Standards",
  FSBP: "AWS Foundational Security Best Practices",
  CKV: "checkov",
  KSV: "Trivy Kubernetes checks",
  AVD: "Trivy AWS checks",
};

/** Rules keep their targets on the policy so runners can skip types the rule would only call notApplicable for. */
type Extra = { readonly targets: readonly string[]; readonly rule: Rule };
export type PackPolicy = (ResourceValidationPolicy & Extra) | (StackValidationPolicy & Extra);

function metadata(rule: Rule) {
  const primary = rule.references[0];
  return {
    name: rule.id,
    displayName: rule.title,
    description: rule.description,
    enforcementLevel: rule.enforcement.prod,
    severity: rule.severity,
    remediationSteps: rule.remediation,
    tags: rule.references.map((r) => `${r.framework}:${r.id}`),
    ...(primary && primary.framework !== "custom"
      ? { framework: { name: FRAMEWORK_NAMES[primary.framework] ?? primary.framework, version: "", reference: primary.id, specification: rule.description } }
      : {}),
    configSchema: configSchemaFor(rule),
  };
}

/**
 * A rule with one target type marks its validation with that type, as `validateResourceOfType` does
 * (@pulumi/policy@1.21.0 policy.js:120-132): the server then skips other types without decoding their properties
 * (server.js:246-255 for resources, 330-339 for stacks), which is most of the cost of a large stack.
 */
function typed<F extends object>(rule: Rule, fn: F): F {
  if (rule.targets.length === 1) Object.assign(fn, { __pulumiType: rule.targets[0] });
  return fn;
}

export function toPolicy(rule: Rule): PackPolicy {
  const targets = new Set(rule.targets);
  // Built once: the server calls a multi-type rule for every resource of a stack, and most are of other types.
  const otherType = `applies to ${rule.targets.join(", ")}`;
  const noTarget = `no resource of type ${rule.targets.join(", ")}`;
  if (rule.kind === "resource") {
    return {
      ...metadata(rule),
      targets: rule.targets,
      rule,
      validateResource: typed(rule, (args: ResourceValidationArgs, report: ReportViolation) => {
        if (!targets.has(args.type)) args.notApplicable(otherType);
        const config = ruleConfig(rule, args.getConfig());
        const excluded = matchExclusion(config, args.urn, args.name);
        if (excluded) args.notApplicable(`excluded: ${excluded.reason}`);
        const ctx: RuleContext = { config, report: (message) => report(message), notApplicable: (reason) => args.notApplicable(reason) };
        rule.validate({ type: args.type, urn: args.urn, name: args.name, props: args.props as Props }, ctx);
      }),
    };
  }
  return {
    ...metadata(rule),
    targets: rule.targets,
    rule,
    validateStack: typed(rule, (args: StackValidationArgs, report: ReportViolation) => {
      if (!args.resources.some((r) => targets.has(r.type))) args.notApplicable(noTarget);
      const config = ruleConfig(rule, args.getConfig());
      // The server builds a fresh list for every stack policy (server.js:341-386), already linked (parent,
      // dependencies, propertyDependencies as resource objects), so the view reads it as it is.
      const view = new StackView(args.resources);
      const ctx: RuleContext = {
        config,
        report: (message, urn) => {
          const subject = urn ? view.byUrn(urn) : undefined;
          if (subject && matchExclusion(config, subject.urn, subject.name)) return;
          report(message, urn);
        },
        notApplicable: (reason) => args.notApplicable(reason),
      };
      rule.validate(view, ctx);
    }),
  };
}
