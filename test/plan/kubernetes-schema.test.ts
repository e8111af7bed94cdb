// The schema check must be able to fail: broken objects and unknown kinds are rejected with a useful message.
import { describe, expect, it } from "vitest";
import { modelClassFor, validateKubernetesObject } from "../support/kubernetes-schema";

function deployment(container: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "server", namespace: "agent-platform" },
    spec: {
      selector: { matchLabels: { app: "server" } },
      template: { metadata: { labels: { app: "server" } }, spec: { containers: [{ name: "server", image: "letta/letta:0.16.8", ...container }] } },
    },
  };
}

describe("validateKubernetesObject", () => {
  it("accepts valid objects of core and grouped API versions", () => {
    expect(() => validateKubernetesObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: "agent-platform" } })).not.toThrow();
    expect(() => validateKubernetesObject(deployment({
      ports: [{ containerPort: 8283, name: "http" }],
      readinessProbe: { httpGet: { path: "/v1/health/", port: "http" } },
    }))).not.toThrow();
    expect(() => validateKubernetesObject({
      apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "server" },
      spec: { minAvailable: 1, selector: { matchLabels: { app: "server" } } },
    })).not.toThrow();
    expect(() => validateKubernetesObject({
      apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "deny" },
      spec: { podSelector: {}, policyTypes: ["Ingress"] },
    })).not.toThrow();
  });

  it("rejects a container port given as a string", () => {
    expect(() => validateKubernetesObject(deployment({ ports: [{ containerPort: "80" }] })))
      .toThrow(/^Deployment\/server: spec\.template\.spec\.containers\.0\.ports\.0\.containerPort must be integer/);
  });

  it("rejects an httpGet probe without a port", () => {
    expect(() => validateKubernetesObject(deployment({ livenessProbe: { httpGet: { path: "/" } } })))
      .toThrow(/^Deployment\/server: spec\.template\.spec\.containers\.0\.livenessProbe\.httpGet must have required property '?port'?/);
  });

  it("rejects a non-string metadata.name", () => {
    expect(() => validateKubernetesObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: 123 } }))
      .toThrow(/^Namespace\/123: metadata\.name must be string/);
  });

  it("rejects a wrongly typed nested field (replicas as a string)", () => {
    const object = deployment({});
    (object.spec as Record<string, unknown>).replicas = "2";
    expect(() => validateKubernetesObject(object)).toThrow(/^Deployment\/server: spec\.replicas must be integer/);
  });

  it("rejects kinds it has no schema for instead of passing them", () => {
    expect(() => validateKubernetesObject({ apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "server" } }))
      .toThrow("ServiceMonitor/server: no schema for monitoring.coreos.com/v1 ServiceMonitor");
    expect(() => validateKubernetesObject({ apiVersion: "apps/v1", kind: "Deploymnet", metadata: { name: "server" } }))
      .toThrow("Deploymnet/server: no schema for apps/v1 Deploymnet");
    // A kind served by another group is not found under the wrong apiVersion.
    expect(() => validateKubernetesObject({ apiVersion: "v1", kind: "Deployment", metadata: { name: "server" } }))
      .toThrow("Deployment/server: no schema for v1 Deployment");
    // Sub-schemas (Container) are exported too, but are not top-level kinds.
    expect(() => validateKubernetesObject({ apiVersion: "v1", kind: "Container", metadata: { name: "server" } }))
      .toThrow("no schema for v1 Container");
    expect(() => validateKubernetesObject({ apiVersion: "../../etc", kind: "Namespace", metadata: { name: "x" } }))
      .toThrow("no schema for ../../etc Namespace");
  });

  it("rejects objects without apiVersion or kind", () => {
    expect(() => validateKubernetesObject({ kind: "Namespace", metadata: { name: "x" } })).toThrow(/Namespace\/x: apiVersion and kind must be strings/);
    expect(() => validateKubernetesObject(["not", "an", "object"])).toThrow(/not a Kubernetes object/);
  });

  it("maps apiVersion and kind to the model class generically", () => {
    for (const [apiVersion, kind] of [
      ["v1", "Secret"], ["v1", "Service"], ["apps/v1", "StatefulSet"], ["batch/v1", "CronJob"], ["batch/v1", "Job"],
      ["autoscaling/v2", "HorizontalPodAutoscaler"], ["networking.k8s.io/v1", "Ingress"], ["storage.k8s.io/v1", "StorageClass"],
      ["rbac.authorization.k8s.io/v1", "Role"], ["apiextensions.k8s.io/v1", "CustomResourceDefinition"],
    ] as const) {
      const model = modelClassFor(apiVersion, kind);
      expect(model?.apiVersion, `${apiVersion} ${kind}`).toBe(apiVersion);
      expect(model?.kind, `${apiVersion} ${kind}`).toBe(kind);
    }
  });
});
