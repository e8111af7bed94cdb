// The server's start is gated on a real Redis PING/PONG (components/cache/redis-gate.ts). The command the plans
// render is run here, as it is, against a real redis-server (Debian package): PONG passes; a closed port, a listener
// that is not Redis, and a proxy that accepts and closes (Envoy with ElastiCache unreachable) fail.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStack, type ProgramRun } from "../support/harness";
import { freeLocalPort } from "../support/net";
import { serverDeployment } from "../support/workload";

let dev: ProgramRun;
let prod: ProgramRun;
let redis: ChildProcess;
let redisPort: number;
const listeners: Server[] = [];

/** The rendered gate command of a plan. */
function gate(run: ProgramRun): string[] {
  const init = serverDeployment(run).spec.template.spec.initContainers ?? [];
  const found = init.find((c) => c.name === "wait-for-redis");
  if (!found?.command) throw new Error("no wait-for-redis init container");
  return found.command;
}

/**
 * Runs a rendered gate command against host:port, with a short deadline. Asynchronously: the fake listeners of this
 * test live in this process's event loop, which a synchronous spawn would block.
 */
function runGate(command: string[], port: number, timeoutSeconds = 2): Promise<{ status: number | null; out: string; seconds: number }> {
  const [program, flag, script] = command;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(program ?? "", [flag ?? "", script ?? "", "127.0.0.1", String(port), String(timeoutSeconds)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, out, seconds: (Date.now() - started) / 1000 }));
  });
}

async function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer(onConnection);
  listeners.push(server);
  const port = await freeLocalPort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return port;
}

beforeAll(async () => {
  dev = await runStack("dev");
  prod = await runStack("prod");
  redisPort = await freeLocalPort();
  redis = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  // Wait until it answers (redis-cli ships with redis-server).
  for (let i = 0; i < 50; i++) {
    if (spawnSync("redis-cli", ["-p", String(redisPort), "ping"], { encoding: "utf8" }).stdout.trim() === "PONG") return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("redis-server did not start");
}, 120_000);

afterAll(() => {
  redis?.kill("SIGTERM");
  for (const server of listeners) server.close();
});

describe("the Redis gate", () => {
  it("both plans gate the server on the host and port the server's client uses, after the TLS sidecar", () => {
    for (const run of [dev, prod]) {
      const spec = serverDeployment(run).spec.template.spec;
      const server = spec.containers.find((c) => c.name === "server");
      const env = new Map((server?.env ?? []).map((e) => [e.name, e.value]));
      expect(gate(run).slice(3, 5)).toEqual([env.get("LETTA_REDIS_HOST"), env.get("LETTA_REDIS_PORT")]);
      // The gate is an ordinary init container (runs to completion), after every native sidecar.
      const names = (spec.initContainers ?? []).map((c) => `${c.name}:${c.restartPolicy ?? "-"}`);
      expect(names.at(-1)).toBe("wait-for-redis:-");
    }
    expect((serverDeployment(prod).spec.template.spec.initContainers ?? []).map((c) => c.name)).toEqual(["redis-tls", "log-watch", "wait-for-redis"]);
    expect(gate(dev)).toEqual(gate(prod).slice(0, 3).concat(gate(dev).slice(3)));
  });

  it("passes on a real redis-server's PONG", async () => {
    const result = await runGate(gate(prod), redisPort);
    expect(result.out).toContain("answered PONG");
    expect(result.status).toBe(0);
  });

  it("fails on a closed port, after its deadline", async () => {
    const closed = await freeLocalPort();
    const result = await runGate(gate(prod), closed, 2);
    expect(result.status).toBe(1);
    expect(result.out).toMatch(/did not answer PING within 2s: .*(refused|Errno 111)/i);
    expect(result.seconds).toBeGreaterThanOrEqual(2);
  });

  it("fails on a listener that is not Redis", async () => {
    const port = await listen((socket) => socket.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
    const result = await runGate(gate(prod), port, 2);
    expect(result.status).toBe(1);
    expect(result.out).toMatch(/unexpected reply b'HTTP\/1\.1 400/);
  });

  it("fails on a proxy that accepts and closes (the sidecar with ElastiCache unreachable)", async () => {
    const port = await listen((socket) => socket.destroy());
    const result = await runGate(gate(prod), port, 2);
    expect(result.status).toBe(1);
    expect(result.out).toMatch(/unexpected reply b''|reset/i);
  });

  it("fails on a Redis that wants a password (NOAUTH): Letta cannot authenticate", async () => {
    const port = await freeLocalPort();
    const locked = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--requirepass", "secret-for-test"], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 500));
      const result = await runGate(gate(prod), port, 2);
      expect(result.status).toBe(1);
      expect(result.out).toMatch(/NOAUTH/);
    } finally {
      locked.kill("SIGTERM");
    }
  });
});
