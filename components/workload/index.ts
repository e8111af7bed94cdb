export { AgentServer, type AgentServerArgs } from "./agent-server";
export { createNamespace, platformLabels, type NamespaceArgs } from "./namespace";
export { restrictedContainerSecurity, restrictedPodSecurity } from "./pod-security";
