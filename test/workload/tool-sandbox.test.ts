// server.toolSandbox: where tool code runs, and its credentials as secrets. Letta picks the sandbox from the keys it
// finds (letta-ai/letta@0.16.8:letta/settings.py:62-71; Modal only for tools that ask for it,
// letta/services/tool_executor/sandbox_tool_executor.py:70-103), so config and keys must agree.
import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../../components/config";
import { readStackFile, resolveStackFile } from "../../tools/plan/stack-file";
import { PROJECT_DIR, projectName } from "../../tools/plan/plan-stack";
import { NS, runStack } from "../support/harness";
import { envOf, named } from "../support/k8s";
import { T, serverContainer } from "../support/workload";

const SECRET_VALUE = "e2b_test_0123456789abcdef";
const base = readStackFile(resolveStackFile("prod", PROJECT_DIR), projectName()).config;
const parse = (set: Record<string, string>, secrets: string[] = []) =>
  parseStackConfig({ ...base, ...Object.fromEntries(Object.entries(set).map(([k, v]) => [`${NS}:${k}`, v])) }, NS, (key) => secrets.includes(key));

function issues(set: Record<string, string>, secrets: string[] = []): { key: string; value: string | undefined; message: string }[] {
  try {
    parse(set, secrets);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => ({ key: i.key, value: i.value, message: i.message }));
    throw error;
  }
  return [];
}

describe("server.toolSandbox", () => {
  it("defaults to local, Letta's own default", () => {
    expect(parse({}).server.toolSandbox).toBe("local");
  });

  it("refuses a value outside local | e2b | modal, naming the value and what is allowed", () => {
    const found = issues({ "server.toolSandbox": "docker" });
    expect(found.map((i) => i.key)).toEqual([`${NS}:server.toolSandbox`]);
    expect(found[0]?.value).toContain("docker");
    expect(found[0]?.message).toMatch(/local.*e2b.*modal/);
  });

  it("refuses a sandbox key set in plain text (it is a secret)", () => {
    expect(issues({ "server.toolSandbox": "e2b", "server.e2bApiKey": SECRET_VALUE })[0]?.message).toMatch(/secret/);
  });

  it("reports every inconsistency in one run, never echoing a secret", () => {
    const found = issues({ "server.toolSandbox": "modal", "server.e2bSandboxTemplateId": "tmpl-1" });
    expect(found.map((i) => i.key).sort()).toEqual([`${NS}:server.e2bSandboxTemplateId`, `${NS}:server.modalTokenId`, `${NS}:server.modalTokenSecret`]);
    const local = issues({ "server.e2bApiKey": SECRET_VALUE }, [`${NS}:server.e2bApiKey`]);
    expect(local.map((i) => i.key)).toEqual([`${NS}:server.e2bApiKey`]);
    expect(local[0]?.message).toContain("would run tools in E2B");
    expect(JSON.stringify(local)).not.toContain(SECRET_VALUE);
    expect(issues({ "server.toolSandbox": "e2b" }).map((i) => i.key)).toEqual([`${NS}:server.e2bApiKey`]);
  });

  it("e2b: the key reaches the server from the credentials Secret, never as a literal", async () => {
    const run = await runStack("prod", { "server.toolSandbox": "e2b", "server.e2bSandboxTemplateId": "tmpl-1" }, { "server.e2bApiKey": SECRET_VALUE });
    const env = envOf(serverContainer(run));
    expect(env.get("E2B_API_KEY")?.valueFrom?.secretKeyRef).toEqual({ name: "agents-server-credentials", key: "E2B_API_KEY" });
    expect(env.get("E2B_API_KEY")?.value).toBeUndefined();
    expect(env.get("E2B_SANDBOX_TEMPLATE_ID")?.valueFrom?.secretKeyRef?.key).toBe("E2B_SANDBOX_TEMPLATE_ID");
    const secret = named<{ stringData: Record<string, string> }>(run, T.secret, "agents-server-credentials");
    expect(secret.stringData.E2B_API_KEY).toBe(SECRET_VALUE);
  });

  it("modal: both tokens reach the server from the Secret", async () => {
    const run = await runStack("prod", { "server.toolSandbox": "modal" }, { "server.modalTokenId": "ak-modal-id", "server.modalTokenSecret": "as-modal-secret" });
    const env = envOf(serverContainer(run));
    for (const key of ["MODAL_TOKEN_ID", "MODAL_TOKEN_SECRET"]) expect(env.get(key)?.valueFrom?.secretKeyRef?.key).toBe(key);
    expect(env.has("E2B_API_KEY")).toBe(false);
  });

  it("local (default): no sandbox key at all", async () => {
    const run = await runStack("prod");
    const names = [...envOf(serverContainer(run)).keys()];
    expect(names.filter((n) => /^(E2B|MODAL)_/.test(n))).toEqual([]);
  });
});
