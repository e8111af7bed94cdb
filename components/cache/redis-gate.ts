// The server must not start before Redis really answers: Letta waits 5 s for Redis at first use, then installs a
// no-op client for the life of the process and never retries (letta-ai/letta@0.16.8:letta/data_sources/redis_client.py:663-681):
// locks, request de-duplication and stream resume then silently stop working. The TLS sidecar's own startup probe
// answers from a static route and proves nothing about ElastiCache. So an init container, after the sidecar, sends a
// real PING through the very host and port the server will use and waits for +PONG.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { restrictedContainerSecurity } from "../workload/pod-security";

/** Seconds the gate keeps trying before it fails (the kubelet then restarts it, with back-off). */
export const REDIS_GATE_TIMEOUT_SECONDS = 120;

/**
 * The gate, a Python program run as `python3 -c SCRIPT HOST PORT TIMEOUT` (the server image carries Python; no
 * redis-cli is needed). Exit 0 only on the exact RESP reply `+PONG\r\n`; a refused connection, a proxy that closes
 * the connection (Envoy when ElastiCache is unreachable), a NOAUTH error or any other listener keeps it trying, and
 * after TIMEOUT seconds it exits 1 with the last reason.
 */
export const REDIS_GATE_SCRIPT = String.raw`import socket, sys, time
host, port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + timeout
last = "no attempt"
while True:
    try:
        with socket.create_connection((host, port), timeout=3) as conn:
            conn.settimeout(3)
            conn.sendall(b"*1\r\n$4\r\nPING\r\n")
            reply = b""
            while not reply.endswith(b"\r\n") and len(reply) < 512:
                chunk = conn.recv(512)
                if not chunk:
                    break
                reply += chunk
        if reply == b"+PONG\r\n":
            print(f"redis at {host}:{port} answered PONG", flush=True)
            sys.exit(0)
        last = f"unexpected reply {reply[:80]!r}"
    except OSError as error:
        last = str(error)
    if time.monotonic() >= deadline:
        print(f"redis at {host}:{port} did not answer PING within {timeout:g}s: {last}", file=sys.stderr, flush=True)
        sys.exit(1)
    time.sleep(1)
`;

/** The command of the gate for a host and port. */
export function redisGateCommand(host: pulumi.Input<string>, port: pulumi.Input<string>, timeoutSeconds = REDIS_GATE_TIMEOUT_SECONDS): pulumi.Input<string>[] {
  return ["python3", "-c", REDIS_GATE_SCRIPT, host, port, String(timeoutSeconds)];
}

/** The gate as an init container of the server pod: listed after the native sidecars, so it runs once they started. */
export function redisGateContainer(args: { image: pulumi.Input<string>; host: pulumi.Input<string>; port: pulumi.Input<string>; uid: number }): k8s.types.input.core.v1.Container {
  return {
    name: "wait-for-redis",
    image: args.image,
    imagePullPolicy: "IfNotPresent",
    command: redisGateCommand(args.host, args.port),
    env: [{ name: "PYTHONDONTWRITEBYTECODE", value: "1" }],
    securityContext: restrictedContainerSecurity(args.uid),
    resources: { requests: { cpu: "10m", memory: "32Mi", "ephemeral-storage": "1Mi" }, limits: { cpu: "100m", memory: "64Mi", "ephemeral-storage": "10Mi" } },
  };
}
