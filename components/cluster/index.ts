export { subnetCidr, subnetPlan } from "./cidr";
export { EksCluster, amiTypeFor, type EksClusterArgs } from "./eks-cluster";
export { ExistingCluster, type ExistingClusterArgs } from "./existing-cluster";
export { createIrsaRole, irsaTrustPolicy, type IrsaRoleArgs } from "./irsa-role";
export { eksKubeconfig } from "./kubeconfig";
export { LoadBalancerController, loadBalancerControllerPolicy, type LoadBalancerControllerArgs } from "./load-balancer-controller";
export { Network, type NetworkArgs } from "./network";
export { createClientOnlySecurityGroup, type ClientOnlySecurityGroupArgs } from "./security-groups";
