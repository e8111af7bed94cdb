// The entry point Pulumi's plugin host loads for other languages (package.json "main", read by `require(<package
// directory>)` in @pulumi/pulumi cmd/run-plugin): every ComponentResource class exported here becomes a resource of
// the generated SDKs, so it exports AgentPlatform alone. TypeScript programs import the full package instead
// (package.json "exports"). test/package/schema.test.ts asserts what the analyzer infers from this file.
export { AgentPlatform } from "./platform/agent-platform";
