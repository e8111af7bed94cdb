/* global setTimeout */
// A probe pack for test/policy/server.test.ts, written as a user would: plain JavaScript against @pulumi/policy,
// with what the old re-implemented evaluator got wrong: an asynchronous policy, isType/asType with a real resource
// class, a stack policy that walks parents and dependencies, and a remediation.
const { PolicyPack } = require("@pulumi/policy");
const { Instance } = require("@pulumi/aws/rds/instance");
const { Bucket } = require("@pulumi/aws/s3/bucket");

new PolicyPack("probe", {
  policies: [
    {
      name: "probe-async-bucket-tags",
      description: "Buckets carry a tags map (checked asynchronously).",
      enforcementLevel: "mandatory",
      validateResource: async (args, reportViolation) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (args.isType(Bucket) && !args.props.tags) reportViolation(`bucket ${args.name} has no tags`);
      },
    },
    {
      name: "probe-istype-rds-public",
      description: "RDS instances are not publicly accessible (isType/asType).",
      enforcementLevel: "mandatory",
      configSchema: { properties: { allowPublic: { type: "boolean", default: false } } },
      validateResource: (args, reportViolation) => {
        const db = args.asType(Instance);
        if (!args.isType(Instance) || !db) return;
        if (db.publiclyAccessible && !args.getConfig().allowPublic) reportViolation(`${args.name} is publicly accessible`);
      },
    },
    {
      name: "probe-stack-orphans",
      description: "Every resource but the stack has a parent, and RDS instances depend on something.",
      enforcementLevel: "advisory",
      validateStack: async (args, reportViolation) => {
        for (const r of args.resources) {
          if (r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:") && !r.parent) reportViolation(`${r.name} has no parent`, r.urn);
          const db = r.asType(Instance);
          if (db && r.dependencies.length === 0) reportViolation(`${r.name} depends on nothing`, r.urn);
        }
      },
    },
    {
      name: "probe-remediate-bucket-force-destroy",
      description: "Buckets never set forceDestroy (remediated to false).",
      enforcementLevel: "remediate",
      remediateResource: (args) => (args.isType(Bucket) && args.props.forceDestroy === true ? { ...args.props, forceDestroy: false } : undefined),
    },
  ],
});
