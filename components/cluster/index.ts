export { ExistingCluster, type ExistingClusterArgs } from "./existing-cluster";
