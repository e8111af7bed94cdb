export { AgentServer, type AgentServerArgs } from "./agent-server";
export { ServerImageBuild, type ServerImageBuildArgs } from "./image-build";
export { createServerIngress, ingressAnnotations, type ServerIngressArgs } from "./ingress";
export { createNamespace, platformLabels, type NamespaceArgs } from "./namespace";
export { createNetworkPolicies, type Destination, type IngressSource, type NetworkPoliciesArgs } from "./network-policies";
export { restrictedContainerSecurity, restrictedPodSecurity } from "./pod-security";
