export { AgentPlatform, type AgentPlatformArgs } from "./agent-platform";
export { awsServicesUsed } from "./aws-usage";
