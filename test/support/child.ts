// A child process run asynchronously, so a stand-in server in this process (test/support/secrets-manager.ts) can
// answer it while it runs: its exit status and stderr, killed after `timeoutMs`.
import { spawn } from "node:child_process";

export interface ChildResult {
  status: number | null;
  stderr: string;
}

export function runChild(command: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (status) => { clearTimeout(timer); resolve({ status, stderr }); });
  });
}
