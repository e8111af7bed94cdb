// docs/peer-checkers.md against the checkers' verdicts: Polaris, kube-score and kube-linter (their default checks, as
// tools/peer-checkers evaluates them) on the prod plan's manifests, the objects `npm run plan -- --stack prod --out`
// writes. Every (checker, check) that fires has a row naming exactly the objects it fires on, and every row fires.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { runPeerCheckers, type K8sObject, type PeerFinding } from "../../tools/peer-checkers";
import { manifestsOf } from "../../tools/plan/manifests";
import { runStack } from "../support/harness";

/** A Job's name carries hashes of what it runs; the table writes them as `-*`. */
const objectName = (object: string): string => object.replace(/(-[0-9a-f]{8})+$/, "-*");

let findings: PeerFinding[];
beforeAll(async () => {
  const run = await runStack("prod");
  findings = runPeerCheckers(manifestsOf(run.captured).map((m) => m.object as unknown as K8sObject));
});

function tableRows(): Map<string, string[]> {
  const doc = readFileSync("docs/peer-checkers.md", "utf8");
  const section = doc.slice(doc.indexOf("## What still fires on prod"));
  const rows = new Map<string, string[]>();
  for (const line of section.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Checker") && !l.startsWith("|---"))) {
    const [checker, check, objects] = line.split(" | ").map((c) => c.replace(/^\| /, "").trim());
    rows.set(`${checker} / ${check}`, (objects ?? "").split(", ").sort());
  }
  return rows;
}

describe("docs/peer-checkers.md", () => {
  it("lists every default check that fires on prod, with exactly the objects it fires on", () => {
    const fired = new Map<string, Set<string>>();
    for (const f of findings) {
      const key = `${f.checker === "polaris" ? "Polaris" : f.checker} / ${f.check}`;
      fired.set(key, (fired.get(key) ?? new Set()).add(objectName(f.object)));
    }
    const actual = new Map([...fired].map(([k, v]) => [k, [...v].sort()]));
    expect(Object.fromEntries(tableRows())).toEqual(Object.fromEntries(actual));
  });

  it("would notice a regression: a container running as root makes kube-score and kube-linter fire", async () => {
    const run = await runStack("prod");
    const objects = manifestsOf(run.captured).map((m) => structuredClone(m.object) as unknown as K8sObject);
    const server = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "agents-server") as K8sObject;
    const pod = (server.spec?.["template"] as { spec: { securityContext: Record<string, unknown>; containers: { securityContext: Record<string, unknown> }[] } }).spec;
    pod.securityContext["runAsUser"] = 0;
    pod.securityContext["runAsNonRoot"] = false;
    for (const c of pod.containers) { delete c.securityContext["runAsUser"]; delete c.securityContext["runAsNonRoot"]; }
    const checks = new Set(runPeerCheckers(objects).filter((f) => f.object === "Deployment/agents-server").map((f) => `${f.checker} / ${f.check}`));
    expect(checks).toContain("kube-score / Container Security Context User Group ID");
    expect(checks).toContain("kube-linter / run-as-non-root");
  });
});
