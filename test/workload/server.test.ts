// Issue 4, the agent server on EKS: the Deployment, its ServiceAccount, Service, HPA and PodDisruptionBudget, as
// the dev and prod plans render them (see /work/shared/reference/letta-server.md for the server's facts).
import { beforeAll, describe, expect, it } from "vitest";
import type { CapturedResource } from "../../tools/plan/capture";
import { isSecretValue } from "../../tools/plan/wire";
import { NS, runStack, type ProgramRun } from "../support/harness";
import { envOf, named, type EnvVar } from "../support/k8s";
import { SERVER, T, allContainers, outputsOf, podTemplates, selects, serverContainer, serverDeployment } from "../support/workload";

type Json = Record<string, unknown>;
const CREDENTIALS = "agents-server-credentials";
const LLM_KEY = "sk-test-123";
/** Environment variable names that hold credentials. */
const CREDENTIAL_NAME = /(_KEY|_PASSWORD|_URI|_TOKEN)$/;

let dev: ProgramRun;
let prod: ProgramRun;
/** dev with an OpenAI key set as a secret. */
let devLlm: ProgramRun;
/** dev with every server sizing and autoscaling key overridden. */
let devTuned: ProgramRun;

beforeAll(async () => {
  dev = await runStack("dev");
  prod = await runStack("prod");
  devLlm = await runStack("dev", {}, { "llm.openaiApiKey": LLM_KEY });
  devTuned = await runStack("dev", {
    "server.image": "letta/letta:0.16.7",
    "server.cpuRequest": "1", "server.memoryRequest": "2Gi", "server.cpuLimit": "2", "server.memoryLimit": "4Gi",
    "server.minReplicas": "2", "server.maxReplicas": "5", "server.cpuTargetPercent": "55", "server.memoryTargetPercent": "65",
  });
});

const secretRef = (env: Map<string, EnvVar>, name: string): EnvVar["valueFrom"] => env.get(name)?.valueFrom;
/** The credentials Secret in wire form, where secret markers are still visible. */
const rawCredentials = (run: ProgramRun): CapturedResource | undefined =>
  run.ofType(T.secret).find((s) => (run.inputs(s).metadata as Json).name === CREDENTIALS);
interface HttpProbe { httpGet?: { path?: string; port?: string | number }; periodSeconds?: number; failureThreshold?: number }

describe("ServiceAccount", () => {
  it.each(["dev", "prod"])("%s: the server runs under its own ServiceAccount, with no API token mounted", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const sa = named<{ metadata: { namespace: string }; automountServiceAccountToken?: boolean }>(run, T.serviceAccount, SERVER);
    expect(sa.metadata.namespace).toBe(NS);
    expect(sa.automountServiceAccountToken).toBe(false);
    const pod = serverDeployment(run).spec.template.spec;
    expect(pod.serviceAccountName).toBe(SERVER);
    expect(pod.automountServiceAccountToken).toBe(false);
    // Dedicated: no other pod of the plan runs as it.
    const users = podTemplates(run).filter((t) => t.spec.serviceAccountName === SERVER).map((t) => `${t.kind}/${t.name}`);
    expect(users).toEqual([`Deployment/${SERVER}`]);
  });
});

describe("Deployment", () => {
  it.each(["dev", "prod"])("%s: runs the pinned image, never latest", (stack) => {
    const image = serverContainer(stack === "dev" ? dev : prod).image;
    expect(image).toBe(`${stack === "dev" ? "" : "123456789012.dkr.ecr.eu-west-1.amazonaws.com/agents-prod/docker-hub/"}letta/letta:0.16.8@sha256:aa66c3eeee13d2dfc40c650d709b550237ee31bfc91942a52fa488a13fa8c102`);
    expect(image).not.toMatch(/:latest$/);
  });

  it("takes the image from server.image", () => {
    expect(serverContainer(devTuned).image).toBe("letta/letta:0.16.7");
  });

  it.each(["dev", "prod"])("%s: pod and container run non-root with the restricted securityContext", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const pod = serverDeployment(run).spec.template.spec;
    const podContext = pod.securityContext ?? {};
    expect(podContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(podContext.runAsUser).toBeGreaterThan(10000);
    expect(podContext.runAsGroup).toBeGreaterThan(10000);

    const context = serverContainer(run).securityContext ?? {};
    expect(context).toMatchObject({
      runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, seccompProfile: { type: "RuntimeDefault" },
    });
    expect(context.privileged === undefined || context.privileged === false).toBe(true);
    expect(context.capabilities).toEqual({ drop: ["ALL"] });
    // A container-level id, when set, must keep the pod's (non-root, > 10000) identity.
    for (const key of ["runAsUser", "runAsGroup"] as const) {
      const value = context[key] ?? podContext[key];
      expect(value).toBeGreaterThan(10000);
    }
  });

  it.each(["dev", "prod"])("%s: a read-only root with writable emptyDir HOME (/home/letta, env HOME) and /tmp", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const pod = serverDeployment(run).spec.template.spec;
    const container = serverContainer(run);
    const volumeAt = (path: string) => {
      const mount = (container.volumeMounts ?? []).find((m) => m.mountPath === path);
      return pod.volumes?.find((v) => v.name === mount?.name);
    };
    expect(envOf(container).get("HOME")?.value).toBe("/home/letta");
    for (const path of ["/home/letta", "/tmp"]) {
      const volume = volumeAt(path);
      expect(volume, `a volume is mounted at ${path}`).toBeDefined();
      expect(volume?.emptyDir, `${path} is an emptyDir`).toBeDefined();
    }
    expect(volumeAt("/home/letta")?.name).not.toBe(volumeAt("/tmp")?.name);
    expect(envOf(container).get("PYTHONDONTWRITEBYTECODE")?.value).toBe("1");
  });

  it.each(["dev", "prod"])("%s: no service links, and the server command instead of the image's start script", (stack) => {
    const run = stack === "dev" ? dev : prod;
    expect(serverDeployment(run).spec.template.spec.enableServiceLinks).toBe(false);
    const container = serverContainer(run);
    expect(container.command).toEqual(["letta", "server", "--host", "0.0.0.0", "--port", "8283"]);
    expect(container.args).toBeUndefined();
  });

  it.each(["dev", "prod"])("%s: password mode on, password and encryption key from the credentials Secret", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const env = envOf(serverContainer(run));
    expect(env.get("LETTA_SERVER_SECURE")).toEqual({ name: "LETTA_SERVER_SECURE", value: "true" });
    expect(secretRef(env, "LETTA_SERVER_PASSWORD")).toEqual({ secretKeyRef: { name: CREDENTIALS, key: "LETTA_SERVER_PASSWORD" } });
    expect(secretRef(env, "LETTA_ENCRYPTION_KEY")).toEqual({ secretKeyRef: { name: CREDENTIALS, key: "LETTA_ENCRYPTION_KEY" } });
    expect(env.get("LETTA_SERVER_PASSWORD")?.value).toBeUndefined();
    expect(env.get("LETTA_ENCRYPTION_KEY")?.value).toBeUndefined();
    // The Secret exists in the namespace and holds those keys, as secrets.
    const secret = named<{ metadata: { namespace: string }; stringData: Json }>(run, T.secret, CREDENTIALS);
    expect(secret.metadata.namespace).toBe(NS);
    expect(Object.keys(secret.stringData).sort()).toEqual(["LETTA_ENCRYPTION_KEY", "LETTA_SERVER_PASSWORD"]);
    expect(isSecretValue(rawCredentials(run)?.inputs.stringData)).toBe(true);
  });

  it.each(["dev", "prod", "dev with an LLM key"])("%s: every credential variable of the server pod comes from a secretKeyRef, never a value", (stack) => {
    const run = stack === "dev" ? dev : stack === "prod" ? prod : devLlm;
    const checked: string[] = [];
    for (const container of allContainers(serverDeployment(run).spec.template.spec)) {
      for (const variable of container.env ?? []) {
        if (!CREDENTIAL_NAME.test(variable.name)) continue;
        checked.push(variable.name);
        expect(variable.value, `${container.name} ${variable.name}`).toBeUndefined();
        expect(variable.valueFrom?.secretKeyRef?.name, `${container.name} ${variable.name}`).toEqual(expect.any(String));
        expect(variable.valueFrom?.secretKeyRef?.key, `${container.name} ${variable.name}`).toEqual(expect.any(String));
      }
    }
    // The rule really ran over the server's credentials (a rename would otherwise make it vacuous).
    expect(checked).toEqual(expect.arrayContaining(["LETTA_SERVER_PASSWORD", "LETTA_ENCRYPTION_KEY", "LETTA_PG_URI"]));
    if (stack === "dev with an LLM key") expect(checked).toContain("OPENAI_API_KEY");
  });

  it.each(["dev", "prod", "dev with an LLM key"])("%s: no pod of the plan carries a password, token or secret value as a literal", (stack) => {
    const run = stack === "dev" ? dev : stack === "prod" ? prod : devLlm;
    // The values that must never appear: every generated password, and the LLM key.
    const secrets = [...run.ofType(T.randomPassword).map((p) => String(outputsOf(p).result)), LLM_KEY];
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const template of podTemplates(run)) {
      for (const container of allContainers(template.spec)) {
        for (const variable of container.env ?? []) {
          const where = `${template.kind}/${template.name} ${container.name} ${variable.name}`;
          // Outside the server, *_KEY and *_URI also name S3 object keys and locations; *_PASSWORD and *_TOKEN never do.
          if (/(_PASSWORD|_TOKEN)$/.test(variable.name)) expect(variable.value, where).toBeUndefined();
          for (const secret of secrets) expect(variable.value ?? "", where).not.toContain(secret);
        }
      }
    }
  });

  it("an LLM key set as a secret reaches the server only through the credentials Secret", () => {
    const env = envOf(serverContainer(devLlm));
    expect(env.get("OPENAI_API_KEY")).toEqual({ name: "OPENAI_API_KEY", valueFrom: { secretKeyRef: { name: CREDENTIALS, key: "OPENAI_API_KEY" } } });
    for (const deployment of devLlm.ofType(T.deployment)) {
      expect(JSON.stringify(deployment.inputs)).not.toContain(LLM_KEY);
      expect(JSON.stringify(devLlm.inputs(deployment))).not.toContain(LLM_KEY);
    }
    const secret = named<{ stringData: Json }>(devLlm, T.secret, CREDENTIALS);
    expect(secret.stringData.OPENAI_API_KEY).toBe(LLM_KEY);
    expect(isSecretValue(rawCredentials(devLlm)?.inputs.stringData)).toBe(true);
    // Without the key, the server gets no OPENAI_API_KEY at all.
    expect(envOf(serverContainer(dev)).has("OPENAI_API_KEY")).toBe(false);
  });

  it.each(["dev", "prod"])("%s: startup and liveness on /v1/health/, readiness on /v1/ready/, no readiness enforcement switch", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const container = serverContainer(run);
    const startup = container.startupProbe as HttpProbe;
    const liveness = container.livenessProbe as HttpProbe;
    const readiness = container.readinessProbe as HttpProbe;
    expect(startup.httpGet).toEqual({ path: "/v1/health/", port: "http" });
    expect(liveness.httpGet).toEqual({ path: "/v1/health/", port: "http" });
    expect(readiness.httpGet).toEqual({ path: "/v1/ready/", port: "http" });
    // Start-up syncs providers and models: at least the 120 s Letta's own chart allowed before liveness counts.
    expect((startup.periodSeconds ?? 10) * (startup.failureThreshold ?? 3)).toBeGreaterThanOrEqual(120);
    // With every gate off by default it changes nothing (letta-ai/letta@0.16.8:letta/settings.py:605-627): not set.
    expect(envOf(container).has("LETTA_READINESS_ENFORCEMENT_ENABLED")).toBe(false);
  });

  it.each(["dev", "prod"])("%s: listens on 8283, named http", (stack) => {
    expect(serverContainer(stack === "dev" ? dev : prod).ports).toEqual([{ name: "http", containerPort: 8283, protocol: "TCP" }]);
  });

  it.each(["dev", "prod"])("%s: requests and limits default to 250m/512Mi and 500m/1Gi", (stack) => {
    const resources = serverContainer(stack === "dev" ? dev : prod).resources;
    // Exactly these: scratch space for the read-only root filesystem's emptyDirs is bounded too.
    expect(resources?.requests).toEqual({ cpu: "250m", memory: "512Mi", "ephemeral-storage": "256Mi" });
    expect(resources?.limits).toEqual({ cpu: "500m", memory: "1Gi", "ephemeral-storage": "2Gi" });
  });

  it("takes requests and limits from the config", () => {
    const resources = serverContainer(devTuned).resources;
    expect(resources?.requests).toEqual({ cpu: "1", memory: "2Gi", "ephemeral-storage": "256Mi" });
    expect(resources?.limits).toEqual({ cpu: "2", memory: "4Gi", "ephemeral-storage": "2Gi" });
  });

  it.each(["dev", "prod"])("%s: drains before it stops: a preStop pause shorter than the grace period", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const pod = serverDeployment(run).spec.template.spec;
    const preStop = (serverContainer(run).lifecycle as { preStop?: { sleep?: { seconds: number }; exec?: { command: string[] } } } | undefined)?.preStop;
    expect(preStop, "a preStop action").toBeDefined();
    // A sleep action, or an exec of `sleep N` (directly or through sh -c).
    const execSleep = /(?:^|\s)sleep\s+(\d+)$/.exec((preStop?.exec?.command ?? []).join(" "));
    const pause = preStop?.sleep?.seconds ?? Number(execSleep?.[1] ?? Number.NaN);
    expect(pause).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(pause);
  });

  it.each(["dev", "prod"])("%s: rolls out with zero unavailable pods", (stack) => {
    const strategy = serverDeployment(stack === "dev" ? dev : prod).spec.strategy as { type: string; rollingUpdate: { maxUnavailable: number | string; maxSurge: number | string } };
    expect(strategy.type).toBe("RollingUpdate");
    expect(strategy.rollingUpdate.maxUnavailable).toBe(0);
    // maxUnavailable 0 with maxSurge 0 is refused by the API server: a surge pod must be allowed.
    expect(strategy.rollingUpdate.maxSurge).not.toBe(0);
    expect(strategy.rollingUpdate.maxSurge).not.toBe("0%");
  });

  it.each(["dev", "prod"])("%s: spreads over zones and hosts, counting only its own pods", (stack) => {
    const deployment = serverDeployment(stack === "dev" ? dev : prod);
    const constraints = deployment.spec.template.spec.topologySpreadConstraints ?? [];
    expect(constraints.map((c) => c.topologyKey).sort()).toEqual(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
    for (const constraint of constraints) {
      expect(constraint.labelSelector.matchLabels).toEqual(deployment.spec.selector?.matchLabels);
      expect(selects(constraint.labelSelector, deployment.spec.template.metadata.labels)).toBe(true);
    }
  });

  it.each(["dev", "prod"])("%s: leaves the replica count to the HPA, and selects its own pod template", (stack) => {
    const deployment = serverDeployment(stack === "dev" ? dev : prod);
    expect("replicas" in deployment.spec).toBe(false);
    expect(deployment.spec.selector?.matchLabels).toEqual({ "app.kubernetes.io/instance": "agents", "app.kubernetes.io/name": "agent-server" });
    expect(selects(deployment.spec.selector, deployment.spec.template.metadata.labels)).toBe(true);
  });
});

describe("Service", () => {
  it.each(["dev", "prod"])("%s: ClusterIP, port 80 to the container's http port 8283, selecting the Deployment's pods", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const service = named<{ spec: { type: string; selector: Json; ports: { name: string; port: number; targetPort: string | number; protocol?: string }[] } }>(run, T.service, SERVER);
    expect(service.spec.type).toBe("ClusterIP");
    expect(service.spec.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    expect(service.spec.selector).toEqual(serverDeployment(run).spec.selector?.matchLabels);
    const target = (serverContainer(run).ports ?? []).find((p) => p.name === service.spec.ports[0]?.targetPort);
    expect(target?.containerPort).toBe(8283);
  });
});

describe("HorizontalPodAutoscaler", () => {
  interface Hpa {
    spec: {
      scaleTargetRef: Json; minReplicas: number; maxReplicas: number; metrics: Json[];
      behavior?: { scaleDown?: { stabilizationWindowSeconds?: number } };
    };
  }
  const metrics = (cpu: number, memory: number): Json[] => [
    { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: cpu } } },
    { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: memory } } },
  ];

  it.each([["dev", 1, 3], ["prod", 2, 10]] as const)("%s: autoscaling/v2 on the Deployment, %i to %i replicas, CPU 70 % and memory 80 %", (stack, min, max) => {
    const run = stack === "dev" ? dev : prod;
    const hpa = named<Hpa>(run, T.hpa, SERVER);
    // No second autoscaler fights over the Deployment.
    const targets = run.ofType(T.hpa).map((h) => (run.inputs(h) as unknown as Hpa).spec.scaleTargetRef).filter((ref) => ref.kind === "Deployment" && ref.name === SERVER);
    expect(targets).toHaveLength(1);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: SERVER });
    expect(hpa.spec.minReplicas).toBe(min);
    expect(hpa.spec.maxReplicas).toBe(max);
    expect(hpa.spec.metrics).toEqual(metrics(70, 80));
    expect(hpa.spec.behavior?.scaleDown?.stabilizationWindowSeconds).toBeGreaterThan(0);
  });

  it("takes bounds and targets from the config", () => {
    const hpa = named<Hpa>(devTuned, T.hpa, SERVER);
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 5]);
    expect(hpa.spec.metrics).toEqual(metrics(55, 65));
  });
});

describe("PodDisruptionBudget", () => {
  it.each(["dev", "prod"])("%s: policy/v1 over the server's pods, never blocking a drain", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const pdbs = run.ofType(T.pdb).filter((p) => (run.inputs(p).metadata as Json).name === SERVER);
    expect(pdbs).toHaveLength(1);
    const pdb = named<{ spec: { selector: { matchLabels: Json }; maxUnavailable?: number | string; minAvailable?: number | string } }>(run, T.pdb, SERVER);
    expect(pdb.spec.selector.matchLabels).toEqual(serverDeployment(run).spec.selector?.matchLabels);
    expect(pdb.spec.minAvailable).toBeUndefined();
    expect(typeof pdb.spec.maxUnavailable === "number" ? pdb.spec.maxUnavailable : Number.parseInt(String(pdb.spec.maxUnavailable), 10)).toBeGreaterThanOrEqual(1);
    expect(pdb.spec.maxUnavailable).toBe(1);
    // A crash-looping pod can always be evicted: it never holds a drain hostage.
    expect((pdb.spec as { unhealthyPodEvictionPolicy?: string }).unhealthyPodEvictionPolicy).toBe("AlwaysAllow");
  });
});

describe("Pod Security", () => {
  it.each(["dev", "prod"])("%s: every container of every pod in the namespace passes the restricted profile", (stack) => {
    const run = stack === "dev" ? dev : prod;
    const templates = podTemplates(run).filter((t) => t.namespace === NS);
    expect(templates.length).toBeGreaterThan(0);
    for (const template of templates) {
      const pod = template.spec.securityContext ?? {};
      for (const container of allContainers(template.spec)) {
        const where = `${template.kind}/${template.name} ${container.name}`;
        const context = container.securityContext ?? {};
        expect(context.runAsNonRoot ?? pod.runAsNonRoot, where).toBe(true);
        expect(context.allowPrivilegeEscalation, where).toBe(false);
        expect((context.capabilities as { drop?: string[] } | undefined)?.drop, where).toEqual(["ALL"]);
        expect(((context.seccompProfile ?? pod.seccompProfile) as { type?: string } | undefined)?.type, where).toBe("RuntimeDefault");
        expect(context.runAsUser ?? pod.runAsUser, where).not.toBe(0);
      }
    }
  });
});
