// The package @agent-platform/agent-platform (package.json "exports", built to dist/package): what another program
// imports, `import { AgentPlatform } from "@agent-platform/agent-platform"`, and all the repository's program imports.
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
