// The plan's printed preview and findings: a tree by parent with + marks, the count pulumi preview would give,
// findings grouped by rule with counts (every instance with --verbose), and lines that fit the width.
import { describe, expect, it } from "vitest";
import type { CapturedResource, CapturedStack } from "../../tools/plan/capture";
import { groupFindings, renderFindings } from "../../tools/plan/findings";
import type { GateFinding, GateResult } from "../../tools/plan/gate";
import { renderSummary } from "../../tools/plan/summary";
import { wrap } from "../../tools/plan/text";

const stackUrn = "urn:pulumi:t::p::pulumi:pulumi:Stack::p-t";
function resource(type: string, name: string, parent: string | undefined, custom = true): CapturedResource {
  return { urn: `urn:pulumi:t::p::${type}::${name}`, type, name, custom, ...(parent ? { parent } : {}), dependencies: [], propertyDependencies: {}, inputs: {}, outputs: {} };
}
const platform = resource("p:index:Platform", "agents", stackUrn, false);
const database = resource("p:db:Database", "agents-db", platform.urn, false);
const captured: CapturedStack = {
  project: "p", stack: "t", outputs: { url: "https://x.example.com", password: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cret" } },
  resources: [
    { ...resource("pulumi:pulumi:Stack", "p-t", undefined, false), urn: stackUrn },
    platform,
    { ...resource("pulumi:providers:aws", "default_7_48_0", undefined), urn: "urn:pulumi:t::p::pulumi:providers:aws::default_7_48_0" },
    database,
    resource("aws:rds/instance:Instance", "agents-db-instance-with-a-rather-long-name-that-does-not-fit", database.urn),
    resource("aws:rds/subnetGroup:SubnetGroup", "agents-db-subnets", database.urn),
    resource("kubernetes:networking.k8s.io/v1:NetworkPolicy", "agents-netpol", platform.urn),
  ],
};

describe("the preview", () => {
  const text = renderSummary(captured, "Pulumi.t.yaml", 80);
  const lines = text.split("\n");

  it("draws the resources as a tree by parent, each marked +, nested components under their parent", () => {
    const wide = renderSummary(captured, "Pulumi.t.yaml", 140).split("\n");
    const nameColumn = wide.find((l) => l.includes("Type") && l.includes("Name"))?.indexOf("Name") ?? -1;
    const rows = wide.filter((l) => l.startsWith(" +   "));
    expect(rows.map((r) => r.slice(5, nameColumn).trimEnd())).toEqual([
      "pulumi:pulumi:Stack",
      "└─ p:index:Platform",
      "   ├─ p:db:Database",
      "   │  ├─ aws:rds/instance:Instance",
      "   │  └─ aws:rds/subnetGroup:SubnetGroup",
      "   └─ kubernetes:networking.k8s.io/v1:NetworkPolicy",
    ]);
    expect(rows.every((r) => r.endsWith("create"))).toBe(true);
  });

  it("counts what pulumi preview counts: every resource but the default providers, once", () => {
    expect(text).not.toContain("default_7_48_0");
    expect(text).toContain("Resources:\n    + 6 to create");
    expect(text.match(/to create/g)).toHaveLength(1);
  });

  it("masks secret outputs and fits the width, cutting long names with an ellipsis", () => {
    expect(text).toContain("    password: [secret]");
    expect(text).not.toContain("s3cret");
    expect(lines.filter((l) => [...l].length > 80)).toEqual([]);
    expect(text).toContain("…");
  });
});

describe("the findings", () => {
  const finding = (rule: string, level: "mandatory" | "advisory", severity: string, name: string): GateFinding => ({
    rule, level, severity, resource: { name, type: "aws:s3/bucket:Bucket" }, message: `${name} breaks ${rule}: ${"a long explanation ".repeat(8)}`, undecided: false,
  });
  const findings = [
    finding("s3-logging", "advisory", "low", "b1"), finding("s3-logging", "advisory", "low", "b2"), finding("s3-logging", "advisory", "low", "b2"),
    finding("rds-multi-az", "mandatory", "high", "db"), finding("s3-lock", "advisory", "high", "b1"),
  ];
  const gate: GateResult = { configFile: "policy/config/prod.json", ruleCount: 3, resourceCount: 9, findings, mandatory: 1, validation: { findings: [], exitCode: 0, report: "" } };

  it("groups by rule with counts, mandatory first, then by severity", () => {
    const groups = groupFindings(findings);
    expect(groups.map((g) => [g.rule, g.findings.length])).toEqual([["rds-multi-az", 1], ["s3-lock", 1], ["s3-logging", 3]]);
    const text = renderFindings(gate, { verbose: false, width: 80 }).join("\n");
    expect(text).toContain("1 mandatory, 4 advisory, 0 undecided");
    expect(text).toMatch(/^ {4}! s3-logging {2}advisory low {2}3× on 2 resources$/m);
    expect(text).toMatch(/^ {8}on b1, b2$/m);
    // Grouped: one message per rule, not one per instance.
    expect(text.match(/breaks s3-logging/g)).toHaveLength(1);
  });

  it("lists every instance with --verbose, and keeps every line within the width", () => {
    const lines = renderFindings(gate, { verbose: true, width: 80 });
    expect(lines.join("\n").match(/breaks s3-logging/g)).toHaveLength(3);
    expect(lines.filter((l) => /^ {8}- b\d \(aws:s3\/bucket:Bucket\)$/.test(l))).toHaveLength(4);
    expect(lines.filter((l) => [...l].length > 80)).toEqual([]);
  });

  it("wraps at spaces and cuts only a word longer than the line", () => {
    expect(wrap("aaa bbb ccc", 27, "  ")).toEqual(["  aaa bbb ccc"]);
    expect(wrap(`x ${"y".repeat(30)}`, 22, "")).toEqual(["x", "y".repeat(22), "y".repeat(8)]);
  });
});
