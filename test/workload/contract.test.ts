// The Letta 0.16.8 workload contract (components/workload/letta-preset.ts), checked on what the plans render: dev,
// prod, and prod with image.build. Every server container and every migrations container of each plan must satisfy
// it, so a change anywhere (the server component, the data tier, the platform, the ingress, the Dockerfile) that
// breaks what the server really needs fails here.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as preset from "../../components/workload/letta-preset";
import {
  ALB_IDLE_TIMEOUT_SECONDS, ENDPOINT_PROPAGATION_SECONDS, LETTA_CLOUD_ENVIRONMENTS, LETTA_ENV, LETTA_FORBIDDEN_ENV, LETTA_HEALTH_PATH, LETTA_HOME,
  LETTA_LONGEST_STREAM_SECONDS, LETTA_MIGRATIONS_COMMAND, LETTA_MIGRATIONS_WORKING_DIR, LETTA_PORT, LETTA_READY_PATH, LETTA_SERVER_WORKING_DIR,
  LETTA_START_COMMAND, LETTA_TEMPORALITY, LETTA_WRITABLE_PATHS, SERVER_EXIT_SECONDS, type Sourced,
} from "../../components/workload/letta-preset";
import { runStack, type ProgramRun } from "../support/harness";
import { envOf, type Container, type EnvVar, type PodSpec, type Workload } from "../support/k8s";
import { T, podTemplates } from "../support/workload";


const stacks: Record<string, ProgramRun> = {};
const CREDENTIALS = "agents-server-credentials";

beforeAll(async () => {
  stacks.dev = await runStack("dev");
  stacks.prod = await runStack("prod");
  stacks["prod+image.build"] = await runStack("prod", { "image.build": "true" });
}, 180_000);

interface Found { where: string; pod: PodSpec; container: Container }

/** Every container that runs the Letta server: by its command, whatever workload holds it. */
function serverContainers(run: ProgramRun): Found[] {
  return podTemplates(run).flatMap((t) => t.spec.containers
    .filter((c) => (c.command ?? []).slice(0, 2).join(" ") === "letta server")
    .map((container) => ({ where: `${t.kind}/${t.name}/${container.name}`, pod: t.spec, container })));
}

/** Every container that runs the migrations (alembic upgrade head, plain or through the filter). */
function migrationsContainers(run: ProgramRun): Found[] {
  return podTemplates(run).flatMap((t) => t.spec.containers
    .filter((c) => (c.command ?? []).join(" ").includes("alembic") && (c.command ?? []).join(" ").includes("upgrade"))
    .map((container) => ({ where: `${t.kind}/${t.name}/${container.name}`, pod: t.spec, container })));
}

/** Paths the container may write: mounts of emptyDir volumes that are not read-only. */
function writablePaths({ pod, container }: Found): string[] {
  const emptyDirs = new Set((pod.volumes ?? []).filter((v) => v.emptyDir !== undefined).map((v) => v.name));
  return (container.volumeMounts ?? [])
    .filter((m) => emptyDirs.has(m.name) && (m as { readOnly?: boolean }).readOnly !== true)
    .map((m) => m.mountPath);
}
const under = (file: string, dirs: string[]): boolean => dirs.some((d) => file === d || file.startsWith(`${d.replace(/\/$/, "")}/`));

function ingressAnnotation(run: ProgramRun, key: string, attribute: string): number {
  const ingress = run.ofType(T.ingress).map((r) => run.inputs(r) as { metadata: { annotations: Record<string, string> } })[0];
  const value = ingress?.metadata.annotations[key] ?? "";
  const match = new RegExp(`(?:^|,)${attribute.replace(/\./g, "\\.")}=(\\d+)`).exec(value);
  if (!match) throw new Error(`no ${attribute} in ${key}: ${value}`);
  return Number(match[1]);
}

const each = (): [string][] => Object.keys({ dev: 1, prod: 1, "prod+image.build": 1 }).map((s) => [s]);

describe("the contract module", () => {
  it("cites a source for every fact", () => {
    const facts = (Object.entries(preset) as [string, unknown][]).filter((entry): entry is [string, Sourced<unknown>] =>
      typeof entry[1] === "object" && entry[1] !== null && "source" in entry[1] && "value" in entry[1]);
    expect(facts.length).toBeGreaterThan(15);
    for (const [name, fact] of [...facts, ...Object.entries(LETTA_ENV)]) {
      expect(fact.source, name).toMatch(/letta-ai\/letta@0\.16\.8:[\w./-]+(:\d+)?|Kubernetes|CPython|encode\/uvicorn@/);
    }
  });

  it("states the timing inequalities that keep streams and keep-alive connections intact", () => {
    expect(preset.SERVER_KEEP_ALIVE_SECONDS).toBeGreaterThan(ALB_IDLE_TIMEOUT_SECONDS);
    expect(preset.PRESTOP_SLEEP_SECONDS).toBeGreaterThanOrEqual(ENDPOINT_PROPAGATION_SECONDS);
    expect(preset.DEREGISTRATION_DELAY_SECONDS).toBeGreaterThanOrEqual(preset.PRESTOP_SLEEP_SECONDS + LETTA_LONGEST_STREAM_SECONDS.value);
    expect(preset.TERMINATION_GRACE_SECONDS).toBeGreaterThanOrEqual(preset.PRESTOP_SLEEP_SECONDS + LETTA_LONGEST_STREAM_SECONDS.value + SERVER_EXIT_SECONDS);
    expect(preset.TERMINATION_GRACE_SECONDS).toBeGreaterThan(preset.DEREGISTRATION_DELAY_SECONDS);
  });

  it("never labels a stack with a value that switches on Letta Cloud behaviour", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const label = preset.lettaEnvironment(env);
      expect(LETTA_CLOUD_ENVIRONMENTS.value.map((v) => v.toLowerCase())).not.toContain(label.toLowerCase());
    }
    expect(() => preset.lettaEnvironment("PRODUCTION")).toThrow(/Letta Cloud/);
  });
});

describe.each(each())("%s: every server container satisfies the contract", (stack) => {
  const run = (): ProgramRun => stacks[stack] as ProgramRun;
  const servers = (): Found[] => serverContainers(run());
  const env = (f: Found): Map<string, EnvVar> => envOf(f.container);

  it("there is exactly one, the Deployment's", () => {
    expect(servers().map((s) => s.where)).toEqual(["Deployment/agents-server/server"]);
  });

  it("runs the start command on the contract's port, with the real probe paths", () => {
    for (const s of servers()) {
      expect(s.container.command).toEqual(LETTA_START_COMMAND.value);
      expect(s.container.ports?.map((p) => p.containerPort)).toEqual([LETTA_PORT.value]);
      for (const probe of ["startupProbe", "livenessProbe"] as const) {
        expect((s.container[probe] as { httpGet: { path: string } }).httpGet.path, probe).toBe(LETTA_HEALTH_PATH.value);
      }
      expect((s.container.readinessProbe as { httpGet: { path: string } }).httpGet.path).toBe(LETTA_READY_PATH.value);
    }
  });

  it("may write every path the process writes: HOME, /tmp and its working directory are writable volumes", () => {
    for (const s of servers()) {
      expect(s.container.securityContext?.readOnlyRootFilesystem).toBe(true);
      const writable = writablePaths(s);
      expect(s.container.workingDir).toBe(LETTA_SERVER_WORKING_DIR.value);
      expect(env(s).get("HOME")?.value).toBe(LETTA_HOME.value);
      for (const p of [...LETTA_WRITABLE_PATHS.value, s.container.workingDir ?? "(unset: the image's /app)", env(s).get("HOME")?.value ?? "(unset)"]) {
        expect(under(p, writable), `${s.where}: ${p} is not on a writable volume (${writable.join(", ")})`).toBe(true);
      }
    }
  });

  it("sets only variables the server reads, none it must not get, and no service links", () => {
    for (const s of servers()) {
      const names = [...env(s).keys()];
      expect(names.filter((n) => !(n in LETTA_ENV)), `${s.where}: unknown to the contract`).toEqual([]);
      expect(names.filter((n) => n in LETTA_FORBIDDEN_ENV)).toEqual([]);
      expect(s.pod.enableServiceLinks).toBe(false);
      expect(Number.isInteger(Number(env(s).get("LETTA_REDIS_PORT")?.value))).toBe(true);
    }
  });

  it("is in secure mode, and its multi-agent tools reach the pod itself with the password", () => {
    for (const s of servers()) {
      const e = env(s);
      expect(e.get("LETTA_SERVER_SECURE")?.value).toBe("true");
      expect(e.get("LETTA_SERVER_PASSWORD")?.valueFrom?.secretKeyRef).toEqual({ name: CREDENTIALS, key: "LETTA_SERVER_PASSWORD" });
      expect(e.get("LETTA_API_KEY")?.valueFrom?.secretKeyRef).toEqual({ name: CREDENTIALS, key: "LETTA_SERVER_PASSWORD" });
      expect(e.get("LETTA_SERVER_URL")?.value).toBe(`http://127.0.0.1:${s.container.ports?.[0]?.containerPort}`);
    }
  });

  it("runs with pooling (so asyncpg requires TLS), the upstream conf.yaml by path, cumulative metrics, an environment label that is not Letta Cloud's", () => {
    for (const s of servers()) {
      const e = env(s);
      expect(e.get("LETTA_DISABLE_SQLALCHEMY_POOLING")?.value).toBe("false");
      expect(e.get("LETTA_CONFIG_PATH")?.value).toBe("/app/conf.yaml");
      expect(e.get("LETTA_OTEL_PREFERRED_TEMPORALITY")?.value).toBe(String(LETTA_TEMPORALITY.value.cumulative));
      const label = e.get("LETTA_ENVIRONMENT")?.value ?? "";
      expect(label).not.toBe("");
      expect(LETTA_CLOUD_ENVIRONMENTS.value.map((v) => v.toLowerCase())).not.toContain(label.toLowerCase());
      expect(label).toBe(stack === "dev" ? "dev" : "self-hosted-prod");
    }
  });

  it("shuts down inside its grace period, kept-alive connections outlive the load balancer's idle timeout", () => {
    for (const s of servers()) {
      const keepAlive = Number(env(s).get("LETTA_UVICORN_TIMEOUT_KEEP_ALIVE")?.value);
      const preStop = (s.container.lifecycle as { preStop: { sleep: { seconds: number } } }).preStop.sleep.seconds;
      const grace = s.pod.terminationGracePeriodSeconds ?? 30;
      expect(preStop).toBeGreaterThanOrEqual(ENDPOINT_PROPAGATION_SECONDS);
      expect(grace).toBeGreaterThanOrEqual(preStop + LETTA_LONGEST_STREAM_SECONDS.value + SERVER_EXIT_SECONDS);
      if (stack === "dev") {
        expect(keepAlive).toBeGreaterThan(ALB_IDLE_TIMEOUT_SECONDS);
        continue;
      }
      // prod has the ALB: the rendered annotations, not the constants.
      const idle = ingressAnnotation(run(), "alb.ingress.kubernetes.io/load-balancer-attributes", "idle_timeout.timeout_seconds");
      const deregistration = ingressAnnotation(run(), "alb.ingress.kubernetes.io/target-group-attributes", "deregistration_delay.timeout_seconds");
      expect(keepAlive).toBeGreaterThan(idle);
      expect(deregistration).toBeGreaterThanOrEqual(preStop + LETTA_LONGEST_STREAM_SECONDS.value);
      expect(grace).toBeGreaterThan(deregistration);
    }
  });

  it("starts only after Redis answered a real PING on the host and port it uses", () => {
    for (const s of servers()) {
      const gate = (s.pod.initContainers ?? []).at(-1);
      expect(gate?.name).toBe("wait-for-redis");
      expect(gate?.restartPolicy).toBeUndefined();
      expect(gate?.command?.slice(3, 5)).toEqual([env(s).get("LETTA_REDIS_HOST")?.value, env(s).get("LETTA_REDIS_PORT")?.value]);
    }
  });
});

describe.each(each())("%s: every migrations container satisfies the contract", (stack) => {
  const run = (): ProgramRun => stacks[stack] as ProgramRun;

  it("there is exactly one, it runs alembic upgrade head from /app with the server's image", () => {
    const found = migrationsContainers(run());
    expect(found).toHaveLength(1);
    const [m] = found as [Found];
    expect(m.container.workingDir).toBe(LETTA_MIGRATIONS_WORKING_DIR.value);
    expect(m.container.command?.[2]).toContain(LETTA_MIGRATIONS_COMMAND.value.map((w) => `'${w}'`).join(" "));
    const server = serverContainers(run())[0];
    expect(m.container.image).toBe(server?.container.image);
  });

  it("has the database URI and the encryption key from Secrets, and writable HOME and /tmp", () => {
    const [m] = migrationsContainers(run()) as [Found];
    const e = envOf(m.container);
    expect(e.get("LETTA_PG_URI")?.valueFrom?.secretKeyRef?.key).toBe("LETTA_PG_URI");
    expect(e.get("LETTA_ENCRYPTION_KEY")?.valueFrom?.secretKeyRef).toEqual({ name: CREDENTIALS, key: "LETTA_ENCRYPTION_KEY" });
    expect(m.container.securityContext?.readOnlyRootFilesystem).toBe(true);
    const writable = writablePaths(m);
    for (const p of [e.get("HOME")?.value ?? "(unset)", "/tmp"]) expect(under(p, writable), p).toBe(true);
  });
});

describe("image/server/Dockerfile satisfies the contract", () => {
  const text = readFileSync(path.join(process.cwd(), "image", "server", "Dockerfile"), "utf8");
  const instructions = text.split("\n").filter((l) => /^[A-Z]+\s/.test(l));

  it("works from the writable home, loads conf.yaml by path, and starts the server directly", () => {
    expect(instructions.filter((l) => l.startsWith("WORKDIR ")).at(-1)).toBe(`WORKDIR ${LETTA_SERVER_WORKING_DIR.value}`);
    expect(text).toMatch(new RegExp(`HOME=${LETTA_HOME.value}\\b`));
    expect(text).toMatch(/LETTA_CONFIG_PATH=\/app\/conf\.yaml\b/);
    expect(instructions.at(-1)).toBe(`ENTRYPOINT ${JSON.stringify(LETTA_START_COMMAND.value).replaceAll(",", ", ")}`);
    expect(text).toContain(`EXPOSE ${LETTA_PORT.value}`);
  });

  it("the built image runs in prod with the same command, working directory and home as the contract", () => {
    const build = stacks["prod+image.build"] as ProgramRun;
    const server = named(build);
    expect(server.image).toMatch(/@sha256:/);
    expect(server.workingDir).toBe(LETTA_SERVER_WORKING_DIR.value);
  });
});

function named(run: ProgramRun): Container {
  const deployment = run.ofType(T.deployment).map((r) => run.inputs(r) as unknown as Workload).find((d) => d.metadata.name === "agents-server");
  const container = deployment?.spec.template.spec.containers[0];
  if (!container) throw new Error("no server container");
  return container;
}

