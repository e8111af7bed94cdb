/**
 * The whole class behind the k8s-hpa-no-static-replicas false positive: after the first deploy, AnalyzeStack gets each
 * Kubernetes object's outputs, which are the live object (the API server's defaults filled in, metadata.uid set, an
 * HPA's replica count), and never `__inputs` (the CLI drops top-level internal keys:
 * pulumi/pulumi@v3.259.0:sdk/go/common/resource/plugin/rpc.go:104, analyzer_plugin.go:350-351). Every stack rule must
 * judge the live copy of the dev and prod plans as it judges the plan itself. The defaults applied are the ones the
 * Kubernetes API documents in kubernetes-models@4.5.1 (apps/v1/DeploymentSpec.d.ts:18-26 progressDeadlineSeconds 600,
 * replicas 1, revisionHistoryLimit 10; v1/PodSpec.d.ts:43 dnsPolicy ClusterFirst, :153 restartPolicy Always, :176
 * securityContext empty, :200 terminationGracePeriodSeconds 30; v1/Container.d.ts:37 imagePullPolicy IfNotPresent
 * for a non-latest tag, :94-98 terminationMessagePath and terminationMessagePolicy).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { AnalyzedResource, Finding } from "../../tools/policy/model";
import { resourcesOfExport } from "../../tools/policy/state";
import { toDeployment } from "../../tools/plan/state-export";
import { runStack } from "../support/harness";
import { runPack } from "./support/cases";

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const setDefault = (o: Json, key: string, value: unknown) => {
  if (o[key] === undefined) o[key] = value;
};

/** The pod spec as the API server stores it. */
function livePodSpec(spec: Json, restartPolicy: string): void {
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "restartPolicy", restartPolicy);
  setDefault(spec, "schedulerName", "default-scheduler");
  setDefault(spec, "securityContext", {});
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  for (const list of ["containers", "initContainers"]) {
    for (const c of (Array.isArray(spec[list]) ? spec[list] : []) as Json[]) {
      setDefault(c, "imagePullPolicy", "IfNotPresent");
      setDefault(c, "terminationMessagePath", "/dev/termination-log");
      setDefault(c, "terminationMessagePolicy", "File");
    }
  }
}

/** What pulumi-kubernetes reads back after the object is created: the live object, the declared one under __inputs. */
function live(r: AnalyzedResource, hpaReplicas: ReadonlyMap<string, number>, n: number): AnalyzedResource {
  const object = structuredClone(r.inputs) as Json;
  const metadata = (isRecord(object["metadata"]) ? object["metadata"] : (object["metadata"] = {}));
  metadata["uid"] = `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  metadata["resourceVersion"] = String(1000 + n);
  metadata["creationTimestamp"] = "2026-12-03T10:00:00Z";
  const spec = isRecord(object["spec"]) ? object["spec"] : undefined;
  if (spec && (object["kind"] === "Deployment" || object["kind"] === "StatefulSet")) {
    spec["replicas"] = hpaReplicas.get(String(metadata["name"])) ?? spec["replicas"] ?? 1;
    setDefault(spec, "revisionHistoryLimit", 10);
    if (object["kind"] === "Deployment") setDefault(spec, "progressDeadlineSeconds", 600);
  }
  const template = spec && isRecord(spec["template"]) ? spec["template"] : spec && isRecord(spec["jobTemplate"]) && isRecord((spec["jobTemplate"])["spec"]) ? ((spec["jobTemplate"])["spec"])["template"] : undefined;
  if (isRecord(template) && isRecord(template["spec"])) livePodSpec(template["spec"], object["kind"] === "Job" || object["kind"] === "CronJob" ? "Never" : "Always");
  object["status"] = {};
  object["__inputs"] = r.inputs;
  return { ...r, outputs: object };
}

/** The plan with every Kubernetes object as it reads back after `pulumi up`. */
function afterDeploy(resources: readonly AnalyzedResource[]): AnalyzedResource[] {
  const hpaReplicas = new Map<string, number>();
  for (const r of resources) {
    const target = (r.inputs["spec"] as Json | undefined)?.["scaleTargetRef"] as Json | undefined;
    if (r.type.startsWith("kubernetes:autoscaling/") && target) hpaReplicas.set(String(target["name"]), Number((r.inputs["spec"] as Json)["minReplicas"] ?? 1) + 1);
  }
  return resources.map((r, i) => (r.type.startsWith("kubernetes:") && typeof r.inputs["kind"] === "string" && r.type !== "kubernetes:core/v1:Secret" ? live(r, hpaReplicas, i) : r));
}

const key = (f: Finding) => `${f.policy} | ${f.urn ?? ""} | ${f.enforcementLevel} | ${f.message}`;
const plans: Record<string, AnalyzedResource[]> = {};

beforeAll(async () => {
  for (const stack of ["dev", "prod"]) {
    const run = await runStack(stack);
    plans[stack] = resourcesOfExport(JSON.parse(JSON.stringify(toDeployment(run.captured, "test"))) as unknown, stack);
  }
}, 180_000);

describe.each(["dev", "prod"])("the %s plan after its first deploy", (stack) => {
  it("gets the same findings from every rule as at its creation (the pack's own defaults, no exceptions)", async () => {
    const declared = plans[stack]!;
    const deployed = afterDeploy(declared);
    // The live copy really differs where the API server fills in: the HPA-scaled server has the HPA's count.
    const server = deployed.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name.endsWith("-server-deployment"));
    expect(((server?.outputs?.["spec"] as Json | undefined)?.["replicas"])).toEqual(expect.any(Number));
    expect((server?.inputs["spec"] as Json)["replicas"]).toBeUndefined();
    const before = (await runPack(declared, {})).evaluation.findings.map(key).sort();
    const after = (await runPack(deployed, {})).evaluation.findings.map(key).sort();
    expect(before.length).toBeGreaterThan(0);
    expect(after).toEqual(before);
  }, 180_000);
});
