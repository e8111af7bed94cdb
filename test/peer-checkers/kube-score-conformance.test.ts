// kube-score's own test expectations (zegl/kube-score@v1.20.0: every `testExpectedScore(t, file, check, grade)` of
// score/*_test.go for the checks tools/peer-checkers/kube-score.ts ports, with the score/testdata files they read;
// vendored in tools/peer-checkers/vendor/kube-score) replayed through the port. A CRITICAL or WARNING expectation must
// be a finding of that grade; OK, ALMOST OK and skipped must be no finding (kube-score reports only the first two).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { kubeScoreGrades } from "../../tools/peer-checkers/kube-score";
import type { K8sObject } from "../../tools/peer-checkers/model";

const VENDOR = path.resolve(__dirname, "../../tools/peer-checkers/vendor/kube-score");
const cases = JSON.parse(readFileSync(path.join(VENDOR, "cases.json"), "utf8")) as { file: string; check: string; grade: string }[];

describe("kube-score's test expectations through the port", () => {
  it("replays every expectation of a ported check", () => expect(cases.length).toBeGreaterThan(80));

  it.each(cases)("$check: $file is $grade", ({ file, check, grade }) => {
    const objects = parseAllDocuments(readFileSync(path.join(VENDOR, "testdata", file), "utf8")).map((d) => d.toJS() as K8sObject).filter((o) => o && typeof o.kind === "string");
    for (const o of objects) o.metadata.namespace ??= "default";
    const failing = kubeScoreGrades(objects).filter((g) => g.check === check && (g.grade === "CRITICAL" || g.grade === "WARNING")).map((g) => g.grade);
    if (grade === "CRITICAL" || grade === "WARNING") expect(failing).toContain(grade);
    else expect(failing).toEqual([]);
  });
});
