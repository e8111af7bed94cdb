export { AgentPlatform } from "./agent-platform";
export type * from "./args";
export { awsServicesUsed } from "./aws-usage";
