export * from "./enums";
export { ConfigError, type ConfigIssue } from "./errors";
export { configKeys, type ConfigKey, type PulumiConfigType } from "./keys";
export { loadPlatformConfig, parsePlatformConfig, parseStackConfig, type SecretKeyProbe } from "./load";
export { type PlatformConfig, type PlatformConfigInput } from "./schema";
export * from "./connection-budget";
export { parseTelemetryEndpoint, type EndpointKind, type TelemetryEndpoint } from "./telemetry-endpoint";
export { toolSandboxEnv, toolSandboxIssues } from "./tool-sandbox";
