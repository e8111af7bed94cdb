// PriorityClasses (docs/decisions/0110-priority-classes.md) and the recommended labels, as the plans render them:
// three cluster-scoped classes named after the namespace, and every pod template of both stacks in one of them.
import { beforeAll, describe, expect, it } from "vitest";
import type { CapturedResource } from "../../tools/plan/capture";
import { runStack, type ProgramRun } from "../support/harness";
import { podTemplates, T } from "../support/workload";

const PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass";
interface PriorityClass { metadata: { name: string; labels: Record<string, string> }; value: number; preemptionPolicy: string; globalDefault: boolean; description: string }

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
  [dev, prod] = [await runStack("dev"), await runStack("prod")];
}, 120_000);

const classes = (run: ProgramRun): Map<string, { object: PriorityClass; resource: CapturedResource }> =>
  new Map(run.ofType(PRIORITY_CLASS).map((r) => {
    const object = run.inputs(r) as unknown as PriorityClass;
    return [object.metadata.name, { object, resource: r }];
  }));

/** The class each pod template of a stack names, by kind/object name. */
const priorityByWorkload = (run: ProgramRun): Record<string, string | undefined> =>
  Object.fromEntries(podTemplates(run).map((p) => [`${p.kind}/${p.name.replace(/-[0-9a-f]{8}(-[0-9a-f]{8})?$/, "")}`, (p.spec as { priorityClassName?: string }).priorityClassName]));

describe.each(["dev", "prod"] as const)("%s: PriorityClasses", (stack) => {
  const run = () => (stack === "dev" ? dev : prod);

  it("are three, named <namespace>-<tier>, ordered serving > observability > batch, far below the system classes", () => {
    const found = classes(run());
    expect([...found.keys()].sort()).toEqual(["agent-platform-batch", "agent-platform-observability", "agent-platform-serving"]);
    const value = (n: string) => found.get(`agent-platform-${n}`)?.object.value ?? Number.NaN;
    expect(value("serving")).toBeGreaterThan(value("observability"));
    expect(value("observability")).toBeGreaterThan(value("batch"));
    expect(value("batch")).toBeGreaterThan(0);
    // User-defined classes may go up to 1e9; system-cluster-critical is 2e9. Stay well below both.
    for (const { object } of found.values()) expect(object.value).toBeLessThanOrEqual(1_000_000);
  });

  it("only serving and observability preempt; none is the cluster default; each on the platform's Kubernetes provider", () => {
    const found = classes(run());
    expect(found.get("agent-platform-serving")?.object.preemptionPolicy).toBe("PreemptLowerPriority");
    expect(found.get("agent-platform-observability")?.object.preemptionPolicy).toBe("PreemptLowerPriority");
    expect(found.get("agent-platform-batch")?.object.preemptionPolicy).toBe("Never");
    for (const { object, resource } of found.values()) {
      expect(object.globalDefault).toBe(false);
      expect(object.metadata.labels).toMatchObject({ "app.kubernetes.io/part-of": "agent-platform", "app.kubernetes.io/instance": "agents" });
      expect(resource.provider).toMatch(/pulumi:providers:kubernetes::/);
      expect(resource.provider).not.toMatch(/::default_/);
    }
  });

  it("every pod template names one of them: serving for the server and data stores, observability for telemetry, batch for Jobs", () => {
    const byWorkload = priorityByWorkload(run());
    const names = new Set(classes(run()).keys());
    for (const [workload, name] of Object.entries(byWorkload)) {
      expect(name, workload).toBeDefined();
      expect(names.has(name ?? ""), `${workload} names ${String(name)}`).toBe(true);
      const tier = /^(Job|CronJob)\//.test(workload) ? "batch"
        : /otel-collector|postgres-exporter/.test(workload) ? "observability" : "serving";
      expect(name, workload).toBe(`agent-platform-${tier}`);
    }
    expect(byWorkload["Deployment/agents-server"]).toBe("agent-platform-serving");
    if (stack === "prod") {
      expect(Object.keys(byWorkload).filter((w) => w.startsWith("CronJob/")).sort()).toEqual(["CronJob/agents-backup", "CronJob/agents-restore", "CronJob/agents-restore-drill"]);
    } else {
      expect(byWorkload["StatefulSet/agents-postgres"]).toBe("agent-platform-serving");
      expect(byWorkload["Deployment/agents-redis"]).toBe("agent-platform-serving");
      expect(byWorkload["Deployment/agents-postgres-exporter"]).toBe("agent-platform-observability");
    }
  });

  it("every workload object and its pod template carry app.kubernetes.io/name and instance", () => {
    const kinds = [T.deployment, T.statefulSet, T.daemonSet, T.job, T.cronJob];
    for (const r of run().resources.filter((x) => (kinds as readonly string[]).includes(x.type))) {
      const object = run().inputs(r) as { metadata: { name: string; labels?: Record<string, string> } };
      expect(object.metadata.labels?.["app.kubernetes.io/name"], `${r.type} ${object.metadata.name}`).toEqual(expect.any(String));
      expect(object.metadata.labels?.["app.kubernetes.io/instance"], `${r.type} ${object.metadata.name}`).toBe("agents");
    }
    for (const p of podTemplates(run())) {
      expect(p.labels["app.kubernetes.io/name"], `${p.kind} ${p.name}`).toEqual(expect.any(String));
      expect(p.labels["app.kubernetes.io/instance"], `${p.kind} ${p.name}`).toBe("agents");
    }
  });
});

describe("labels and selectors", () => {
  it("the Jobs' names say what they run; the selectors of policies and Deployments are unchanged", () => {
    const names = Object.fromEntries(podTemplates(prod).map((p) => [p.name.replace(/-[0-9a-f]{8}(-[0-9a-f]{8})?$/, ""), p.labels["app.kubernetes.io/name"]]));
    expect(names).toMatchObject({
      "agents-backup": "backup", "agents-restore-drill": "restore-drill", "agents-restore": "restore",
      "agents-db-bootstrap": "database-bootstrap", "agents-db-migrate": "database-migrations",
    });
    const selector = (name: string) => (prod.ofType(T.deployment).map((r) => prod.inputs(r) as { metadata: { name: string }; spec: { selector: { matchLabels: Record<string, string> } } })
      .find((d) => d.metadata.name === name))?.spec.selector.matchLabels;
    // A Deployment's selector is immutable: changing it would replace the Deployment.
    expect(selector("agents-server")).toEqual({ "app.kubernetes.io/instance": "agents", "app.kubernetes.io/name": "agent-server" });
    expect(selector("agents-otel-collector")).toEqual({ "app.kubernetes.io/instance": "agents", "app.kubernetes.io/name": "otel-collector" });
    const policy = (suffix: string) => (prod.ofType(T.networkPolicy).map((r) => prod.inputs(r) as { metadata: { name: string }; spec: { podSelector: { matchLabels: Record<string, string> } } })
      .find((n) => n.metadata.name.endsWith(suffix)))?.spec.podSelector.matchLabels;
    expect(policy("-database-jobs")).toEqual({ "app.kubernetes.io/instance": "agents", "app.kubernetes.io/component": "database-jobs" });
    expect(policy("-backup")).toEqual({ "app.kubernetes.io/instance": "agents", "app.kubernetes.io/component": "backup" });
  });
});

describe("PriorityClass names per platform", () => {
  it("follow the namespace, so a second platform in the cluster gets classes of its own", async () => {
    const other = await runStack("dev", { namespace: "agents-staging" });
    expect([...classes(other).keys()].sort()).toEqual(["agents-staging-batch", "agents-staging-observability", "agents-staging-serving"]);
    expect(priorityByWorkload(other)["Deployment/agents-server"]).toBe("agents-staging-serving");
  });

  it("refuse a namespace starting with system-, a prefix the API server reserves for its classes", async () => {
    await expect(runStack("dev", { namespace: "system-agents" })).rejects.toThrow(/agent-platform:namespace.*system-/s);
  });
});
