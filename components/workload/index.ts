export { AgentServer, agentServerSelector, type AgentServerArgs } from "./agent-server";
export * from "./letta-preset";
export { EdgeProtection, albEdgeAnnotations, type AlbEdgeSettings, type EdgeProtectionArgs } from "./edge-protection";
export { createServerIngress, ingressAnnotations, type ServerIngressArgs } from "./ingress";
export { createNamespace, platformLabels, type NamespaceArgs } from "./namespace";
export { DNS_EGRESS, createClientOnlyPolicy, createNetworkPolicies, fromNamespace, type ClientOnlyPolicyArgs, type Destination, type IngressSource, type NetworkPoliciesArgs } from "./network-policies";
export { PRIORITY_TIERS, createPriorityClasses, priorityClassName, type PlatformPriorityClasses, type PriorityTier } from "./priority-classes";
export { hardenedPodBasics, restrictedContainerSecurity, restrictedPodSecurity } from "./pod-security";
