// From AgentPlatform's arguments to the validated configuration every child component reads: the same zod schema,
// defaults and messages as the stack config (parsePlatformConfig), so a setting refused in Pulumi.<stack>.yaml is
// refused with the same words when a program passes it in code or through a generated SDK.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parsePlatformConfig, type ConfigIssue, type PlatformConfig, type PlatformConfigInput } from "../config";
import type { AgentPlatformArgs, AgentPlatformSettings } from "./args";

/** The arguments that are not settings (not stack config keys). */
const programOnly = ["awsRegion", "tags"] as const satisfies readonly (keyof AgentPlatformArgs)[];

/** Validate AgentPlatform's settings; throws ConfigError naming every bad key before any resource is registered. */
export function platformConfigOf(args: AgentPlatformArgs): PlatformConfig {
  const settings: Record<string, unknown> = { ...args };
  for (const key of programOnly) delete settings[key];
  const outputs = outputIssues(settings, []);
  if (outputs.length > 0) throw new ConfigError(outputs);
  return parsePlatformConfig(settings as AgentPlatformSettings satisfies PlatformConfigInput);
}

/**
 * Settings decide which resources exist, so they are plain values. A generated SDK (Python, Go, .NET, YAML) hands
 * the component an Output where the program passed a secret or another resource's output: refuse it by key, since
 * its value cannot be validated before resources are registered.
 */
function outputIssues(value: unknown, path: string[]): ConfigIssue[] {
  if (pulumi.Output.isInstance(value)) {
    return [{ key: `agent-platform:${path.join(".")}`, value: undefined, message: "must be a plain value, not an Output (a secret or another resource's output): AgentPlatform validates its settings before it registers any resource" }];
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => outputIssues(child, [...path, key]));
}
