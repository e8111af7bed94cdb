// The stack configuration model: every key the program reads, its type, default and what is allowed.
// Pulumi.yaml's `config:` block and docs/configuration.md are generated from this one schema
// (tools/config/generate-pulumi-yaml.ts), and a test fails if they drift apart.
import { z } from "zod";
import {
  CacheEngine, CacheMode, ClusterMode, DatabaseMode, Environment, ObjectLockMode, PostgresMajorVersion, TelemetryBackend, ToolSandbox, values,
} from "./enums";
import { toolSandboxIssues } from "./tool-sandbox";
import { BUDGET_SHARE, JOB_CONNECTIONS, rdsMaxConnections, worstCaseConnections } from "./connection-budget";
import {
  arn, cacheNodeType, cpuMillicores, cpuQuantity, cronSchedule, dnsHostName, dnsLabel, ec2InstanceType, httpsUrl,
  ipv4Cidr, memoryBytes, memoryQuantity, pinnedImage, rdsInstanceClass, storageQuantity,
} from "./formats";
import { parseTelemetryEndpoint, withoutUserinfo, type EndpointKind } from "./telemetry-endpoint";
// A leaf module of constants (it imports nothing), so the config does not depend on the observability components.
import { OTEL_COLLECTOR_IMAGE, POSTGRES_EXPORTER_IMAGE } from "../observability/images";
import { ENVOY_IMAGE, LETTA_SERVER_IMAGE, PGVECTOR_IMAGE, REDIS_IMAGE } from "../images/pins";
import { imageRegionIssues, imageSourceIssues } from "../images/image-plan";

/** Attach the description shown by `pulumi config` and the generated reference. */
function doc<T extends z.ZodType>(schema: T, description: string, extra: { secret?: boolean } = {}): T {
  return schema.meta({ description, ...extra });
}

/** An IAM role or user ARN, as an EKS access entry takes it (not an assumed-role session ARN). */
const iamPrincipalArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(?:role|user)\/[\w+=,.@/-]+$/, {
  error: "expected an IAM role or user ARN such as arn:aws:iam::123456789012:role/deploy (not an assumed-role session ARN)",
});

/** A whole number in [min, max]; every failure states the whole range, so the user sees what is allowed. */
const int = (min: number, max: number) => {
  const range = `expected a whole number from ${min} to ${max}`;
  return z.number({ error: range }).int({ error: range }).min(min, { error: range }).max(max, { error: range });
};

/** A secret set with `pulumi config set --secret`: non-empty, no surrounding white space. */
const secretString = z.string().regex(/^\S(?:.*\S)?$/s, { error: "expected a non-empty value without leading or trailing white space" });

/** A backend endpoint the collector may send to (see parseTelemetryEndpoint for what is refused and why). */
const telemetryEndpoint = (kind: EndpointKind) => z.string().superRefine((value, ctx) => {
  const parsed = parseTelemetryEndpoint(value, kind);
  // A password put in the URL is not echoed back in the message (nor in CI logs).
  if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed, input: withoutUserinfo(value) });
});

export const rawConfigSchema = z.strictObject({
  environment: doc(z.enum(values(Environment)).default(Environment.Prod),
    "Kind of stack. prod enforces the production invariants; dev relaxes defaults for a laptop cluster. Default prod, so a stack that sets nothing gets the hardened setup."),
  // The namespace names the platform's PriorityClasses, and the API server reserves the system- prefix for its own
  // (components/workload/priority-classes.ts cites it).
  namespace: doc(dnsLabel.refine((ns) => !ns.startsWith("system-"), { message: "must not start with \"system-\": it names the platform's PriorityClasses, and the API server reserves that prefix" }).default("agent-platform"),
    "Kubernetes namespace for every object the platform creates. Default agent-platform."),

  cluster: z.strictObject({
    mode: doc(z.enum(values(ClusterMode)).optional(),
      "create: a new VPC and EKS cluster; existing: deploy into the cluster of cluster.kubeconfig or the ambient kubeconfig. Default create, existing when environment=dev."),
    kubernetesVersion: doc(z.string().regex(/^1\.(?:3[0-9])$/, { error: "expected a Kubernetes minor version from 1.30 to 1.39, such as 1.34" }).default("1.34"),
      "EKS Kubernetes version, pinned. Default 1.34."),
    vpcCidr: doc(ipv4Cidr.refine((c) => { const p = Number(c.split("/")[1]); return p >= 16 && p <= 20; }, { error: "expected a prefix length from /16 to /20, room for the subnets" }).default("10.0.0.0/16"),
      "CIDR of the VPC: the one created in cluster.mode=create, or the existing cluster's (network policies admit the load balancer and reach RDS and ElastiCache by it). Default 10.0.0.0/16."),
    availabilityZones: doc(int(2, 6).default(3), "Availability zones the VPC and node group span (2 to 6). Default 3."),
    publicAccessCidrs: doc(z.array(ipv4Cidr).default([]),
      "CIDRs allowed to reach the EKS public API endpoint. Empty (default): the public endpoint is off, private only."),
    nodeInstanceTypes: doc(z.array(ec2InstanceType).min(1, { error: "expected at least one instance type" }).default(["m6i.large"]),
      "Instance types of the managed node group. Default [m6i.large]."),
    nodeMinSize: doc(int(1, 100).default(2), "Minimum nodes in the managed node group. Default 2."),
    nodeDesiredSize: doc(int(1, 100).default(3), "Desired nodes in the managed node group. Default 3."),
    nodeMaxSize: doc(int(1, 100).default(6), "Maximum nodes in the managed node group. Default 6."),
    kubeconfig: doc(secretString.optional(),
      "cluster.mode=existing: kubeconfig contents (set with --secret). Unset: the ambient kubeconfig (KUBECONFIG or ~/.kube/config).", { secret: true }),
    oidcProviderArn: doc(arn("iam", "oidc-provider/", "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC").optional(),
      "cluster.mode=existing: ARN of the cluster's IAM OIDC provider, for IRSA roles. Set with cluster.oidcIssuerUrl, or neither."),
    oidcIssuerUrl: doc(httpsUrl.optional(), "cluster.mode=existing: the cluster's OIDC issuer URL. Set with cluster.oidcProviderArn, or neither."),
    vpcId: doc(z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: "expected a VPC id such as vpc-0123456789abcdef0" }).optional(),
      "cluster.mode=existing with RDS or ElastiCache: the cluster's VPC."),
    privateSubnetIds: doc(z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: "expected subnet ids such as subnet-0123456789abcdef0" })).optional(),
      "cluster.mode=existing with RDS or ElastiCache: private subnets (in at least two zones) for the database and cache."),
    nodeSecurityGroupId: doc(z.string().regex(/^sg-[0-9a-f]{8,17}$/, { error: "expected a security group id such as sg-0123456789abcdef0" }).optional(),
      "cluster.mode=existing with RDS or ElastiCache: the security group of the nodes (or pods) the server runs on; the only source admitted to the database and cache."),
    deletionProtection: doc(z.boolean().optional(),
      "cluster.mode=create: EKS deletion protection (the API refuses to delete the cluster). Default true; false when environment=dev."),
    adminPrincipalArns: doc(z.array(iamPrincipalArn).optional(),
      "cluster.mode=create: IAM roles or users that get an EKS access entry with AmazonEKSClusterAdminPolicy: the deploy roles (CI's and whoever runs the first pulumi up). Required with cluster.mode=create: nobody else can use the cluster. Default none."),
    viewerPrincipalArns: doc(z.array(iamPrincipalArn).default([]),
      "cluster.mode=create: IAM roles or users that get an EKS access entry with AmazonEKSViewPolicy (read, no Secrets): preview roles and people. Default none."),
    ciRunnerConnectionArn: doc(arn("(?:codeconnections|codestar-connections)", "connection/", "arn:aws:codeconnections:eu-west-1:123456789012:connection/uuid").optional(),
      "cluster.mode=create: an AVAILABLE CodeConnections connection to GitHub. With cluster.ciRunnerRepository, the stack creates a CodeBuild-hosted GitHub Actions runner in the private subnets, so CI reaches a private API endpoint. Default: no runner."),
    ciRunnerRepository: doc(z.string().regex(/^https:\/\/github\.com\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: "expected a GitHub repository URL such as https://github.com/acme/agent-platform" }).optional(),
      "cluster.mode=create: the GitHub repository whose workflow jobs the CodeBuild runner takes (https://github.com/OWNER/REPO). Set with cluster.ciRunnerConnectionArn, or neither."),
  }).prefault({}),

  server: z.strictObject({
    image: doc(pinnedImage.default(LETTA_SERVER_IMAGE), `Agent server image, pinned by tag (not latest) or digest. Default ${LETTA_SERVER_IMAGE}.`),
    minReplicas: doc(int(1, 100).default(2), "HPA minimum replicas. Default 2."),
    maxReplicas: doc(int(1, 100).default(10), "HPA maximum replicas. Default 10."),
    cpuTargetPercent: doc(int(1, 100).default(70), "HPA target CPU utilisation, percent of requests (1-100). Default 70."),
    memoryTargetPercent: doc(int(1, 100).default(80), "HPA target memory utilisation, percent of requests (1-100). Default 80."),
    cpuRequest: doc(cpuQuantity.default("250m"), "CPU request of the server container. Default 250m."),
    memoryRequest: doc(memoryQuantity.default("512Mi"), "Memory request of the server container. Default 512Mi."),
    cpuLimit: doc(cpuQuantity.default("500m"), "CPU limit of the server container. Default 500m."),
    memoryLimit: doc(memoryQuantity.default("1Gi"), "Memory limit of the server container. Default 1Gi."),
    uvicornWorkers: doc(int(1, 64).default(1), "Uvicorn worker processes per pod (LETTA_UVICORN_WORKERS). Default 1."),
    passwordVersion: doc(int(1, 1000000).default(1),
      "Generation of the server password (LETTA_SERVER_PASSWORD): raise it by one to rotate the password; the server pods restart with the new one (docs/runbooks.md, rotating the server password). Default 1."),
    toolSandbox: doc(z.enum(values(ToolSandbox)).default(ToolSandbox.Local),
      "Where tool code runs. local: inside the server container, with its whole environment (database URI, encryption key, provider keys) and network reach; anyone holding the server password can run code there. e2b: in E2B's remote sandboxes (server.e2bApiKey). modal: tools that ask for Modal run there (server.modalTokenId, server.modalTokenSecret), every other tool still runs locally unless server.e2bApiKey is set too. Default local."),
    e2bApiKey: doc(secretString.optional(), "E2B_API_KEY (set with --secret): with it the server runs tools in E2B, whatever server.toolSandbox says; so it is required with server.toolSandbox=e2b and refused with local.", { secret: true }),
    e2bSandboxTemplateId: doc(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "expected an E2B template id (letters, digits, '_' or '-')" }).optional(),
      "E2B_SANDBOX_TEMPLATE_ID: the E2B template tools run in. Default: E2B's base template."),
    modalTokenId: doc(secretString.optional(), "MODAL_TOKEN_ID (set with --secret). Required with server.toolSandbox=modal.", { secret: true }),
    modalTokenSecret: doc(secretString.optional(), "MODAL_TOKEN_SECRET (set with --secret). Required with server.toolSandbox=modal.", { secret: true }),
  }).prefault({}),

  image: z.strictObject({
    build: doc(z.boolean().default(false),
      "Build a derived server image from image/server/Dockerfile (server.image as its base: non-root, no bundled database or Redis), push it to a private ECR repository (immutable tags, scan on push, KMS), and run its digest. Needs Docker where pulumi runs. Default false: run server.image as it is."),
    pullThroughCache: doc(z.boolean().optional(),
      "Pull every image through ECR pull-through cache rules the stack creates (one per upstream registry the images use: Docker Hub, Quay, ECR Public, registry.k8s.io), as <account>.dkr.ecr.<region>.amazonaws.com/<stack>/<upstream>/<repository>:<tag>@<digest> (images of other registries are pulled as written); the node role may import into those repositories only. Default true with cluster.mode=create unless image.registry is set; false otherwise (the public registries, by digest)."),
    registry: doc(z.string().regex(/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]+(?::\d{1,5})?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, { error: "expected a registry host and optional path such as registry.example.com/mirror or 123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror" }).optional(),
      "For clusters that cannot reach public registries: every image is pulled from <image.registry>/<upstream repository>:<tag>@<digest> (copy them there first, keeping the upstream path, e.g. with crane copy) and no cache rule is created. Default: none."),
    awsAccountId: doc(z.string().regex(/^\d{12}$/, { error: "expected a 12-digit AWS account id such as 123456789012" }).optional(),
      "image.pullThroughCache: the account of the stack's AWS provider, whose ECR registry the images are named in (the deploy fails if the provider's account differs). Default: the account of image.dockerHubCredentialArn; required without it."),
    dockerHubCredentialArn: doc(arn("secretsmanager", "secret:ecr-pullthroughcache/", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf").optional(),
      "image.pullThroughCache: an existing Secrets Manager secret, named ecr-pullthroughcache/…, in the stack's account and region, holding {\"username\": …, \"accessToken\": …} of a Docker Hub account: ECR's Docker Hub rule requires one. Create it once, outside the stack, so the token never enters Pulumi state. Required with pull-through when an image comes from Docker Hub."),
  }).prefault({}),

  ingress: z.strictObject({
    enabled: doc(z.boolean().optional(), "Expose the server through an Ingress with TLS. Default true; false when environment=dev. Only dev may turn it off."),
    host: doc(dnsHostName.optional(), "Public host name of the server, such as agents.example.com. Required when the ingress is enabled."),
    className: doc(dnsLabel.optional(), "IngressClass. Default alb with cluster.mode=create (AWS Load Balancer Controller), nginx otherwise."),
    certificateArn: doc(arn("acm", "certificate/", "arn:aws:acm:eu-west-1:123456789012:certificate/uuid").optional(),
      "ACM certificate for the ALB. Required when ingress.className=alb."),
    clusterIssuer: doc(dnsLabel.optional(), "cert-manager ClusterIssuer that signs the TLS certificate. Required when the ingress class is not alb."),
    controllerNamespace: doc(dnsLabel.default("ingress-nginx"), "Namespace of the ingress controller whose pods may reach the server, when the class is not alb. Default ingress-nginx."),
    waf: doc(z.boolean().optional(),
      "alb: an AWS WAF web ACL in front of the ALB (a rate limit per client IP, then the AWS managed IP-reputation, core and known-bad-inputs rule groups), associated by the load balancer controller. Default true with the alb class when environment=prod; false otherwise. false in prod is the explicit opt-out."),
    wafRateLimit: doc(int(10, 2000000000).default(2000),
      "alb with ingress.waf: requests one client IP may send in any 5-minute window before WAF blocks the rest of the window. Clients behind one NAT share it. Default 2000."),
    accessLogs: doc(z.boolean().optional(),
      "alb: ALB access logs to a bucket of their own (SSE-S3, versioned, TLS-only, expired after ingress.accessLogRetentionDays). Default true with the alb class; false otherwise."),
    accessLogRetentionDays: doc(int(1, 3650).default(365), "alb with ingress.accessLogs: days an ALB access log is kept. Default 365."),
    deletionProtection: doc(z.boolean().optional(),
      "alb: ALB deletion protection, so deleting the Ingress (or pulumi destroy) cannot delete the load balancer; set false and run pulumi up before a destroy. Default true with the alb class when environment=prod; false otherwise."),
  }).prefault({}),

  database: z.strictObject({
    mode: doc(z.enum(values(DatabaseMode)).optional(), "rds: Amazon RDS for PostgreSQL; statefulset: an in-cluster pgvector StatefulSet. Default rds; statefulset when environment=dev."),
    engineVersion: doc(z.enum(values(PostgresMajorVersion)).default(PostgresMajorVersion.V17), "PostgreSQL major version, 16 or 17. Default 17."),
    instanceClass: doc(rdsInstanceClass.default("db.t4g.medium"), "RDS instance class. Default db.t4g.medium."),
    allocatedStorageGb: doc(int(20, 65536).default(50), "RDS storage in GiB at creation. Default 50."),
    maxAllocatedStorageGb: doc(int(20, 65536).default(200), "RDS storage autoscaling ceiling in GiB (at least allocatedStorageGb). Default 200."),
    multiAz: doc(z.boolean().optional(), "RDS Multi-AZ standby. Default true; false when environment=dev."),
    deletionProtection: doc(z.boolean().optional(), "RDS deletion protection and a final snapshot. Default true; false when environment=dev."),
    backupRetentionDays: doc(int(1, 35).optional(), "RDS automated backup retention in days (1-35; prod at least 7). Default 14; 7 when environment=dev."),
    port: doc(int(1150, 65535).default(5433), "RDS port (1150-65535, as RDS allows). Default 5433, not the engine's 5432: untargeted scans of the default port miss it. Changing it restarts the instance. The in-cluster StatefulSet always listens on 5432."),
    poolSize: doc(int(1, 200).default(10), "SQLAlchemy pool size per uvicorn worker (LETTA_PG_POOL_SIZE). Default 10."),
    maxOverflow: doc(int(0, 200).default(5), "SQLAlchemy pool overflow per uvicorn worker (LETTA_PG_MAX_OVERFLOW). Default 5."),
    appPasswordVersion: doc(int(1, 1000000).default(1),
      "Generation of the application role's database password: raise it by one to rotate it; the bootstrap Job sets the new password and the server pods restart with it (docs/runbooks.md, rotating the app role's password). Default 1."),
    maxConnections: doc(int(20, 10000).default(200), "statefulset mode: PostgreSQL max_connections. Default 200."),
    storageSize: doc(storageQuantity.default("20Gi"), "statefulset mode: size of the data volume. Default 20Gi."),
    image: doc(pinnedImage.default(PGVECTOR_IMAGE), `pgvector image, pinned: the statefulset database, and psql of the bootstrap Job in both modes. Default ${PGVECTOR_IMAGE}.`),
    allowInClusterInProd: doc(z.boolean().default(false), "Override: let environment=prod run the in-cluster StatefulSet database. Default false."),
    allowMajorVersionUpgrade: doc(z.boolean().default(false),
      "RDS: allow a change of database.engineVersion to a new major version, applied at once (not in the maintenance window). Set it for the upgrade run only (see the major-upgrade runbook). Default false: RDS refuses a major change."),
  }).prefault({}),

  cache: z.strictObject({
    mode: doc(z.enum(values(CacheMode)).optional(), "elasticache: an ElastiCache replication group; in-cluster: one Redis in the namespace. Default elasticache; in-cluster when environment=dev."),
    engine: doc(z.enum(values(CacheEngine)).default(CacheEngine.Valkey), "ElastiCache engine, redis or valkey. Default valkey."),
    engineVersion: doc(z.string().regex(/^\d+\.\d+$/, { error: "expected a major.minor engine version such as 7.1 or 8.0" }).default("8.0"), "ElastiCache engine version. Default 8.0."),
    nodeType: doc(cacheNodeType.default("cache.t4g.small"), "ElastiCache node type. Default cache.t4g.small."),
    numNodes: doc(int(1, 6).default(2), "ElastiCache nodes (primary plus replicas, 1-6; at least 2 with automatic failover). Default 2."),
    automaticFailover: doc(z.boolean().default(true), "ElastiCache automatic failover and Multi-AZ. Default true."),
    snapshotRetentionDays: doc(int(1, 35).default(7), "ElastiCache snapshot retention in days (1-35). Default 7."),
    image: doc(pinnedImage.default(REDIS_IMAGE), `in-cluster mode: Redis image, pinned. Default ${REDIS_IMAGE}.`),
    tlsProxyImage: doc(pinnedImage.default(ENVOY_IMAGE), `elasticache mode: image of the sidecar that carries the server's plaintext Redis to ElastiCache over TLS. Default ${ENVOY_IMAGE}.`),
    allowInClusterInProd: doc(z.boolean().default(false), "Override: let environment=prod run the in-cluster Redis. Default false."),
  }).prefault({}),

  backup: z.strictObject({
    enabled: doc(z.boolean().optional(), "Logical backups of the database to S3. Default true; false when environment=dev with the in-cluster database. Required with database.mode=rds (its bootstrap Job reads the RDS-managed admin password with the backup image)."),
    schedule: doc(cronSchedule.default("0 3 * * *"), "Backup CronJob schedule (five-field cron or @daily). Default 0 3 * * *."),
    retentionDays: doc(int(1, 3650).default(30), "Days a backup object is kept in S3 (1-3650). Default 30."),
    objectLockDays: doc(int(0, 3650).optional(),
      "S3 Object Lock retention of every backup version, days (at most backup.retentionDays, so the lifecycle still expires it); 0 turns Object Lock off. Default backup.retentionDays; 0 when environment=dev. Turning it on for an existing bucket: docs/backups.md, Object Lock."),
    objectLockMode: doc(z.enum(values(ObjectLockMode)).default(ObjectLockMode.Compliance),
      "Object Lock mode. compliance: no one, the account root included, can delete a backup or shorten its lock before it ends; governance: principals allowed s3:BypassGovernanceRetention can (a weaker setting, for stacks that must be able to purge backups early). Default compliance."),
    restoreDrillSchedule: doc(cronSchedule.default("0 5 * * 0"), "Schedule of the restore drill that proves the latest backup restores. Default 0 5 * * 0."),
    replicationRegion: doc(z.string().regex(/^[a-z]{2}(?:-[a-z]+)+-\d$/, { error: "expected an AWS region such as eu-central-1" }).optional(),
      "Replicate every backup to a bucket in this region, encrypted with a key of its own there. Must differ from aws:region. Default: no replication."),
    image: doc(pinnedImage.optional(), "A prebuilt image for the backup jobs: pg_dump of the server's major version, AWS CLI v2, zstd, bash. Unset: built from image/backup/Dockerfile and pushed to ECR (needs Docker where pulumi runs)."),
  }).prefault({}),

  observability: z.strictObject({
    backend: doc(z.enum(values(TelemetryBackend)).default(TelemetryBackend.File),
      "Where the OpenTelemetry collector sends the server's traces, metrics and logs: debug (the collector's own log), file (a JSON-lines file on an emptyDir of the collector pod, rotated; lost with the pod), clickhouse, signoz (OTLP to Signoz) or otlp (any OTLP/gRPC endpoint). Default file."),
    collectorImage: doc(pinnedImage.default(OTEL_COLLECTOR_IMAGE), `OpenTelemetry Collector image (contrib distribution), pinned. Default ${OTEL_COLLECTOR_IMAGE}.`),
    collectorReplicas: doc(int(1, 10).optional(), "Collector replicas. Default 2; 1 when environment=dev."),
    clickhouseEndpoint: doc(telemetryEndpoint("clickhouse").optional(),
      "backend=clickhouse: the ClickHouse server, such as https://clickhouse.example.com:8443 or tcp://clickhouse.example.com:9440?secure=true; plain text only to a cluster-local Service (*.svc.cluster.local). Required with backend=clickhouse."),
    clickhouseDatabase: doc(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { error: "expected a ClickHouse database name: letters, digits and _, not starting with a digit" }).default("otel"),
      "backend=clickhouse: database of the telemetry tables (the exporter creates them). Default otel."),
    clickhouseUsername: doc(z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, { error: "expected a ClickHouse user name: letters, digits, _ . @ -" }).default("default"),
      "backend=clickhouse: user the collector inserts as. Default default."),
    clickhousePassword: doc(secretString.optional(), "backend=clickhouse: that user's password (set with --secret). Required with backend=clickhouse.", { secret: true }),
    signozEndpoint: doc(telemetryEndpoint("otlp").optional(),
      "backend=signoz: Signoz's OTLP/gRPC endpoint, such as https://ingest.eu.signoz.cloud:443, or a self-hosted collector's Service (http://…svc.cluster.local:4317). Required with backend=signoz."),
    signozIngestionKey: doc(secretString.optional(), "backend=signoz: the ingestion key, sent as the signoz-ingestion-key header (set with --secret). Required unless signozEndpoint is a cluster-local Service.", { secret: true }),
    otlpEndpoint: doc(telemetryEndpoint("otlp").optional(), "backend=otlp: an OTLP/gRPC endpoint, https:// (or http:// to a cluster-local Service). Required with backend=otlp."),
    otlpHeaderName: doc(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: "expected a lower-case HTTP header name such as authorization or x-honeycomb-team" }).default("authorization"),
      "backend=otlp: the header that carries observability.otlpHeaderValue. Default authorization."),
    otlpHeaderValue: doc(secretString.optional(), "backend=otlp: value of the observability.otlpHeaderName header, such as Bearer <token> (set with --secret). Default: no header.", { secret: true }),
    runbookBaseUrl: doc(z.string().regex(/^https?:\/\/[^\s#"'{}]+$/, { error: "expected an http(s) URL without a fragment, such as https://github.com/acme/agent-platform/blob/main/docs/runbooks.md" }).optional(),
      "Where the alerts' runbook_url points: this project's docs/runbooks.md as your team reads it (each alert adds #<alert name>). Default: a placeholder under github.com/your-org; set it."),
    prometheusOperator: doc(z.boolean().default(false),
      "The cluster runs the Prometheus Operator: also create ServiceMonitor/PodMonitor objects and a PrometheusRule (monitoring.coreos.com/v1). Default false: scrape annotations and a rules ConfigMap only."),
    prometheusNamespace: doc(dnsLabel.default("monitoring"), "Namespace of the Prometheus whose pods may scrape the collector and the exporters (NetworkPolicy). Default monitoring."),
    monitorLabel: doc(z.string().regex(/^(?:[a-z0-9.-]+\/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,62}=[A-Za-z0-9]?(?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/, { error: "expected one label as key=value, such as release=kube-prometheus-stack" }).optional(),
      "A label key=value put on the ServiceMonitors, PodMonitors and the PrometheusRule so the operator's Prometheus selects them, such as release=kube-prometheus-stack. Default: none."),
    postgresExporterImage: doc(pinnedImage.default(POSTGRES_EXPORTER_IMAGE), `database.mode=statefulset: postgres_exporter image, pinned. Default ${POSTGRES_EXPORTER_IMAGE}.`),
  }).prefault({}),

  llm: z.strictObject({
    openaiApiKey: doc(secretString.optional(), "OPENAI_API_KEY (set with --secret).", { secret: true }),
    anthropicApiKey: doc(secretString.optional(), "ANTHROPIC_API_KEY (set with --secret).", { secret: true }),
    azureApiKey: doc(secretString.optional(), "AZURE_API_KEY (set with --secret); needs llm.azureBaseUrl.", { secret: true }),
    azureBaseUrl: doc(httpsUrl.optional(), "AZURE_BASE_URL, with llm.azureApiKey."),
    geminiApiKey: doc(secretString.optional(), "GEMINI_API_KEY (set with --secret).", { secret: true }),
    groqApiKey: doc(secretString.optional(), "GROQ_API_KEY (set with --secret).", { secret: true }),
    togetherApiKey: doc(secretString.optional(), "TOGETHER_API_KEY (set with --secret).", { secret: true }),
    deepseekApiKey: doc(secretString.optional(), "DEEPSEEK_API_KEY (set with --secret).", { secret: true }),
    xaiApiKey: doc(secretString.optional(), "XAI_API_KEY (set with --secret).", { secret: true }),
    openrouterApiKey: doc(secretString.optional(), "OPENROUTER_API_KEY (set with --secret).", { secret: true }),
  }).prefault({}),
});

type RawConfig = z.output<typeof rawConfigSchema>;

/** Fill the defaults that depend on the environment; everything else was defaulted by the schema. */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types -- PlatformConfig is defined as its return type
function withEnvironmentDefaults(raw: RawConfig) {
  const prodLike = raw.environment !== Environment.Dev;
  const clusterMode = raw.cluster.mode ?? (prodLike ? ClusterMode.Create : ClusterMode.Existing);
  return {
    ...raw,
    cluster: { ...raw.cluster, mode: clusterMode, deletionProtection: raw.cluster.deletionProtection ?? prodLike, adminPrincipalArns: raw.cluster.adminPrincipalArns ?? [] },
    ingress: {
      ...raw.ingress,
      enabled: raw.ingress.enabled ?? prodLike,
      className: raw.ingress.className ?? (clusterMode === ClusterMode.Create ? "alb" : "nginx"),
      ...albEdgeDefaults(raw, prodLike, raw.ingress.className ?? (clusterMode === ClusterMode.Create ? "alb" : "nginx")),
    },
    database: {
      ...raw.database,
      mode: raw.database.mode ?? (prodLike ? DatabaseMode.Rds : DatabaseMode.StatefulSet),
      multiAz: raw.database.multiAz ?? prodLike,
      deletionProtection: raw.database.deletionProtection ?? prodLike,
      backupRetentionDays: raw.database.backupRetentionDays ?? (prodLike ? 14 : 7),
    },
    cache: { ...raw.cache, mode: raw.cache.mode ?? (prodLike ? CacheMode.ElastiCache : CacheMode.InCluster) },
    image: { ...raw.image, pullThroughCache: raw.image.pullThroughCache ?? (clusterMode === ClusterMode.Create && raw.image.registry === undefined) },
    // RDS needs the backup image (and its IRSA) for the bootstrap Job, so RDS turns backups on by default in dev too.
    backup: { ...raw.backup, enabled: raw.backup.enabled ?? (prodLike || (raw.database.mode ?? (prodLike ? DatabaseMode.Rds : DatabaseMode.StatefulSet)) === DatabaseMode.Rds), objectLockDays: raw.backup.objectLockDays ?? (prodLike ? raw.backup.retentionDays : 0) },
    observability: { ...raw.observability, collectorReplicas: raw.observability.collectorReplicas ?? (prodLike ? 2 : 1) },
  };
}

/** The ALB's edge protections: on with the alb class of an enabled ingress (WAF and deletion protection: in prod). */
function albEdgeDefaults(raw: RawConfig, prodLike: boolean, className: string) {
  const alb = (raw.ingress.enabled ?? prodLike) && className === "alb";
  return {
    waf: raw.ingress.waf ?? (alb && prodLike),
    accessLogs: raw.ingress.accessLogs ?? alb,
    deletionProtection: raw.ingress.deletionProtection ?? (alb && prodLike),
  };
}

/** The validated configuration every component reads. */
export type PlatformConfig = ReturnType<typeof withEnvironmentDefaults>;

/** The schema's output with the environment-dependent defaults filled in (for the loader's relation checks). */
export const applyEnvironmentDefaults: (raw: z.output<typeof rawConfigSchema>) => PlatformConfig = withEnvironmentDefaults;

type Issue = { path: string[]; message: string; input: unknown };

/** Rules that relate several keys, checked on the config with its environment defaults applied. */
export function crossFieldIssues(c: PlatformConfig): Issue[] {
  const issues: Issue[] = [];
  const fail = (path: string, input: unknown, message: string) => issues.push({ path: path.split("."), input, message });
  const prod = c.environment === Environment.Prod;

  if (c.server.minReplicas > c.server.maxReplicas) {
    fail("server.minReplicas", c.server.minReplicas, `must not exceed server.maxReplicas (${c.server.maxReplicas})`);
  }
  if (cpuMillicores(c.server.cpuRequest) > cpuMillicores(c.server.cpuLimit)) {
    fail("server.cpuRequest", c.server.cpuRequest, `must not exceed server.cpuLimit (${c.server.cpuLimit})`);
  }
  if (memoryBytes(c.server.memoryRequest) > memoryBytes(c.server.memoryLimit)) {
    fail("server.memoryRequest", c.server.memoryRequest, `must not exceed server.memoryLimit (${c.server.memoryLimit})`);
  }
  // Blame the relation that failed: min > max is the bounds' fault, not the desired size's.
  const { nodeMinSize, nodeDesiredSize, nodeMaxSize } = c.cluster;
  if (nodeMinSize > nodeMaxSize) {
    fail("cluster.nodeMinSize", nodeMinSize, `must not exceed cluster.nodeMaxSize (${nodeMaxSize})`);
  } else if (nodeDesiredSize < nodeMinSize) {
    fail("cluster.nodeDesiredSize", nodeDesiredSize, `must be at least cluster.nodeMinSize (${nodeMinSize})`);
  } else if (nodeDesiredSize > nodeMaxSize) {
    fail("cluster.nodeDesiredSize", nodeDesiredSize, `must not exceed cluster.nodeMaxSize (${nodeMaxSize})`);
  }
  if (c.database.maxAllocatedStorageGb < c.database.allocatedStorageGb) {
    fail("database.maxAllocatedStorageGb", c.database.maxAllocatedStorageGb, `must be at least database.allocatedStorageGb (${c.database.allocatedStorageGb})`);
  }
  if (c.cache.mode === CacheMode.ElastiCache && c.cache.automaticFailover && c.cache.numNodes < 2) {
    fail("cache.numNodes", c.cache.numNodes, "must be at least 2 when cache.automaticFailover is true (failover needs a replica)");
  }
  if ((c.cluster.oidcProviderArn === undefined) !== (c.cluster.oidcIssuerUrl === undefined)) {
    const [key, value] = c.cluster.oidcProviderArn === undefined
      ? ["cluster.oidcProviderArn", undefined] : ["cluster.oidcIssuerUrl", undefined];
    fail(key, value, "set cluster.oidcProviderArn and cluster.oidcIssuerUrl together, or neither");
  }
  const awsData = c.database.mode === DatabaseMode.Rds || c.cache.mode === CacheMode.ElastiCache;
  if (c.cluster.mode === ClusterMode.Existing && awsData) {
    for (const key of ["vpcId", "privateSubnetIds", "nodeSecurityGroupId"] as const) {
      if (c.cluster[key] === undefined) fail(`cluster.${key}`, undefined, "is required with cluster.mode=existing when the database or cache runs on AWS (RDS, ElastiCache)");
    }
  }
  if ((c.cluster.ciRunnerConnectionArn === undefined) !== (c.cluster.ciRunnerRepository === undefined)) {
    const key = c.cluster.ciRunnerConnectionArn === undefined ? "cluster.ciRunnerConnectionArn" : "cluster.ciRunnerRepository";
    fail(key, undefined, "set cluster.ciRunnerConnectionArn and cluster.ciRunnerRepository together, or neither");
  }
  if (c.cluster.mode === ClusterMode.Create && c.cluster.adminPrincipalArns.length === 0) {
    fail("cluster.adminPrincipalArns", c.cluster.adminPrincipalArns, "must name at least one IAM role or user with cluster.mode=create (the role that runs pulumi up): access is by EKS access entries only, so nobody could use the cluster");
  }
  const both = c.cluster.adminPrincipalArns.filter((a) => c.cluster.viewerPrincipalArns.includes(a));
  if (both.length > 0) {
    fail("cluster.viewerPrincipalArns", c.cluster.viewerPrincipalArns, `must not repeat cluster.adminPrincipalArns (${both.join(", ")}): EKS takes one access entry per principal`);
  }
  // A DB subnet group must cover at least two availability zones: RDS refuses one with
  // DBSubnetGroupDoesNotCoverEnoughAZs ("Subnets in the DB subnet group should cover at least two Availability Zones
  // unless there is only one", the RDS API's error reference, e.g. docs.aws.amazon.com/sdk-for-python/v4/reference/
  // clients/rds/errors/DBSubnetGroupDoesNotCoverEnoughAZs). Two subnets is the least that can; the zones themselves
  // are only known to AWS (docs/verification.md).
  if (c.cluster.mode === ClusterMode.Existing && awsData && c.cluster.privateSubnetIds !== undefined && c.cluster.privateSubnetIds.length < 2) {
    fail("cluster.privateSubnetIds", c.cluster.privateSubnetIds, "must list at least two subnets, in different availability zones: RDS and ElastiCache subnet groups need two zones");
  }
  if (c.backup.enabled && c.cluster.mode === ClusterMode.Existing && c.cluster.oidcProviderArn === undefined) {
    fail("cluster.oidcProviderArn", undefined, "is required with backup.enabled on an existing cluster: the backup jobs reach S3 through an IRSA role");
  }
  budgetIssues(c).forEach((issue) => issues.push(issue));
  toolSandboxIssues(c.server).forEach((issue) => issues.push(issue));
  imageSourceIssues(c).forEach((issue) => issues.push(issue));
  telemetryBackendIssues(c).forEach((issue) => issues.push(issue));
  if (c.backup.objectLockDays > c.backup.retentionDays) {
    fail("backup.objectLockDays", c.backup.objectLockDays, `must not exceed backup.retentionDays (${c.backup.retentionDays}): a locked object cannot expire`);
  }
  if (c.llm.azureApiKey !== undefined && c.llm.azureBaseUrl === undefined) {
    fail("llm.azureBaseUrl", undefined, "is required when llm.azureApiKey is set");
  }
  if (c.ingress.enabled) {
    if (c.ingress.host === undefined) fail("ingress.host", undefined, "is required when the ingress is enabled");
    if (c.ingress.className === "alb" && c.ingress.certificateArn === undefined) {
      fail("ingress.certificateArn", undefined, "is required with the alb ingress class: TLS terminates at the load balancer");
    }
    if (c.ingress.className !== "alb" && c.ingress.clusterIssuer === undefined) {
      fail("ingress.clusterIssuer", undefined, `is required with ingress class ${c.ingress.className}: cert-manager issues the TLS certificate`);
    }
  }
  for (const key of ["waf", "accessLogs", "deletionProtection"] as const) {
    // Only the ALB class has these; true elsewhere would promise a protection nothing provides.
    if (c.ingress[key] && !(c.ingress.enabled && c.ingress.className === "alb")) {
      fail(`ingress.${key}`, true, `needs an enabled ingress of class alb (it is ${c.ingress.enabled ? c.ingress.className : "disabled"}): only the AWS Load Balancer Controller applies it`);
    }
  }

  if (c.database.mode === DatabaseMode.Rds && !c.backup.enabled) {
    fail("backup.enabled", false, "must be true with database.mode=rds: the bootstrap Job reads the RDS-managed admin password with the backup image's AWS CLI and IRSA (docs/decisions/0116)");
  }

  if (prod) {
    if (!c.ingress.enabled) fail("ingress.enabled", false, "must be true when environment=prod: only dev may run without an ingress");
    if (c.server.minReplicas < 2) fail("server.minReplicas", c.server.minReplicas, "must be at least 2 when environment=prod (one pod is a single point of failure)");
    if (c.database.mode === DatabaseMode.StatefulSet && !c.database.allowInClusterInProd) {
      fail("database.mode", c.database.mode, "statefulset is refused when environment=prod; use rds, or set database.allowInClusterInProd=true to accept it");
    }
    if (c.cache.mode === CacheMode.InCluster && !c.cache.allowInClusterInProd) {
      fail("cache.mode", c.cache.mode, "in-cluster is refused when environment=prod; use elasticache, or set cache.allowInClusterInProd=true to accept it");
    }
    if (c.database.mode === DatabaseMode.Rds && c.database.backupRetentionDays < 7) {
      fail("database.backupRetentionDays", c.database.backupRetentionDays, "must be at least 7 when environment=prod");
    }
    const broad = c.cluster.publicAccessCidrs.filter((cidr) => Number(cidr.split("/")[1]) < 16);
    if (broad.length > 0) {
      fail("cluster.publicAccessCidrs", c.cluster.publicAccessCidrs, `must list only /16 or narrower ranges when environment=prod, not ${broad.join(", ")}: name the egress ranges that need the API`);
    }
  }
  return issues;
}

/** The AWS region of the ARN (arn:partition:service:region:account:resource), if it has one. */
function arnRegion(value: string): string | undefined {
  return value.split(":")[3] || undefined;
}

/** Checks that need a setting outside this schema: the AWS provider's `aws:region`. */
export function regionIssues(c: PlatformConfig, awsRegion: string | undefined): Issue[] {
  const issues: Issue[] = [];
  if (awsRegion === undefined) return issues;
  // An ALB only takes an ACM certificate from its own region (a CloudFront-style us-east-1 certificate does not do).
  const certificateRegion = c.ingress.certificateArn === undefined ? undefined : arnRegion(c.ingress.certificateArn);
  if (c.ingress.enabled && c.ingress.className === "alb" && certificateRegion !== undefined && certificateRegion !== awsRegion) {
    issues.push({ path: ["ingress", "certificateArn"], input: c.ingress.certificateArn, message: `is a certificate of ${certificateRegion}, but the stack runs in aws:region ${awsRegion}: the load balancer only takes a certificate of its own region; request or import it in ${awsRegion}` });
  }
  issues.push(...imageRegionIssues(c, awsRegion));
  if (c.backup.replicationRegion !== undefined && c.backup.replicationRegion === awsRegion) {
    issues.push({ path: ["backup", "replicationRegion"], input: c.backup.replicationRegion, message: `must differ from aws:region (${awsRegion}): a replica in the same region survives no regional outage` });
  }
  return issues;
}

/**
 * Settings that do nothing in the mode the config chose: [key, whether it has an effect, the mode that ignores it].
 * Only keys the user set are reported (a default never warns).
 */
const EFFECTIVE_WHEN: [string, (c: PlatformConfig) => boolean, (c: PlatformConfig) => string][] = [
  // Not cluster.kubernetesVersion: it also picks the Pod Security Standards version of the namespace.
  ...["availabilityZones", "publicAccessCidrs", "nodeInstanceTypes", "nodeMinSize", "nodeDesiredSize", "nodeMaxSize"].map(
    (k): [string, (c: PlatformConfig) => boolean, (c: PlatformConfig) => string] => [`cluster.${k}`, (c) => c.cluster.mode === ClusterMode.Create, () => "cluster.mode=existing (the cluster is not created here)"]),
  ...["kubeconfig", "oidcProviderArn", "oidcIssuerUrl", "vpcId", "privateSubnetIds", "nodeSecurityGroupId"].map(
    (k): [string, (c: PlatformConfig) => boolean, (c: PlatformConfig) => string] => [`cluster.${k}`, (c) => c.cluster.mode === ClusterMode.Existing, () => "cluster.mode=create (the created cluster provides it)"]),
  ...["instanceClass", "allocatedStorageGb", "maxAllocatedStorageGb", "multiAz", "deletionProtection", "backupRetentionDays", "port"].map(
    (k): [string, (c: PlatformConfig) => boolean, (c: PlatformConfig) => string] => [`database.${k}`, (c) => c.database.mode === DatabaseMode.Rds, () => "database.mode=statefulset (RDS only)"]),
  // Not database.image: the bootstrap and migration Jobs run it as their client in both modes.
  ...["maxConnections", "storageSize"].map(
    (k): [string, (c: PlatformConfig) => boolean, (c: PlatformConfig) => string] => [`database.${k}`, (c) => c.database.mode === DatabaseMode.StatefulSet, () => "database.mode=rds (in-cluster StatefulSet only)"]),
  ["database.allowInClusterInProd", (c) => c.environment === Environment.Prod && c.database.mode === DatabaseMode.StatefulSet, (c) => c.environment !== Environment.Prod ? `environment=${c.environment} (it only lifts a prod refusal)` : "database.mode=rds"],
  ...["engine", "engineVersion", "nodeType", "numNodes", "automaticFailover", "snapshotRetentionDays", "tlsProxyImage"].map(
    (k): [string, (c: PlatformConfig) => boolean, (c: PlatformConfig) => string] => [`cache.${k}`, (c) => c.cache.mode === CacheMode.ElastiCache, () => "cache.mode=in-cluster (ElastiCache only)"]),
  ["cache.image", (c) => c.cache.mode === CacheMode.InCluster, () => "cache.mode=elasticache (in-cluster Redis only)"],
  ["cache.allowInClusterInProd", (c) => c.environment === Environment.Prod && c.cache.mode === CacheMode.InCluster, (c) => c.environment !== Environment.Prod ? `environment=${c.environment} (it only lifts a prod refusal)` : "cache.mode=elasticache"],
  ...["host", "className", "certificateArn", "clusterIssuer", "controllerNamespace"].map(
    (k): [string, (c: PlatformConfig) => boolean, (c: PlatformConfig) => string] => [`ingress.${k}`, (c) => c.ingress.enabled, () => "ingress.enabled=false"]),
  ["ingress.certificateArn", (c) => !c.ingress.enabled || c.ingress.className === "alb", (c) => `ingress class ${c.ingress.className} (cert-manager issues the certificate; only alb takes an ACM one)`],
  ["ingress.clusterIssuer", (c) => !c.ingress.enabled || c.ingress.className !== "alb", () => "the alb ingress class (TLS terminates at the load balancer with ingress.certificateArn)"],
  ["ingress.controllerNamespace", (c) => !c.ingress.enabled || c.ingress.className !== "alb", () => "the alb ingress class (no controller pods reach the server)"],
  ...["schedule", "retentionDays", "objectLockDays", "restoreDrillSchedule", "replicationRegion", "image"].map(
    (k): [string, (c: PlatformConfig) => boolean, (c: PlatformConfig) => string] => [`backup.${k}`, (c) => c.backup.enabled, () => "backup.enabled=false"]),
  ...["monitorLabel"].map(
    (k): [string, (c: PlatformConfig) => boolean, (c: PlatformConfig) => string] => [`observability.${k}`, (c) => c.observability.prometheusOperator, () => "observability.prometheusOperator=false (no ServiceMonitor or PrometheusRule to label)"]),
  ["observability.postgresExporterImage", (c) => c.database.mode === DatabaseMode.StatefulSet, () => "database.mode=rds (RDS metrics come through YACE)"],
  ...["awsAccountId", "dockerHubCredentialArn"].map(
    (k): [string, (c: PlatformConfig) => boolean, (c: PlatformConfig) => string] => [`image.${k}`, (c) => c.image.pullThroughCache, () => "image.pullThroughCache=false (no cache rule is created)"]),
];

/** One warning per key the user set that has no effect with the chosen modes, naming the key and the mode. */
export function ineffectiveSettings(c: PlatformConfig, setKeys: ReadonlySet<string>): { key: string; message: string }[] {
  const warnings: { key: string; message: string }[] = [];
  const reported = new Set<string>();
  for (const [key, effective, ignoredBy] of EFFECTIVE_WHEN) {
    if (!setKeys.has(key) || reported.has(key) || effective(c)) continue;
    reported.add(key);
    warnings.push({ key, message: `has no effect with ${ignoredBy(c)}; remove it, or change the mode it belongs to` });
  }
  return warnings;
}

/** The keys each telemetry backend needs, and keys of another backend that would silently do nothing. */
function telemetryBackendIssues(c: PlatformConfig): Issue[] {
  const o = c.observability;
  const issues: Issue[] = [];
  const need = (key: keyof typeof o, why: string): void => {
    if (o[key] === undefined) issues.push({ path: ["observability", key], input: undefined, message: `is required with observability.backend=${o.backend}: ${why}` });
  };
  if (o.backend === TelemetryBackend.ClickHouse) {
    need("clickhouseEndpoint", "where the collector inserts");
    need("clickhousePassword", "the collector never inserts without credentials");
  }
  if (o.backend === TelemetryBackend.Signoz) {
    need("signozEndpoint", "where the collector sends");
    const endpoint = o.signozEndpoint === undefined ? undefined : parseTelemetryEndpoint(o.signozEndpoint, "otlp");
    if (typeof endpoint === "object" && !endpoint.clusterLocal) need("signozIngestionKey", "Signoz outside the cluster refuses data without it");
  }
  if (o.backend === TelemetryBackend.Otlp) need("otlpEndpoint", "where the collector sends");
  const owners: [keyof typeof o, TelemetryBackend][] = [
    ["clickhouseEndpoint", TelemetryBackend.ClickHouse], ["clickhousePassword", TelemetryBackend.ClickHouse],
    ["signozEndpoint", TelemetryBackend.Signoz], ["signozIngestionKey", TelemetryBackend.Signoz],
    ["otlpEndpoint", TelemetryBackend.Otlp], ["otlpHeaderValue", TelemetryBackend.Otlp],
  ];
  for (const [key, backend] of owners) {
    if (o[key] !== undefined && o.backend !== backend) {
      issues.push({ path: ["observability", key], input: o[key], message: `has no effect unless observability.backend=${backend} (it is ${o.backend}); set the backend, or remove the key` });
    }
  }
  return issues;
}

/** The connection budget: refuse a config whose worst case exceeds 80% of the database's max_connections. */
function budgetIssues(c: PlatformConfig): Issue[] {
  const rds = c.database.mode === DatabaseMode.Rds;
  const max = rds ? rdsMaxConnections(c.database.instanceClass) : c.database.maxConnections;
  if (max === undefined) {
    return [{ path: ["database", "instanceClass"], input: c.database.instanceClass, message: "has no known memory size, so the connection budget cannot be checked; use a db.t*, db.m*, db.r*, db.x* or db.z* class" }];
  }
  const worst = worstCaseConnections({ maxReplicas: c.server.maxReplicas, uvicornWorkers: c.server.uvicornWorkers, poolSize: c.database.poolSize, maxOverflow: c.database.maxOverflow });
  const allowed = Math.floor(max * BUDGET_SHARE);
  if (worst <= allowed) return [];
  const source = rds ? `max_connections ${max} of ${c.database.instanceClass}` : `database.maxConnections ${max}`;
  return [{
    path: ["database", "poolSize"], input: c.database.poolSize,
    message: `the worst case of ${worst} connections (server.maxReplicas ${c.server.maxReplicas} × server.uvicornWorkers ${c.server.uvicornWorkers} × (database.poolSize ${c.database.poolSize} + database.maxOverflow ${c.database.maxOverflow}) + ${JOB_CONNECTIONS} for jobs) exceeds ${allowed}, 80% of ${source}; lower those keys, or ${rds ? "choose a larger database.instanceClass" : "raise database.maxConnections"}`,
  }];
}

/** Raw values (as read from the stack) to the validated, defaulted configuration. */
export const platformConfigSchema = rawConfigSchema.transform(withEnvironmentDefaults).superRefine((config, ctx) => {
  for (const issue of crossFieldIssues(config)) ctx.addIssue({ code: "custom", ...issue });
});

/** What a program may pass to build a configuration: every key optional, as in a stack file. */
export type PlatformConfigInput = z.input<typeof rawConfigSchema>;
