// The server.toolSandbox keys against each other. Letta picks its sandbox from the credentials it finds, not from a
// setting: an E2B key alone switches every tool to E2B (letta-ai/letta@0.16.8:letta/settings.py:62-71), and Modal runs
// only the tools whose metadata asks for it, every other tool (and a failed Modal run) falling back to E2B or local
// (letta-ai/letta@0.16.8:letta/services/tool_executor/sandbox_tool_executor.py:70-103). So the keys must say the
// same as server.toolSandbox, or the stack would run tools somewhere other than where its config claims.
import { ToolSandbox } from "./enums";

interface ToolSandboxSettings {
  toolSandbox: ToolSandbox;
  e2bApiKey?: string | undefined;
  e2bSandboxTemplateId?: string | undefined;
  modalTokenId?: string | undefined;
  modalTokenSecret?: string | undefined;
}

type Issue = { path: string[]; message: string; input: unknown };

/** Every inconsistency between server.toolSandbox and the sandbox keys; a secret's value is never echoed. */
export function toolSandboxIssues(s: ToolSandboxSettings): Issue[] {
  const issues: Issue[] = [];
  const key = (name: keyof ToolSandboxSettings, message: string): void => {
    const input = name === "e2bSandboxTemplateId" ? s[name] : undefined;
    issues.push({ path: ["server", name], input, message });
  };
  const modalKeys = ["modalTokenId", "modalTokenSecret"] as const;
  if (s.toolSandbox === ToolSandbox.Local) {
    if (s.e2bApiKey !== undefined) key("e2bApiKey", "is set but server.toolSandbox is local: the server would run tools in E2B; set server.toolSandbox=e2b, or remove the key");
    for (const name of modalKeys) {
      if (s[name] !== undefined) key(name, "is set but server.toolSandbox is local: set server.toolSandbox=modal, or remove the key");
    }
  }
  if (s.toolSandbox === ToolSandbox.E2b) {
    if (s.e2bApiKey === undefined) key("e2bApiKey", "is required with server.toolSandbox=e2b");
    for (const name of modalKeys) {
      if (s[name] !== undefined) key(name, "is set but server.toolSandbox is e2b: set server.toolSandbox=modal (E2B stays the fallback), or remove the key");
    }
  }
  if (s.toolSandbox === ToolSandbox.Modal) {
    for (const name of modalKeys) {
      if (s[name] === undefined) key(name, "is required with server.toolSandbox=modal (Modal needs both the token id and secret)");
    }
  }
  if (s.e2bSandboxTemplateId !== undefined && s.e2bApiKey === undefined) {
    key("e2bSandboxTemplateId", "needs server.e2bApiKey: without it no tool runs in E2B");
  }
  return issues;
}

/** The environment the server reads the sandbox settings from (names: letta-ai/letta@0.16.8:letta/settings.py:22-28). */
export function toolSandboxEnv(s: ToolSandboxSettings): Record<string, string> {
  const env: Record<string, string> = {};
  if (s.e2bApiKey !== undefined) env.E2B_API_KEY = s.e2bApiKey;
  if (s.e2bSandboxTemplateId !== undefined) env.E2B_SANDBOX_TEMPLATE_ID = s.e2bSandboxTemplateId;
  if (s.modalTokenId !== undefined) env.MODAL_TOKEN_ID = s.modalTokenId;
  if (s.modalTokenSecret !== undefined) env.MODAL_TOKEN_SECRET = s.modalTokenSecret;
  return env;
}
