import { describe, expect, it } from "vitest";
import { AgentPlatform, parsePlatformConfig } from "../../components";
import { captureProgram } from "../../tools/plan/capture";
import { isKubernetesObject } from "../../tools/plan/manifests";
import { unwrapSecrets } from "../../tools/plan/wire";

describe("AgentPlatform instances", () => {
  it("two instances in one program share no URN, Kubernetes object or physical name", async () => {
    const captured = await captureProgram({
      project: "agent-platform", stack: "prod", config: { "aws:region": "eu-west-1" }, secretKeys: [],
      program: () => {
        const common = { environment: "prod", ingress: { host: "agents.example.com", certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/x" },
          image: { dockerHubCredentialArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf" } } as const;
        const cluster = { adminPrincipalArns: ["arn:aws:iam::123456789012:role/deploy"] };
        const blue = new AgentPlatform("blue", { ...common, cluster, namespace: "blue" });
        const green = new AgentPlatform("green", { ...common, cluster, namespace: "green" });
        return { blue: blue.namespace, green: green.namespace };
      },
    });
    const urns = captured.resources.map((r) => r.urn);
    expect(new Set(urns).size).toBe(urns.length);

    const objects = captured.resources.filter(isKubernetesObject).map((r) => {
      const metadata = (unwrapSecrets(r.inputs) as { metadata: { name: string; namespace?: string } }).metadata;
      // Objects collide only within one cluster: the provider (the cluster) is part of their identity.
      return `${r.provider ?? ""} ${r.type} ${metadata.namespace ?? ""}/${metadata.name}`;
    });
    expect(objects.length).toBeGreaterThan(4);
    expect(new Set(objects).size).toBe(objects.length);

    const physicalNames = captured.resources
      .filter((r) => r.type.startsWith("aws:"))
      .map((r) => (unwrapSecrets(r.inputs) as { name?: unknown }).name)
      .filter((n): n is string => typeof n === "string");
    expect(physicalNames.length).toBeGreaterThan(4);
    expect(new Set(physicalNames).size).toBe(physicalNames.length);
    expect(captured.outputs).toEqual({ blue: "blue", green: "green" });
  });

  it("two dev instances on one existing cluster share no Kubernetes object (same cluster: identity without the provider)", async () => {
    const captured = await captureProgram({
      project: "agent-platform", stack: "dev", config: {}, secretKeys: [],
      program: () => {
        const blue = new AgentPlatform("blue", { environment: "dev", namespace: "blue" });
        const green = new AgentPlatform("green", { environment: "dev", namespace: "green" });
        return { blue: blue.namespace, green: green.namespace };
      },
    });
    const objects = captured.resources.filter(isKubernetesObject).map((r) => {
      const metadata = (unwrapSecrets(r.inputs) as { metadata: { name: string; namespace?: string } }).metadata;
      return `${r.type} ${metadata.namespace ?? ""}/${metadata.name}`;
    });
    expect(objects.length).toBeGreaterThan(20);
    expect(objects.filter((o, i) => objects.indexOf(o) !== i)).toEqual([]);
  });

  it("refuses an instance name that cannot prefix Kubernetes names", () => {
    const config = parsePlatformConfig({ environment: "dev" });
    expect(() => new AgentPlatform("Agents_1", config)).toThrow(/must be 2-22 lower-case letters/);
  });
});
