import { beforeAll, describe, expect, it } from "vitest";
import type { CapturedResource } from "../../tools/plan/capture";
import { runStack, type ProgramRun } from "../support/harness";
import { envOf, named, type Workload } from "../support/k8s";
import { expectRestricted } from "../support/workload";

type Json = Record<string, unknown>;
let dev: ProgramRun;
let prod: ProgramRun;

beforeAll(async () => {
  [dev, prod] = [await runStack("dev"), await runStack("prod")];
});

const serverPod = (run: ProgramRun) => named<Workload>(run, "kubernetes:apps/v1:Deployment", "agents-server").spec.template;

describe("ElastiCache (cache.mode=elasticache, prod)", () => {
  it("encrypts at rest with its own key and in transit (required), two nodes, Multi-AZ failover, snapshots kept", () => {
    const group = prod.inputs(prod.one("aws:elasticache/replicationGroup:ReplicationGroup"));
    const key = prod.ofType("aws:kms/key:Key").find((k) => String(prod.inputs(k).description).startsWith("Encrypts ElastiCache"));
    expect(key && prod.inputs(key).enableKeyRotation).toBe(true);
    expect(group).toMatchObject({
      engine: "valkey", engineVersion: "8.0", numCacheClusters: 2, automaticFailoverEnabled: true, multiAzEnabled: true,
      atRestEncryptionEnabled: true, kmsKeyId: (key?.outputs)?.arn, transitEncryptionEnabled: true,
      transitEncryptionMode: "required", snapshotRetentionLimit: 7, autoMinorVersionUpgrade: true, port: 6379,
    });
    expect(group.authToken).toBeUndefined();
  });

  it("admits 6379 only from the cluster's security group, in private subnets", () => {
    const sg = prod.ofType("aws:ec2/securityGroup:SecurityGroup").find((s) => String(prod.inputs(s).description).startsWith("Redis")) as CapturedResource;
    const rules = prod.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => prod.inputs(r).securityGroupId === sg.id);
    const clusterSg = ((prod.one("aws:eks/cluster:Cluster").outputs as Json).vpcConfig as Json).clusterSecurityGroupId;
    expect(rules.map((r) => prod.inputs(r))).toEqual([expect.objectContaining({ fromPort: 6379, toPort: 6379, referencedSecurityGroupId: clusterSg })]);
    expect(prod.inputs(prod.one("aws:elasticache/replicationGroup:ReplicationGroup")).securityGroupIds).toEqual([sg.id]);
    const privateIds = prod.ofType("aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-")).map((s) => s.id);
    expect(prod.inputs(prod.one("aws:elasticache/subnetGroup:SubnetGroup")).subnetIds).toEqual(privateIds);
  });

  it("carries the server's plaintext Redis to ElastiCache over verified TLS through a native sidecar", () => {
    const pod = serverPod(prod).spec;
    const sidecar = pod.initContainers?.find((c) => c.name === "redis-tls");
    expect(sidecar?.restartPolicy).toBe("Always");
    expect(sidecar?.image).toBe("123456789012.dkr.ecr.eu-west-1.amazonaws.com/agents-prod/docker-hub/envoyproxy/envoy:v1.34.10@sha256:3343a698c1bdfdbb174f1bd907dea789d728692f4f99a943e3e6f0bc5ef6513f"); // through the prod pull-through cache
    expect(sidecar?.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    const env = envOf(pod.containers[0] ?? { name: "", image: "" });
    expect(env.get("LETTA_REDIS_HOST")?.value).toBe("127.0.0.1");
    expect(env.get("LETTA_REDIS_PORT")?.value).toBe("6379");

    const configMapName = pod.volumes?.find((v) => v.name === "redis-tls-config")?.configMap?.name;
    const envoy = JSON.parse(String(named<{ data: Json }>(prod, "kubernetes:core/v1:ConfigMap", String(configMapName)).data["envoy.json"])) as {
      static_resources: { listeners: { address: { socket_address: { address: string; port_value: number } } }[]; clusters: Json[] };
    };
    expect(envoy.static_resources.listeners[0]?.address.socket_address).toEqual({ address: "127.0.0.1", port_value: 6379 });
    // The kubelet probes a health listener on the pod IP: a probe `host` of 127.0.0.1 would dial the node's own
    // loopback, and Pod Security v1.34 (hostProbesAndHostLifecycle) rejects any probe host.
    expect(envoy.static_resources.listeners[1]?.address.socket_address).toEqual({ address: "0.0.0.0", port_value: 15021 });
    expect(JSON.stringify(envoy.static_resources.listeners[1])).toContain('"direct_response":{"status":200');
    for (const probe of [sidecar?.startupProbe, sidecar?.livenessProbe]) {
      expect(probe?.httpGet).toEqual({ port: 15021, path: "/ready" });
      expect(probe?.tcpSocket).toBeUndefined();
    }
    const primary = (prod.one("aws:elasticache/replicationGroup:ReplicationGroup").outputs as Json).primaryEndpointAddress;
    const cluster = JSON.stringify(envoy.static_resources.clusters[0]);
    expect(cluster).toContain(`"address":"${String(primary)}","port_value":6379`);
    expect(cluster).toContain(`"sni":"${String(primary)}"`);
    expect(cluster).toContain('"trusted_ca":{"filename":"/etc/ssl/certs/ca-certificates.crt"}');
    expect(cluster).toContain(`"exact":"${String(primary)}"`);
  });
});

describe("in-cluster Redis (cache.mode=in-cluster, dev)", () => {
  it("is one shared Redis, non-root and read-only, admitting only labelled clients", () => {
    const redis = named<Workload>(dev, "kubernetes:apps/v1:Deployment", "agents-redis");
    expect(redis.spec.replicas).toBe(1);
    const container = redis.spec.template.spec.containers[0];
    expect(container?.image).toBe("redis:7.4.6-alpine@sha256:3b73847e72874be07e6657b129a94761662b79bc0f679273757d4218573b2a98");
    expectRestricted(redis.spec.template.spec.securityContext, container?.securityContext, 999);
    expect(container?.readinessProbe).toMatchObject({ exec: { command: ["redis-cli", "-h", "127.0.0.1", "ping"] } });
    expect(container?.resources?.limits).toMatchObject({ memory: "256Mi" });
    const policy = named<{ spec: { ingress: Json[] } }>(dev, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "agents-redis");
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { "agent-platform/cache-client": "true" } } }], ports: [{ port: 6379, protocol: "TCP" }] }]);
  });

  it("the server talks to it by its Service, carries the client labels, and runs no proxy sidecar, only log-watch and the Redis gate", () => {
    const pod = serverPod(dev);
    const env = envOf(pod.spec.containers[0] ?? { name: "", image: "" });
    expect(env.get("LETTA_REDIS_HOST")?.value).toBe("agents-redis.agent-platform.svc.cluster.local");
    expect(pod.metadata.labels).toMatchObject({ "agent-platform/cache-client": "true", "agent-platform/database-client": "true" });
    // No TLS proxy: the log-watch sidecar, then the PING gate on the same host and port (it runs to completion).
    expect((pod.spec.initContainers ?? []).map((c) => [c.name, c.restartPolicy, c.name === "wait-for-redis" ? c.command?.slice(-3) : undefined])).toEqual([
      ["log-watch", "Always", undefined],
      ["wait-for-redis", undefined, ["agents-redis.agent-platform.svc.cluster.local", "6379", "120"]],
    ]);
    expect(dev.ofType("aws:elasticache/replicationGroup:ReplicationGroup")).toEqual([]);
  });
});
