// The reusable package: `import { AgentPlatform, parsePlatformConfig } from "<this package>/components"`.
export * from "./config";
export * from "./platform";
export * from "./cluster";
export * from "./secrets";
export * from "./workload";
export * from "./database";
export * from "./cache";
export * from "./images";
export * from "./backup";
export * from "./observability";
