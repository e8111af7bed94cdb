// Which resource types the picture draws on their own, and short names for type tokens.

/**
 * Drawn as their own node: the objects a reader follows a request or a backup through, and the stores that hold
 * data. Everything else is counted in its component's summary node, which keeps the picture readable at 150+
 * resources.
 */
export const KEY_TYPES: ReadonlySet<string> = new Set([
  "kubernetes:networking.k8s.io/v1:Ingress",
  "kubernetes:core/v1:Service",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:batch/v1:Job",
  "kubernetes:batch/v1:CronJob",
  "kubernetes:helm.sh/v3:Release",
  "aws:eks/cluster:Cluster",
  "aws:rds/instance:Instance",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:s3/bucket:Bucket",
]);

/**
 * Dependencies on these are not drawn: every namespaced object depends on the Namespace, so its edges would say
 * nothing and cross the whole picture.
 */
export const UBIQUITOUS_TYPES: ReadonlySet<string> = new Set(["kubernetes:core/v1:Namespace"]);

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]);

/** Kubernetes kinds that run pods (and so may name a bucket or be selected by a Service). */
export function isWorkloadType(type: string): boolean {
  return type.startsWith("kubernetes:") && WORKLOADS.has(type.slice(type.lastIndexOf(":") + 1));
}

const AWS_SERVICES: Record<string, string> = {
  cloudwatch: "CloudWatch", ec2: "EC2", ecr: "ECR", eks: "EKS", elasticache: "ElastiCache", iam: "IAM", kms: "KMS",
  rds: "RDS", s3: "S3", secretsmanager: "Secrets Manager", vpc: "VPC",
};

/** A type token as (service, kind): `aws:iam/role:Role` → IAM, Role; `kubernetes:core/v1:ConfigMap` → Kubernetes, ConfigMap. */
export function typeParts(type: string): { service: string; kind: string } {
  const [pkg = "", module = "", kind = type] = type.split(":");
  if (pkg === "kubernetes") return { service: module.startsWith("helm.sh/") ? "Helm" : "Kubernetes", kind };
  if (pkg === "aws") {
    const service = module.split("/")[0] ?? module;
    return { service: AWS_SERVICES[service] ?? service, kind };
  }
  return { service: pkg, kind };
}

/** The name a key node shows: "Deployment", "S3 Bucket", "Helm Release". */
export function displayType(type: string): string {
  const { service, kind } = typeParts(type);
  return service === "Kubernetes" ? kind : `${service} ${kind}`;
}
