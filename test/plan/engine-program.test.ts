// What `pulumi preview` runs: Pulumi.yaml turns the runtime's ts-node type-check off and names tools/fast/program.cjs
// as the program, which loads index.ts through the plan's bundle (decision 0080). Run the way the language host
// would, with the stack config in PULUMI_CONFIG (tools/bench/engine-load.ts; the plan's mocks stand in for the engine).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readStackFile } from "../../tools/plan/stack-file";
import { REPO_ROOT } from "./stacks";

describe("the program the engine runs", () => {
  it("is declared without ts-node and runs the real program from the bundle", () => {
    const project = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { main?: string; runtime?: { options?: { typescript?: boolean } } };
    expect(project.runtime?.options?.typescript).toBe(false);
    expect(project.main).toBe("tools/fast/program.cjs");

    const stack = readStackFile(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "agent-platform");
    const result = spawnSync(process.execPath, ["tools/fast/run.cjs", "tools/bench/engine-load.ts"], {
      cwd: REPO_ROOT, encoding: "utf8",
      env: { ...process.env, PULUMI_CONFIG: JSON.stringify(stack.config), PULUMI_CONFIG_SECRET_KEYS: "[]", PULUMI_NODEJS_STACK: "dev" },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);

    // A config problem stops the program there too, before any resource, with the loader's message.
    const bad = spawnSync(process.execPath, ["tools/fast/run.cjs", "tools/bench/engine-load.ts"], {
      cwd: REPO_ROOT, encoding: "utf8",
      env: { ...process.env, PULUMI_CONFIG: JSON.stringify({ ...stack.config, "agent-platform:database.mode": "mysql" }), PULUMI_NODEJS_STACK: "dev" },
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("agent-platform:database.mode");
  }, 120_000);
});
