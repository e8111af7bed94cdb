// The floor of `npm run policy` for this project's pack: a pack with the same policies as policy/ (names, resource or
// stack policy, targets, `__pulumiType` where a rule has one target) whose checks do nothing but what every rule does
// first, declare itself not applicable to other types. Run through the same @pulumi/policy server by the same command,
// it costs what the server's own per-(policy, resource) work costs (@pulumi/policy@1.21.0 server.js:222-282 decodes a
// resource's properties for every untyped policy, 322-386 the whole stack for every stack policy), so the bench can show
// our rules' cost beside the part no rule can remove. Written under dist/ (generated, not committed), where node's
// resolution finds the project's @pulumi/policy.
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { packPolicies } from "../../policy/rules";

const INDEX = `"use strict";
const { PolicyPack } = require("@pulumi/policy");
const shapes = require("./shapes.json");
new PolicyPack("server-floor", {
  policies: shapes.map((s) => {
    const targets = new Set(s.targets);
    const reason = "applies to " + s.targets.join(", ");
    const fn = s.stack
      ? (args) => { if (!args.resources.some((r) => targets.has(r.type))) args.notApplicable(reason); }
      : (args) => { if (!targets.has(args.type)) args.notApplicable(reason); };
    if (s.targets.length === 1) fn.__pulumiType = s.targets[0];
    return { name: s.name, description: s.name, enforcementLevel: "advisory", [s.stack ? "validateStack" : "validateResource"]: fn };
  }),
});
`;

/** Writes the floor pack into `dir` and returns it. */
export function writeServerFloorPack(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const shapes = packPolicies().map((p) => ({ name: p.name, stack: "validateStack" in p, targets: p.targets }));
  writeFileSync(path.join(dir, "shapes.json"), JSON.stringify(shapes));
  writeFileSync(path.join(dir, "index.js"), INDEX);
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "server-floor", version: "0.0.0", main: "index.js" }));
  writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: the @pulumi/policy server's floor for this project's pack shape (bench only)\n");
  return dir;
}
