/** Cases of k8s-letta-tools-run-locally: a Letta server without a remote sandbox, in prod (advisory). */
import type { PolicyCase } from "../support/cases";
import { deployment, podSpecWith, T, type Obj } from "../fixtures/k8s";

const server = (env: Obj[], command: unknown = ["letta", "server", "--host", "0.0.0.0", "--port", "8283"]) => ({
  type: T.deployment, name: "agents-server",
  props: deployment(podSpecWith((c) => { c["command"] = command; c["env"] = env; })),
});
const base: Obj[] = [
  { name: "LETTA_SERVER_SECURE", value: "true" },
  { name: "LETTA_PG_URI", valueFrom: { secretKeyRef: { name: "db", key: "LETTA_PG_URI" } } },
];
const e2b: Obj = { name: "E2B_API_KEY", valueFrom: { secretKeyRef: { name: "agents-server-credentials", key: "E2B_API_KEY" } } };
const modal: Obj[] = ["MODAL_TOKEN_ID", "MODAL_TOKEN_SECRET"].map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: "agents-server-credentials", key } } }));

export const workloadToolSandboxCases: PolicyCase[] = [
  { rule: "k8s-letta-tools-run-locally", name: "server with E2B", expect: "pass", resources: [server([...base, e2b])] },
  { rule: "k8s-letta-tools-run-locally", name: "not a Letta server", expect: "pass", resources: [{ type: T.deployment, name: "app", props: deployment() }] },
  { rule: "k8s-letta-tools-run-locally", name: "local sandbox in prod", expect: "fail", level: "advisory", message: 'containers[0] "app": no E2B_API_KEY, so tools run in the server\'s local sandbox', resources: [server(base)] },
  { rule: "k8s-letta-tools-run-locally", name: "Modal only: tools that do not ask for Modal still run locally", expect: "fail", message: "toolSandbox=modal alone", resources: [server([...base, ...modal])] },
  { rule: "k8s-letta-tools-run-locally", name: "recognised by its environment when the image's entrypoint starts it", expect: "fail", message: "no E2B_API_KEY", resources: [server(base, undefined)] },
];
