// The arguments of AgentPlatform: plain interfaces, one field per setting, each with its default, so the component
// reads like the anchors' (pulumi-eks ClusterOptions) and so Pulumi's component analyzer can infer a schema from it for
// the Python, Go, .NET and YAML SDKs (`pulumi package add`). The settings mirror the stack config schema
// (components/config/schema.ts) key for key: test/package/args-drift.test.ts fails when either gains a key the other
// lacks, or when a field's doc drifts from the key's description. The schema still validates every value inside the
// component, with the same messages as the stack config.
import type {
  CacheEngine, CacheMode, ClusterMode, DatabaseMode, Environment, ObjectLockMode, PostgresMajorVersion, TelemetryBackend, ToolSandbox,
} from "../config";

/**
 * The settings of one platform, the same keys as the stack config (`agent-platform:database.mode` is
 * `database.mode` here). Every key is optional; unset keys take the defaults stated on each field.
 */
export interface AgentPlatformSettings {
  /** Kind of stack. prod enforces the production invariants; dev relaxes defaults for a laptop cluster. Default prod, so a stack that sets nothing gets the hardened setup. */
  environment?: Environment;
  /** Kubernetes namespace for every object the platform creates. Default agent-platform. */
  namespace?: string;
  /** Where the platform runs: a new VPC and EKS cluster, or an existing cluster. Default: every key at its default. */
  cluster?: AgentPlatformClusterArgs;
  /** The agent server Deployment: image, replicas and resources. Default: every key at its default. */
  server?: AgentPlatformServerArgs;
  /** Where the images come from, and whether to build a derived server image. Default: every key at its default. */
  image?: AgentPlatformImageArgs;
  /** The public HTTPS entry to the server. Default: every key at its default. */
  ingress?: AgentPlatformIngressArgs;
  /** The PostgreSQL database: Amazon RDS or an in-cluster StatefulSet, and the server's connection pool. Default: every key at its default. */
  database?: AgentPlatformDatabaseArgs;
  /** The Redis cache: ElastiCache or an in-cluster Redis. Default: every key at its default. */
  cache?: AgentPlatformCacheArgs;
  /** Logical database backups to S3 and the restore drill. Default: every key at its default. */
  backup?: AgentPlatformBackupArgs;
  /** The OpenTelemetry collector, its backend, alerts and monitors. Default: every key at its default. */
  observability?: AgentPlatformObservabilityArgs;
  /** LLM provider credentials passed to the server. Default: none. */
  llm?: AgentPlatformLlmArgs;
}

/**
 * Arguments of AgentPlatform: its settings, plus what only a program can give. To deploy into a cluster of your own,
 * pass its Kubernetes provider in the resource options: `{ providers: { kubernetes: provider } }`.
 */
export interface AgentPlatformArgs extends AgentPlatformSettings {
  /** AWS region of every AWS resource. Default: the stack's `aws:region`; required when the settings use AWS. */
  awsRegion?: string;
  /** Tags added to every AWS resource, over the platform's own. Default: none. */
  tags?: Record<string, string>;
}

/** Where the platform runs: a new VPC and EKS cluster, or an existing cluster (stack config keys cluster.*). */
export interface AgentPlatformClusterArgs {
  /** create: a new VPC and EKS cluster; existing: deploy into the cluster of cluster.kubeconfig or the ambient kubeconfig. Default create, existing when environment=dev. */
  mode?: ClusterMode;
  /** EKS Kubernetes version, pinned. Default 1.34. */
  kubernetesVersion?: string;
  /** CIDR of the VPC: the one created in cluster.mode=create, or the existing cluster's (network policies admit the load balancer and reach RDS and ElastiCache by it). Default 10.0.0.0/16. */
  vpcCidr?: string;
  /** Availability zones the VPC and node group span (2 to 6). Default 3. */
  availabilityZones?: number;
  /** CIDRs allowed to reach the EKS public API endpoint. Empty (default): the public endpoint is off, private only. */
  publicAccessCidrs?: string[];
  /** Instance types of the managed node group. Default [m6i.large]. */
  nodeInstanceTypes?: string[];
  /** Minimum nodes in the managed node group. Default 2. */
  nodeMinSize?: number;
  /** Desired nodes in the managed node group. Default 3. */
  nodeDesiredSize?: number;
  /** Maximum nodes in the managed node group. Default 6. */
  nodeMaxSize?: number;
  /** cluster.mode=existing: kubeconfig contents (set with --secret). Unset: the ambient kubeconfig (KUBECONFIG or ~/.kube/config). */
  kubeconfig?: string;
  /** cluster.mode=existing: ARN of the cluster's IAM OIDC provider, for IRSA roles. Set with cluster.oidcIssuerUrl, or neither. */
  oidcProviderArn?: string;
  /** cluster.mode=existing: the cluster's OIDC issuer URL. Set with cluster.oidcProviderArn, or neither. */
  oidcIssuerUrl?: string;
  /** cluster.mode=existing with RDS or ElastiCache: the cluster's VPC. */
  vpcId?: string;
  /** cluster.mode=existing with RDS or ElastiCache: private subnets (in at least two zones) for the database and cache. */
  privateSubnetIds?: string[];
  /** cluster.mode=existing with RDS or ElastiCache: the security group of the nodes (or pods) the server runs on; the only source admitted to the database and cache. */
  nodeSecurityGroupId?: string;
  /** cluster.mode=create: EKS deletion protection (the API refuses to delete the cluster). Default true; false when environment=dev. */
  deletionProtection?: boolean;
  /** cluster.mode=create: IAM roles or users that get an EKS access entry with AmazonEKSClusterAdminPolicy: the deploy roles (CI's and whoever runs the first pulumi up). Required with cluster.mode=create: nobody else can use the cluster. Default none. */
  adminPrincipalArns?: string[];
  /** cluster.mode=create: IAM roles or users that get an EKS access entry with AmazonEKSViewPolicy (read, no Secrets): preview roles and people. Default none. */
  viewerPrincipalArns?: string[];
  /** cluster.mode=create: an AVAILABLE CodeConnections connection to GitHub. With cluster.ciRunnerRepository, the stack creates a CodeBuild-hosted GitHub Actions runner in the private subnets, so CI reaches a private API endpoint. Default: no runner. */
  ciRunnerConnectionArn?: string;
  /** cluster.mode=create: the GitHub repository whose workflow jobs the CodeBuild runner takes (https://github.com/OWNER/REPO). Set with cluster.ciRunnerConnectionArn, or neither. */
  ciRunnerRepository?: string;
}

/** The agent server Deployment: image, replicas and resources (stack config keys server.*). */
export interface AgentPlatformServerArgs {
  /** Agent server image, pinned by tag (not latest) or digest. Default letta/letta:0.16.8@sha256:aa66c3eeee13d2dfc40c650d709b550237ee31bfc91942a52fa488a13fa8c102. */
  image?: string;
  /** HPA minimum replicas. Default 2. */
  minReplicas?: number;
  /** HPA maximum replicas. Default 10. */
  maxReplicas?: number;
  /** HPA target CPU utilisation, percent of requests (1-100). Default 70. */
  cpuTargetPercent?: number;
  /** HPA target memory utilisation, percent of requests (1-100). Default 80. */
  memoryTargetPercent?: number;
  /** CPU request of the server container. Default 250m. */
  cpuRequest?: string;
  /** Memory request of the server container. Default 512Mi. */
  memoryRequest?: string;
  /** CPU limit of the server container. Default 500m. */
  cpuLimit?: string;
  /** Memory limit of the server container. Default 1Gi. */
  memoryLimit?: string;
  /** Uvicorn worker processes per pod (LETTA_UVICORN_WORKERS). Default 1. */
  uvicornWorkers?: number;
  /** Generation of the server password (LETTA_SERVER_PASSWORD): raise it by one to rotate the password; the server pods restart with the new one (docs/runbooks.md, rotating the server password). Default 1. */
  passwordVersion?: number;
  /** Where tool code runs. local: inside the server container, with its whole environment (database URI, encryption key, provider keys) and network reach; anyone holding the server password can run code there. e2b: in E2B's remote sandboxes (server.e2bApiKey). modal: tools that ask for Modal run there (server.modalTokenId, server.modalTokenSecret), every other tool still runs locally unless server.e2bApiKey is set too. Default local. */
  toolSandbox?: ToolSandbox;
  /** E2B_API_KEY (set with --secret): with it the server runs tools in E2B, whatever server.toolSandbox says; so it is required with server.toolSandbox=e2b and refused with local. */
  e2bApiKey?: string;
  /** E2B_SANDBOX_TEMPLATE_ID: the E2B template tools run in. Default: E2B's base template. */
  e2bSandboxTemplateId?: string;
  /** MODAL_TOKEN_ID (set with --secret). Required with server.toolSandbox=modal. */
  modalTokenId?: string;
  /** MODAL_TOKEN_SECRET (set with --secret). Required with server.toolSandbox=modal. */
  modalTokenSecret?: string;
}

/** Where the images come from, and whether to build a derived server image (stack config keys image.*). */
export interface AgentPlatformImageArgs {
  /** Build a derived server image from image/server/Dockerfile (server.image as its base: non-root, no bundled database or Redis), push it to a private ECR repository (immutable tags, scan on push, KMS), and run its digest. Needs Docker where pulumi runs. Default false: run server.image as it is. */
  build?: boolean;
  /** Pull every image through ECR pull-through cache rules the stack creates (one per upstream registry the images use: Docker Hub, Quay, ECR Public, registry.k8s.io), as <account>.dkr.ecr.<region>.amazonaws.com/<stack>/<upstream>/<repository>:<tag>@<digest> (images of other registries are pulled as written); the node role may import into those repositories only. Default true with cluster.mode=create unless image.registry is set; false otherwise (the public registries, by digest). */
  pullThroughCache?: boolean;
  /** For clusters that cannot reach public registries: every image is pulled from <image.registry>/<upstream repository>:<tag>@<digest> (copy them there first, keeping the upstream path, e.g. with crane copy) and no cache rule is created. Default: none. */
  registry?: string;
  /** image.pullThroughCache: the account of the stack's AWS provider, whose ECR registry the images are named in (the deploy fails if the provider's account differs). Default: the account of image.dockerHubCredentialArn; required without it. */
  awsAccountId?: string;
  /** image.pullThroughCache: an existing Secrets Manager secret, named ecr-pullthroughcache/…, in the stack's account and region, holding {"username": …, "accessToken": …} of a Docker Hub account: ECR's Docker Hub rule requires one. Create it once, outside the stack, so the token never enters Pulumi state. Required with pull-through when an image comes from Docker Hub. */
  dockerHubCredentialArn?: string;
}

/** The public HTTPS entry to the server (stack config keys ingress.*). */
export interface AgentPlatformIngressArgs {
  /** Expose the server through an Ingress with TLS. Default true; false when environment=dev. Only dev may turn it off. */
  enabled?: boolean;
  /** Public host name of the server, such as agents.example.com. Required when the ingress is enabled. */
  host?: string;
  /** IngressClass. Default alb with cluster.mode=create (AWS Load Balancer Controller), nginx otherwise. */
  className?: string;
  /** ACM certificate for the ALB. Required when ingress.className=alb. */
  certificateArn?: string;
  /** cert-manager ClusterIssuer that signs the TLS certificate. Required when the ingress class is not alb. */
  clusterIssuer?: string;
  /** Namespace of the ingress controller whose pods may reach the server, when the class is not alb. Default ingress-nginx. */
  controllerNamespace?: string;
  /** alb: an AWS WAF web ACL in front of the ALB (a rate limit per client IP, then the AWS managed IP-reputation, core and known-bad-inputs rule groups), associated by the load balancer controller. Default true with the alb class when environment=prod; false otherwise. false in prod is the explicit opt-out. */
  waf?: boolean;
  /** alb with ingress.waf: requests one client IP may send in any 5-minute window before WAF blocks the rest of the window. Clients behind one NAT share it. Default 2000. */
  wafRateLimit?: number;
  /** alb: ALB access logs to a bucket of their own (SSE-S3, versioned, TLS-only, expired after ingress.accessLogRetentionDays). Default true with the alb class; false otherwise. */
  accessLogs?: boolean;
  /** alb with ingress.accessLogs: days an ALB access log is kept. Default 365. */
  accessLogRetentionDays?: number;
  /** alb: ALB deletion protection, so deleting the Ingress (or pulumi destroy) cannot delete the load balancer; set false and run pulumi up before a destroy. Default true with the alb class when environment=prod; false otherwise. */
  deletionProtection?: boolean;
}

/** The PostgreSQL database: Amazon RDS or an in-cluster StatefulSet, and the server's connection pool (stack config keys database.*). */
export interface AgentPlatformDatabaseArgs {
  /** rds: Amazon RDS for PostgreSQL; statefulset: an in-cluster pgvector StatefulSet. Default rds; statefulset when environment=dev. */
  mode?: DatabaseMode;
  /** PostgreSQL major version, 16 or 17. Default 17. */
  engineVersion?: PostgresMajorVersion;
  /** RDS instance class. Default db.t4g.medium. */
  instanceClass?: string;
  /** RDS storage in GiB at creation. Default 50. */
  allocatedStorageGb?: number;
  /** RDS storage autoscaling ceiling in GiB (at least allocatedStorageGb). Default 200. */
  maxAllocatedStorageGb?: number;
  /** RDS Multi-AZ standby. Default true; false when environment=dev. */
  multiAz?: boolean;
  /** RDS deletion protection and a final snapshot. Default true; false when environment=dev. */
  deletionProtection?: boolean;
  /** RDS automated backup retention in days (1-35; prod at least 7). Default 14; 7 when environment=dev. */
  backupRetentionDays?: number;
  /** RDS port (1150-65535, as RDS allows). Default 5433, not the engine's 5432: untargeted scans of the default port miss it. Changing it restarts the instance. The in-cluster StatefulSet always listens on 5432. */
  port?: number;
  /** SQLAlchemy pool size per uvicorn worker (LETTA_PG_POOL_SIZE). Default 10. */
  poolSize?: number;
  /** SQLAlchemy pool overflow per uvicorn worker (LETTA_PG_MAX_OVERFLOW). Default 5. */
  maxOverflow?: number;
  /** Generation of the application role's database password: raise it by one to rotate it; the bootstrap Job sets the new password and the server pods restart with it (docs/runbooks.md, rotating the app role's password). Default 1. */
  appPasswordVersion?: number;
  /** statefulset mode: PostgreSQL max_connections. Default 200. */
  maxConnections?: number;
  /** statefulset mode: size of the data volume. Default 20Gi. */
  storageSize?: string;
  /** pgvector image, pinned: the statefulset database, and psql of the bootstrap Job in both modes. Default pgvector/pgvector:0.8.1-pg17@sha256:3e8b3adfd27b5707128f60956f62a793c3c9326ea8cfaf0eab7adccb5d700b21. */
  image?: string;
  /** Override: let environment=prod run the in-cluster StatefulSet database. Default false. */
  allowInClusterInProd?: boolean;
  /** RDS: allow a change of database.engineVersion to a new major version, applied at once (not in the maintenance window). Set it for the upgrade run only (see the major-upgrade runbook). Default false: RDS refuses a major change. */
  allowMajorVersionUpgrade?: boolean;
}

/** The Redis cache: ElastiCache or an in-cluster Redis (stack config keys cache.*). */
export interface AgentPlatformCacheArgs {
  /** elasticache: an ElastiCache replication group; in-cluster: one Redis in the namespace. Default elasticache; in-cluster when environment=dev. */
  mode?: CacheMode;
  /** ElastiCache engine, redis or valkey. Default valkey. */
  engine?: CacheEngine;
  /** ElastiCache engine version. Default 8.0. */
  engineVersion?: string;
  /** ElastiCache node type. Default cache.t4g.small. */
  nodeType?: string;
  /** ElastiCache nodes (primary plus replicas, 1-6; at least 2 with automatic failover). Default 2. */
  numNodes?: number;
  /** ElastiCache automatic failover and Multi-AZ. Default true. */
  automaticFailover?: boolean;
  /** ElastiCache snapshot retention in days (1-35). Default 7. */
  snapshotRetentionDays?: number;
  /** in-cluster mode: Redis image, pinned. Default redis:7.4.6-alpine@sha256:3b73847e72874be07e6657b129a94761662b79bc0f679273757d4218573b2a98. */
  image?: string;
  /** elasticache mode: image of the sidecar that carries the server's plaintext Redis to ElastiCache over TLS. Default envoyproxy/envoy:v1.34.10@sha256:3343a698c1bdfdbb174f1bd907dea789d728692f4f99a943e3e6f0bc5ef6513f. */
  tlsProxyImage?: string;
  /** Override: let environment=prod run the in-cluster Redis. Default false. */
  allowInClusterInProd?: boolean;
}

/** Logical database backups to S3 and the restore drill (stack config keys backup.*). */
export interface AgentPlatformBackupArgs {
  /** Logical backups of the database to S3. Default true; false when environment=dev with the in-cluster database. Required with database.mode=rds (its bootstrap Job reads the RDS-managed admin password with the backup image). */
  enabled?: boolean;
  /** Backup CronJob schedule (five-field cron or `@daily`). Default 0 3 * * *. */
  schedule?: string;
  /** Days a backup object is kept in S3 (1-3650). Default 30. */
  retentionDays?: number;
  /** S3 Object Lock retention of every backup version, days (at most backup.retentionDays, so the lifecycle still expires it); 0 turns Object Lock off. Default backup.retentionDays; 0 when environment=dev. Turning it on for an existing bucket: docs/backups.md, Object Lock. */
  objectLockDays?: number;
  /** Schedule of the restore drill that proves the latest backup restores. Default 0 5 * * 0. */
  restoreDrillSchedule?: string;
  /** Replicate every backup to a bucket in this region, encrypted with a key of its own there. Must differ from aws:region. Default: no replication. */
  replicationRegion?: string;
  /** A prebuilt image for the backup jobs: pg_dump of the server's major version, AWS CLI v2, zstd, bash. Unset: built from image/backup/Dockerfile and pushed to ECR (needs Docker where pulumi runs). */
  image?: string;
  /** Object Lock mode. compliance: no one, the account root included, can delete a backup or shorten its lock before it ends; governance: principals allowed s3:BypassGovernanceRetention can (a weaker setting, for stacks that must be able to purge backups early). Default compliance. */
  objectLockMode?: ObjectLockMode;
}

/** The OpenTelemetry collector, its backend, alerts and monitors (stack config keys observability.*). */
export interface AgentPlatformObservabilityArgs {
  /** Where the OpenTelemetry collector sends the server's traces, metrics and logs: debug (the collector's own log), file (a JSON-lines file on an emptyDir of the collector pod, rotated; lost with the pod), clickhouse, signoz (OTLP to Signoz) or otlp (any OTLP/gRPC endpoint). Default file. */
  backend?: TelemetryBackend;
  /** OpenTelemetry Collector image (contrib distribution), pinned. Default otel/opentelemetry-collector-contrib:0.148.0@sha256:8164eab2e6bca9c9b0837a8d2f118a6618489008a839db7f9d6510e66be3923c. */
  collectorImage?: string;
  /** Collector replicas. Default 2; 1 when environment=dev. */
  collectorReplicas?: number;
  /** backend=clickhouse: the ClickHouse server, such as https://clickhouse.example.com:8443 or tcp://clickhouse.example.com:9440?secure=true; plain text only to a cluster-local Service (*.svc.cluster.local). Required with backend=clickhouse. */
  clickhouseEndpoint?: string;
  /** backend=clickhouse: database of the telemetry tables (the exporter creates them). Default otel. */
  clickhouseDatabase?: string;
  /** backend=clickhouse: user the collector inserts as. Default default. */
  clickhouseUsername?: string;
  /** backend=clickhouse: that user's password (set with --secret). Required with backend=clickhouse. */
  clickhousePassword?: string;
  /** backend=signoz: Signoz's OTLP/gRPC endpoint, such as https://ingest.eu.signoz.cloud:443, or a self-hosted collector's Service (http://…svc.cluster.local:4317). Required with backend=signoz. */
  signozEndpoint?: string;
  /** backend=signoz: the ingestion key, sent as the signoz-ingestion-key header (set with --secret). Required unless signozEndpoint is a cluster-local Service. */
  signozIngestionKey?: string;
  /** backend=otlp: an OTLP/gRPC endpoint, https:// (or http:// to a cluster-local Service). Required with backend=otlp. */
  otlpEndpoint?: string;
  /** backend=otlp: the header that carries observability.otlpHeaderValue. Default authorization. */
  otlpHeaderName?: string;
  /** backend=otlp: value of the observability.otlpHeaderName header, such as Bearer <token> (set with --secret). Default: no header. */
  otlpHeaderValue?: string;
  /** Where the alerts' runbook_url points: this project's docs/runbooks.md as your team reads it (each alert adds #<alert name>). Default: a placeholder under github.com/your-org; set it. */
  runbookBaseUrl?: string;
  /** The cluster runs the Prometheus Operator: also create ServiceMonitor/PodMonitor objects and a PrometheusRule (monitoring.coreos.com/v1). Default false: scrape annotations and a rules ConfigMap only. */
  prometheusOperator?: boolean;
  /** Namespace of the Prometheus whose pods may scrape the collector and the exporters (NetworkPolicy). Default monitoring. */
  prometheusNamespace?: string;
  /** A label key=value put on the ServiceMonitors, PodMonitors and the PrometheusRule so the operator's Prometheus selects them, such as release=kube-prometheus-stack. Default: none. */
  monitorLabel?: string;
  /** database.mode=statefulset: postgres_exporter image, pinned. Default quay.io/prometheuscommunity/postgres-exporter:v0.17.1@sha256:38606faa38c54787525fb0ff2fd6b41b4cfb75d455c1df294927c5f611699b17. */
  postgresExporterImage?: string;
}

/** LLM provider credentials passed to the server (stack config keys llm.*). Pass them as plain strings read from a secret store; never commit them. */
export interface AgentPlatformLlmArgs {
  /** OPENAI_API_KEY (set with --secret). */
  openaiApiKey?: string;
  /** ANTHROPIC_API_KEY (set with --secret). */
  anthropicApiKey?: string;
  /** AZURE_API_KEY (set with --secret); needs llm.azureBaseUrl. */
  azureApiKey?: string;
  /** AZURE_BASE_URL, with llm.azureApiKey. */
  azureBaseUrl?: string;
  /** GEMINI_API_KEY (set with --secret). */
  geminiApiKey?: string;
  /** GROQ_API_KEY (set with --secret). */
  groqApiKey?: string;
  /** TOGETHER_API_KEY (set with --secret). */
  togetherApiKey?: string;
  /** DEEPSEEK_API_KEY (set with --secret). */
  deepseekApiKey?: string;
  /** XAI_API_KEY (set with --secret). */
  xaiApiKey?: string;
  /** OPENROUTER_API_KEY (set with --secret). */
  openrouterApiKey?: string;
}

