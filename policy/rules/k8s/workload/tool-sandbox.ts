import type { ResourceRule } from "../../../lib/rule";
import { at, containers, DEPLOYMENT, podTemplate, STATEFULSET } from "../../../lib/podspec";
import { records, str, strings } from "../../../lib/values";

/**
 * A Letta server container: it runs `letta server` (the platform's command), or its environment is the server's
 * (secure mode and the database URI).
 */
function isLettaServer(container: Record<string, unknown>): boolean {
  const command = strings(container["command"]);
  if (command[0] === "letta" && command[1] === "server") return true;
  const names = new Set(records(container["env"]).map((e) => str(e["name"])));
  return names.has("LETTA_SERVER_SECURE") && names.has("LETTA_PG_URI");
}

export const toolSandboxLocal: ResourceRule = {
  kind: "resource",
  id: "k8s-letta-tools-run-locally",
  title: "The agent server runs tool code in a remote sandbox",
  description:
    "A Letta server container without E2B_API_KEY runs tools in its local sandbox, which copies the server's whole environment into the tool process (letta-ai/letta@0.16.8:letta/services/tool_sandbox/base.py:487): anyone holding the server password can run code that reads the database URI, the encryption key and the provider keys. Advisory in prod.",
  severity: "high",
  enforcement: { prod: "advisory", dev: "disabled" },
  references: [{ framework: "custom", id: "letta-local-tool-sandbox (letta-ai/letta@0.16.8:letta/settings.py:62-71; PRs #2630, #3407)" }],
  remediation:
    "Set server.toolSandbox=e2b with server.e2bApiKey (set with --secret), so tool code runs in E2B with only the variables it is given; or accept the risk for this stack by excluding the server here with the reason (who may hold the server password, and why that is enough).",
  targets: [DEPLOYMENT, STATEFULSET],
  validate(resource, { report }) {
    const pod = podTemplate(resource.type, resource.props);
    if (!pod) return;
    for (const c of containers(pod.spec, ["containers"])) {
      if (!isLettaServer(c.container)) continue;
      const names = new Set(records(c.container["env"]).map((e) => str(e["name"])));
      if (names.has("E2B_API_KEY")) continue;
      report(`${at(pod, c)}: no E2B_API_KEY, so tools run in the server's local sandbox with the server's environment (database URI, LETTA_ENCRYPTION_KEY, provider keys) and network reach; set server.toolSandbox=e2b (server.toolSandbox=modal alone still runs every tool that does not ask for Modal locally).`);
    }
  },
};
