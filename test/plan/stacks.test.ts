import { describe, expect, it } from "vitest";
import { KNOWN_STACKS, PLAN_STACKS, stackFilesInRepo } from "./stacks";

describe("plan stacks", () => {
  it("always include dev", () => {
    expect(PLAN_STACKS).toContain("dev");
  });

  it("cover every stack file in the repo root (add a new stack to KNOWN_STACKS in test/plan/stacks.ts)", () => {
    const files = stackFilesInRepo();
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((stack) => !KNOWN_STACKS.includes(stack))).toEqual([]);
    expect([...PLAN_STACKS].sort()).toEqual(files.filter((stack) => KNOWN_STACKS.includes(stack)));
  });
});
