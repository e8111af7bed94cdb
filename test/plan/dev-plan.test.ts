import { describe, expect, it } from "vitest";
import { runStack } from "../support/harness";

describe("dev plan", () => {
  it("creates no AWS resource at all", async () => {
    const run = await runStack("dev");
    expect(run.awsTypes()).toEqual([]);
    expect(run.output("awsServices")).toEqual([]);
  });

  it("labels the namespace for Pod Security Admission restricted, pinned to the cluster version", async () => {
    const run = await runStack("dev");
    const labels = (run.inputs(run.one("kubernetes:core/v1:Namespace")).metadata as { labels: Record<string, string> }).labels;
    for (const mode of ["enforce", "audit", "warn"]) {
      expect(labels[`pod-security.kubernetes.io/${mode}`]).toBe("restricted");
      expect(labels[`pod-security.kubernetes.io/${mode}-version`]).toBe("v1.34");
    }
  });

  it("keeps the server password secret in the stack outputs", async () => {
    const run = await runStack("dev");
    expect(run.outputIsSecret("serverPassword")).toBe(true);
    expect(run.output("serverPassword")).toMatch(/^[A-Za-z0-9]{40}$/);
  });
});
