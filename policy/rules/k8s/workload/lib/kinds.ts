/** Type tokens of the non-workload Kubernetes kinds the workload rules read (workload kinds: lib/podspec.ts). */
import { CRONJOB, DAEMONSET, DEPLOYMENT, JOB, POD, REPLICASET, STATEFULSET } from "../../../../lib/podspec";

export const SERVICE = "kubernetes:core/v1:Service";
export const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
export const NAMESPACE = "kubernetes:core/v1:Namespace";
export const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
export const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
export const PDB_TYPES = ["kubernetes:policy/v1:PodDisruptionBudget", "kubernetes:policy/v1beta1:PodDisruptionBudget"] as const;
export const HPA_TYPES = [
  "kubernetes:autoscaling/v1:HorizontalPodAutoscaler",
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler",
  "kubernetes:autoscaling/v2beta1:HorizontalPodAutoscaler",
] as const;

/** Controllers an HPA can scale (scaleTargetRef.kind → type token). */
export const SCALABLE: Record<string, string> = { Deployment: DEPLOYMENT, StatefulSet: STATEFULSET, ReplicaSet: REPLICASET };

/** Replicated controllers whose pods a PDB, an HPA or a spread constraint is about. */
export const REPLICATED_TYPES = [DEPLOYMENT, STATEFULSET] as const;

/** The namespaced kinds (stable API versions) `k8s-no-default-namespace` covers. */
export const NAMESPACED_TYPES = [
  POD, DEPLOYMENT, STATEFULSET, DAEMONSET, REPLICASET, JOB, CRONJOB,
  SERVICE, SERVICE_ACCOUNT, INGRESS, NETWORK_POLICY, ...PDB_TYPES, ...HPA_TYPES,
  "kubernetes:core/v1:ConfigMap",
  "kubernetes:core/v1:Secret",
  "kubernetes:core/v1:PersistentVolumeClaim",
  "kubernetes:core/v1:ReplicationController",
  "kubernetes:core/v1:Endpoints",
  "kubernetes:core/v1:LimitRange",
  "kubernetes:core/v1:ResourceQuota",
  "kubernetes:core/v1:PodTemplate",
  "kubernetes:discovery.k8s.io/v1:EndpointSlice",
  "kubernetes:rbac.authorization.k8s.io/v1:Role",
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  "kubernetes:coordination.k8s.io/v1:Lease",
] as const;
