// docs/architecture.md: the names table maps the picture's names (Pulumi's) to the ones typed in kubectl and aws;
// each row must match the prod plan.
import { beforeAll, describe, expect, it } from "vitest";
import { displayType } from "../../tools/diagram/types";
import { runStack, type ProgramRun } from "../support/harness";
import { prose, readDoc } from "./markdown";

interface NameRow { pulumi: string; type: string; physical: string }

const doc = readDoc("docs/architecture.md");
const ROWS: NameRow[] = prose(doc).split("\n")
  .map((line) => /^\| `([^`]+)` \| ([^|]+?) \| `([^`]+)` \|$/.exec(line))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ pulumi: m[1] ?? "", type: m[2] ?? "", physical: m[3] ?? "" }));

/** The name a resource has outside Pulumi: the object's name, or the AWS identifier its inputs set. */
function physicalName(inputs: Record<string, unknown>): string | undefined {
  const metadata = inputs.metadata as { name?: unknown } | undefined;
  for (const value of [metadata?.name, inputs.identifier, inputs.replicationGroupId, inputs.bucketPrefix, inputs.namePrefix, inputs.name]) {
    if (typeof value === "string") return value;
  }
  return undefined;
}

let prod: ProgramRun;
beforeAll(async () => {
  prod = await runStack("prod");
});

describe("docs/architecture.md names", () => {
  it("has the table", () => {
    expect(ROWS.length).toBeGreaterThan(15);
  });

  it.each(ROWS.map((r) => [r.pulumi, r.type, r] as const))("%s (%s) has the name the table gives it", (_, __, row) => {
    const found = prod.resources.filter((r) => r.urn.endsWith(`::${row.pulumi}`) && displayType(r.type) === row.type);
    expect(found, `${row.pulumi} of type ${row.type} in the prod plan`).toHaveLength(1);
    const actual = physicalName(prod.inputs(found[0] as (typeof found)[number])) ?? "";
    // "…" stands for what AWS or a hash appends: the rest must be the start of the name.
    if (row.physical.endsWith("…")) expect(actual.startsWith(row.physical.slice(0, -1)), `${actual}`).toBe(true);
    else expect(actual).toBe(row.physical);
  });
});
