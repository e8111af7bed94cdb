// kube-linter's own end-to-end expectations (stackrox/kube-linter@v0.8.3:e2etests/bats-tests.sh, one @test per
// check: `kube-linter lint --include <check> tests/checks/<file>` and the kinds and number of the reports it expects),
// for its 31 default checks, with their tests/checks files (vendored in tools/peer-checkers/vendor/kube-linter),
// replayed through the port. The port reports an object once per check where kube-linter may report it once per
// container, so the kinds must match exactly and the number of reported objects may be at most upstream's count.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { runKubeLinter } from "../../tools/peer-checkers/kube-linter";
import type { K8sObject } from "../../tools/peer-checkers/model";

const VENDOR = path.resolve(__dirname, "../../tools/peer-checkers/vendor/kube-linter");
const cases = JSON.parse(readFileSync(path.join(VENDOR, "cases.json"), "utf8")) as { check: string; file: string; kinds: string[]; count: number }[];

describe("kube-linter's e2e expectations through the port", () => {
  it("covers its 31 default checks", () => expect(new Set(cases.map((c) => c.check)).size).toBe(31));

  it.each(cases)("$check: $file", ({ check, file, kinds, count }) => {
    const objects = parseAllDocuments(readFileSync(path.join(VENDOR, "tests", file), "utf8")).map((d) => d.toJS() as K8sObject).filter((o) => o && typeof o.kind === "string");
    for (const o of objects) o.metadata ??= { name: "" };
    const reported = runKubeLinter(objects).filter((f) => f.check === check);
    expect([...new Set(reported.map((f) => f.object.split("/")[0]))].sort()).toEqual([...new Set(kinds)].sort());
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.length).toBeLessThanOrEqual(count);
  });
});
