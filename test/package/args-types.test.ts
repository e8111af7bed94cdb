// Compile-time half of the drift test (tsc --noEmit runs on test files): AgentPlatform's settings and the stack
// config schema's input type accept the same values, so neither gains a key, a value or a type the other lacks.
import { describe, expectTypeOf, it } from "vitest";
import type { AgentPlatformArgs, AgentPlatformSettings, PlatformConfig, PlatformConfigInput } from "../../components";

describe("AgentPlatform's settings type", () => {
  it("accepts what the config schema accepts, and nothing else", () => {
    expectTypeOf<AgentPlatformSettings>().toExtend<PlatformConfigInput>();
    expectTypeOf<PlatformConfigInput>().toExtend<AgentPlatformSettings>();
  });

  it("accepts a validated config, so a program can pass loadPlatformConfig() straight on", () => {
    expectTypeOf<PlatformConfig>().toExtend<AgentPlatformArgs>();
  });
});
