// Unknown Kubernetes fields, which kubernetes-models' validators (test/plan/kubernetes-schema.test.ts) accept.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkUnknownKubernetesFields } from "../../tools/validate/kubernetes/unknown-fields";
import { resource } from "./support";

const deployment = (container: Record<string, unknown>, spec: Record<string, unknown> = {}) => resource("kubernetes:apps/v1:Deployment", "server", {
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "server", labels: { app: "server" }, annotations: { "a/b": "c" } },
  spec: { replicas: 2, selector: { matchLabels: { app: "server" } }, ...spec, template: { metadata: { labels: { app: "server" } }, spec: { containers: [{ name: "server", image: "letta/letta:0.16.8", ...container }] } } },
});

describe("unknown fields against kubernetes-models' interfaces", () => {
  it("names a misspelt field at any depth, in lists too", () => {
    const findings = checkUnknownKubernetesFields([deployment({ readinesProbe: { httpGet: { path: "/", port: 8283 } } }, { replicass: 3 })]);
    expect(findings.map((f) => f.property).sort()).toEqual(["spec.replicass", "spec.template.spec.containers[0].readinesProbe"]);
    expect(findings[0]).toMatchObject({ kind: "kubernetes-schema", resource: "server", type: "kubernetes:apps/v1:Deployment" });
  });

  it("passes a valid object: maps (labels, annotations), int-or-string ports, nested probes", () => {
    expect(checkUnknownKubernetesFields([deployment({ ports: [{ containerPort: 8283, name: "http" }], readinessProbe: { httpGet: { path: "/v1/health/", port: "http" } }, resources: { limits: { memory: "1Gi" } } })])).toEqual([]);
  });

  it("checks core-group kinds and skips objects without a model", () => {
    const namespace = resource("kubernetes:core/v1:Namespace", "ns", { apiVersion: "v1", kind: "Namespace", metadata: { name: "x", label: { a: "b" } } });
    const custom = resource("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "sm", { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", spec: { anything: 1 } });
    expect(checkUnknownKubernetesFields([namespace, custom]).map((f) => f.property)).toEqual(["metadata.label"]);
  });
});

describe("the field table kept between runs", () => {
  const faulty = () => deployment({ readinesProbe: { httpGet: { path: "/", port: 8283 } }, env: [{ name: "A", valu: "b" }] }, { replicass: 3 });
  const namespace = resource("kubernetes:core/v1:Namespace", "ns", { apiVersion: "v1", kind: "Namespace", metadata: { name: "x", label: { a: "b" } } });
  const fields = (f: { property: string }[]) => f.map((x) => x.property).sort();

  it("a cold table, a warm one and no cache at all give the same findings", () => {
    const dir = mkdtempSync(join(tmpdir(), "k8s-fields-"));
    const uncached = fields(checkUnknownKubernetesFields([faulty()], undefined));
    expect(uncached).toEqual(["spec.replicass", "spec.template.spec.containers[0].env[0].valu", "spec.template.spec.containers[0].readinesProbe"]);
    expect(fields(checkUnknownKubernetesFields([faulty()], dir))).toEqual(uncached);
    const [file] = readdirSync(dir);
    expect(file).toMatch(/^kubernetes-fields-[0-9a-f]{16}\.json$/);
    const table = JSON.parse(readFileSync(join(dir, file!), "utf8")) as { kinds: Record<string, number | null> };
    expect(Object.keys(table.kinds)).toEqual(["apps/v1 Deployment"]);
    expect(fields(checkUnknownKubernetesFields([faulty()], dir))).toEqual(uncached);
  });

  it("a kind the table lacks extends it; a damaged table is rebuilt", () => {
    const dir = mkdtempSync(join(tmpdir(), "k8s-fields-"));
    checkUnknownKubernetesFields([faulty()], dir);
    expect(fields(checkUnknownKubernetesFields([faulty(), namespace], dir))).toEqual(["metadata.label", "spec.replicass", "spec.template.spec.containers[0].env[0].valu", "spec.template.spec.containers[0].readinesProbe"]);
    const [file] = readdirSync(dir);
    expect(Object.keys((JSON.parse(readFileSync(join(dir, file!), "utf8")) as { kinds: object }).kinds).sort()).toEqual(["apps/v1 Deployment", "v1 Namespace"]);
    writeFileSync(join(dir, file!), "{not json");
    expect(fields(checkUnknownKubernetesFields([namespace], dir))).toEqual(["metadata.label"]);
  });
});
