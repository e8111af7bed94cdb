export { AgentServer, type AgentServerArgs } from "./agent-server";
export { createServerIngress, ingressAnnotations, type ServerIngressArgs } from "./ingress";
export { createNamespace, platformLabels, type NamespaceArgs } from "./namespace";
export { createClientOnlyPolicy, createNetworkPolicies, type ClientOnlyPolicyArgs, type Destination, type IngressSource, type NetworkPoliciesArgs } from "./network-policies";
export { hardenedPodBasics, restrictedContainerSecurity, restrictedPodSecurity } from "./pod-security";
