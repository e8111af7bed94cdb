// Polaris's own check fixtures (FairwindsOps/polaris@v10.2.2:test/checks/<check>/{success,failure}.*.yaml, vendored
// in tools/peer-checkers/vendor/polaris/test-checks) through our evaluation of its check definitions, with the
// assertion of Polaris's test/schema_test.go TestChecks: a failure file fails the check at least once; a success file
// passes it at least once and never fails it. This is what makes the peer table's Polaris column Polaris's verdict.
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { K8sObject } from "../../tools/peer-checkers/model";
import { polarisDefaultChecks, polarisResults } from "../../tools/peer-checkers/polaris";

const FIXTURES = path.resolve(__dirname, "../../tools/peer-checkers/vendor/polaris/test-checks");

/** Documents split as Polaris splits them (pkg/kube/resources.go addResourcesFromYaml). */
function objectsIn(file: string): K8sObject[] {
  return readFileSync(file, "utf8").split(/[\r\n]-+[\r\n]/).filter((d) => d.trim() !== "").map((d) => parseYaml(d) as K8sObject).filter((o) => o !== null && typeof o === "object" && "kind" in o);
}

const cases = readdirSync(FIXTURES).flatMap((check) => readdirSync(path.join(FIXTURES, check)).filter((f) => /^(success|failure)/.test(f)).map((file) => ({ check, file })));

describe("Polaris's fixtures through our evaluation of its checks", () => {
  it("covers every default check that has fixtures upstream", () => {
    const withFixtures = new Set(readdirSync(FIXTURES));
    expect([...polarisDefaultChecks().keys()].filter((c) => !withFixtures.has(c))).toEqual([]);
    expect(cases.length).toBeGreaterThan(200);
  });

  it.each(cases)("$check: $file", ({ check, file }) => {
    const results = polarisResults(check, objectsIn(path.join(FIXTURES, check, file)));
    expect(results.length, "the check ran").toBeGreaterThan(0);
    if (file.startsWith("failure")) expect(results, "fails at least once").toContain(false);
    else expect(results.filter((r) => !r), "never fails").toEqual([]);
  });
});
