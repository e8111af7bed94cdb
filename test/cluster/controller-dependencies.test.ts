// Objects a controller finalizes must depend on that controller. Pulumi destroys in reverse dependency order; an
// object that does not depend on its controller may be deleted together with it, and then nobody clears its
// finalizer: the Ingress hangs in Terminating, the ALB and its security groups are orphaned, and the VPC cannot be
// deleted. The check runs over every Kubernetes object of the plan, not only the Ingress we know of today.
import { beforeAll, describe, expect, it } from "vitest";
import type { CapturedResource } from "../../tools/plan/capture";
import { toDeployment } from "../../tools/plan/state-export";
import { runStack, type ProgramRun } from "../support/harness";
import { waitsFor } from "../support/graph";

type Json = Record<string, unknown>;

/**
 * Controllers the platform installs, and the objects each puts a finalizer on (read in its source).
 * aws-load-balancer-controller@v2.13.4:
 * - Ingresses of its class: controllers/ingress/group_controller.go:145 (group finalizer ingress.k8s.aws/resources);
 * - Services of type LoadBalancer it reconciles: controllers/service/service_controller.go:172;
 * - TargetGroupBindings: controllers/elbv2/targetgroupbinding_controller.go:51 (elbv2.k8s.aws/resources).
 */
const CONTROLLERS: { chart: string; finalizes: (type: string, inputs: Json) => boolean }[] = [{
  chart: "aws-load-balancer-controller",
  finalizes: (type, inputs) => {
    const spec = (inputs.spec ?? {}) as Json;
    if (type === "kubernetes:networking.k8s.io/v1:Ingress") return spec.ingressClassName === "alb";
    if (type === "kubernetes:core/v1:Service") return spec.type === "LoadBalancer";
    return type === "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding";
  },
}];

function releaseOf(run: ProgramRun, chart: string): CapturedResource {
  const found = run.ofType("kubernetes:helm.sh/v3:Release").filter((r) => run.inputs(r).chart === chart);
  if (found.length !== 1) throw new Error(`expected one Helm release of ${chart}, found ${found.length}`);
  return found[0] as CapturedResource;
}

/** Every object a controller of the table finalizes, with the release it must wait for. */
function finalizedObjects(run: ProgramRun): { object: CapturedResource; release: CapturedResource }[] {
  return CONTROLLERS.flatMap(({ chart, finalizes }) => {
    const objects = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && finalizes(r.type, run.inputs(r)));
    return objects.map((object) => ({ object, release: releaseOf(run, chart) }));
  });
}

let prod: ProgramRun;
beforeAll(async () => {
  prod = await runStack("prod");
});

describe("objects a controller finalizes depend on the controller", () => {
  it("the prod plan has such objects (the ALB Ingress), so the check below has something to check", () => {
    expect(finalizedObjects(prod).map(({ object }) => object.type)).toContain("kubernetes:networking.k8s.io/v1:Ingress");
  });

  it("each of them waits for (and is destroyed before) its controller's Helm release", () => {
    const missing = finalizedObjects(prod).filter(({ object, release }) => !waitsFor(prod, object, release)).map(({ object }) => object.name);
    expect(missing).toEqual([]);
  });

  it("the dependency is in the exported state itself (what `pulumi destroy` orders by)", () => {
    const state = toDeployment(prod.captured, "test");
    const release = releaseOf(prod, "aws-load-balancer-controller");
    const ingress = state.deployment.resources.find((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress");
    expect(ingress?.dependencies).toContain(release.urn);
  });

  it("the pods behind the ALB start after the controller, whose webhook gives them the readiness gate", () => {
    const release = releaseOf(prod, "aws-load-balancer-controller");
    const ingress = prod.inputs(prod.one("kubernetes:networking.k8s.io/v1:Ingress")) as { spec: { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] } };
    const backend = ingress.spec.rules[0]?.http.paths[0]?.backend.service.name;
    const service = prod.ofType("kubernetes:core/v1:Service").find((s) => (prod.inputs(s).metadata as Json).name === backend);
    const selector = ((service && prod.inputs(service).spec) as { selector: Record<string, string> }).selector;
    const workloads = prod.ofType("kubernetes:apps/v1:Deployment").filter((d) => {
      const labels = ((prod.inputs(d).spec as Json).template as { metadata: { labels: Record<string, string> } }).metadata.labels;
      return Object.entries(selector).every(([k, v]) => labels[k] === v);
    });
    expect(workloads).toHaveLength(1);
    expect(waitsFor(prod, workloads[0] as CapturedResource, release)).toBe(true);
  });

  it("a stack without a controller of its own (existing cluster) has nothing it must wait for", async () => {
    const dev = await runStack("dev", { "ingress.enabled": "true", "ingress.host": "agents.dev.example.com", "ingress.clusterIssuer": "letsencrypt" });
    expect(dev.ofType("kubernetes:helm.sh/v3:Release")).toEqual([]);
    expect(finalizedObjects(dev)).toEqual([]);
  });
});
