// Issue 4, the agent server on EKS: the server settings that must be refused before anything is deployed, each
// with a ConfigError naming exactly the key at fault. (test/config/bad-config.test.ts covers config validation in
// general; this is issue 4's list in one place.)
import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../../components/config";
import { readStackFile, resolveStackFile } from "../../tools/plan/stack-file";
import { PROJECT_DIR, projectName } from "../../tools/plan/plan-stack";
import { NS, runStack } from "../support/harness";

const project = projectName();
const stackConfig = (stack: string): Record<string, string> => readStackFile(resolveStackFile(stack, PROJECT_DIR), project).config;
const qualify = (flat: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(flat).map(([k, v]) => [`${NS}:${k}`, v]));

/** The ConfigError that parsing a stack's own values, changed by `set` and without `unset`, throws. */
function rejection(stack: string, set: Record<string, string>, unset: string[] = []): ConfigError {
  const values = { ...stackConfig(stack), ...qualify(set) };
  for (const key of unset) delete values[`${NS}:${key}`];
  try {
    parseStackConfig(values, NS, () => false);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(set)} without ${unset.join(", ")}`);
}

function expectOnlyKey(error: ConfigError, key: string): void {
  expect(error.issues.map((i) => i.key), error.message).toEqual([`${NS}:${key}`]);
  expect(error.message).toContain(`  ${NS}:${key}`);
}

describe("issue 4: server configuration that is refused", () => {
  it("the stack files themselves are valid", () => {
    expect(parseStackConfig(stackConfig("dev"), NS, () => false).server.image).toBe("letta/letta:0.16.8@sha256:aa66c3eeee13d2dfc40c650d709b550237ee31bfc91942a52fa488a13fa8c102");
    expect(parseStackConfig(stackConfig("prod"), NS, () => false).ingress.className).toBe("alb");
  });

  it("server.minReplicas above server.maxReplicas", () => {
    const error = rejection("dev", { "server.minReplicas": "4", "server.maxReplicas": "3" });
    expectOnlyKey(error, "server.minReplicas");
    expect(error.message).toContain("must not exceed server.maxReplicas (3)");
  });

  it.each(["0", "150"])("server.cpuTargetPercent %s", (value) => {
    const error = rejection("dev", { "server.cpuTargetPercent": value });
    expectOnlyKey(error, "server.cpuTargetPercent");
    expect(error.issues[0]?.value).toBe(value);
  });

  it("server.image letta/letta:latest, through the whole program", async () => {
    const error = await runStack("dev", { "server.image": "letta/letta:latest" }).then(
      () => { throw new Error("the program accepted letta/letta:latest"); },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expectOnlyKey(error as ConfigError, "server.image");
    expect((error as ConfigError).message).toContain("the tag 'latest' moves");
  });

  it("prod (class alb) without ingress.certificateArn", () => {
    const error = rejection("prod", {}, ["ingress.certificateArn"]);
    expectOnlyKey(error, "ingress.certificateArn");
    expect(error.message).toContain("is required with the alb ingress class");
  });

  it("ingress.host `not a host`, through the whole program", async () => {
    const error = await runStack("prod", { "ingress.host": "not a host" }).then(
      () => { throw new Error("the program accepted the host `not a host`"); },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expectOnlyKey(error as ConfigError, "ingress.host");
    expect((error as ConfigError).issues[0]?.value).toBe('"not a host"');
  });
});
