import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterMode, ConfigError, DatabaseMode, toolSandboxEnv } from "../config";
import { EksCluster, ExistingCluster, amiTypeFor } from "../cluster";
import { InClusterRedis } from "../cache";
import { PostgresStatefulSet, RdsPostgres } from "../database";
import { PlatformSecrets, createKmsKey } from "../secrets";
import { ImageBuild, PullThroughCache, imageSource, neededUpstreams, registryAccount, withResolvedImages } from "../images";
import { AgentServer, EdgeProtection, agentServerSelector, lettaEnvironment, createNamespace, createPriorityClasses, createNetworkPolicies, createServerIngress, type Destination, type IngressSource } from "../workload";
import { COLLECTOR_PORTS } from "../observability";
import { awsServicesUsed } from "./aws-usage";
import { buildBackups, prepareBackups, type BackupBase, type Backups } from "./backups";
import { buildDataTier, type AwsNetwork } from "./data-tier";
import { buildObservability } from "./observability";
import type { AgentPlatformArgs } from "./args";
import { platformConfigOf } from "./settings";

export type { AgentPlatformArgs } from "./args";

/** LLM provider key config fields and the environment variables the server reads them from. */
const providerKeyEnv = {
  openaiApiKey: "OPENAI_API_KEY", anthropicApiKey: "ANTHROPIC_API_KEY", azureApiKey: "AZURE_API_KEY",
  geminiApiKey: "GEMINI_API_KEY", groqApiKey: "GROQ_API_KEY", togetherApiKey: "TOGETHER_API_KEY",
  deepseekApiKey: "DEEPSEEK_API_KEY", xaiApiKey: "XAI_API_KEY", openrouterApiKey: "OPENROUTER_API_KEY",
} as const;

// Kept off the instance's fields: Pulumi's schema inference reads every field as an output, and a union of two
// component classes has no schema type (see docs/decisions/0091-agent-platform-args.md).
const clusters = new WeakMap<AgentPlatform, EksCluster | ExistingCluster>();

/**
 * The whole platform for one agent server: cluster access, namespace, credentials, and (in their own components)
 * database, cache, workload, backups and observability. Every child's name derives from this instance's name, so
 * two instances in one program do not collide.
 */
export class AgentPlatform extends pulumi.ComponentResource {
  /** Namespace every Kubernetes object lives in. */
  public readonly namespace: pulumi.Output<string>;
  /** Kubernetes Secret with the server's credentials. */
  public readonly credentialsSecretName: pulumi.Output<string>;
  /** The server password (secret): clients send it as `Authorization: Bearer …`. */
  public readonly serverPassword: pulumi.Output<string>;
  /** ARNs of the Secrets Manager secrets, by purpose; empty when the stack uses no AWS. */
  public readonly secretArns: pulumi.Output<Record<string, string>>;
  /** AWS services this stack uses. */
  public readonly awsServices: pulumi.Output<string[]>;
  /** Kubeconfig of the cluster this platform created (secret); undefined with cluster.mode=existing. */
  public readonly kubeconfig: pulumi.Output<string | undefined>;
  /** Database host the server connects to (RDS address or the in-cluster Service). */
  public readonly databaseEndpoint: pulumi.Output<string>;
  /** Redis endpoint: the ElastiCache primary, or the in-cluster Service. */
  public readonly cacheEndpoint: pulumi.Output<string>;
  /** The server's ClusterIP Service. */
  public readonly serviceName: pulumi.Output<string>;
  /** The S3 bucket holding the logical backups, or undefined when backups are off. */
  public readonly backupBucket: pulumi.Output<string | undefined>;
  /** https://<ingress.host>/, or undefined when the stack has no ingress (dev). */
  public readonly url: pulumi.Output<string | undefined>;

  /** The cluster: an EksCluster (cluster.mode=create) or an ExistingCluster. TypeScript only (not in the schema). */
  public get cluster(): EksCluster | ExistingCluster {
    const cluster = clusters.get(this);
    if (!cluster) throw new Error("AgentPlatform.cluster read before the constructor set it");
    return cluster;
  }

  private set cluster(cluster: EksCluster | ExistingCluster) {
    clusters.set(this, cluster);
  }

  constructor(name: string, args: AgentPlatformArgs, opts: pulumi.ComponentResourceOptions = {}) {
    if (!/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/.test(name)) {
      throw new Error(`AgentPlatform name "${name}" must be 2-22 lower-case letters, digits or '-': it prefixes Kubernetes object names`);
    }
    // Validated before anything is registered: the same schema, defaults and messages as the stack config.
    const config = platformConfigOf(args);
    super("agent-platform:index:AgentPlatform", name, {}, opts);
    const services = awsServicesUsed(config);
    // Physical names (EKS cluster, log groups, KMS aliases, secrets) must differ between stacks of one account.
    const physical = `${name}-${pulumi.getStack()}`;

    let awsProvider: aws.Provider | undefined;
    let awsRegion: string | undefined;
    if (services.length > 0) {
      const region = args.awsRegion ?? new pulumi.Config("aws").get("region");
      awsRegion = region;
      if (region && config.backup.replicationRegion === region) {
        throw new ConfigError([{ key: "agent-platform:backup.replicationRegion", value: JSON.stringify(region), message: "must differ from aws:region: a replica in the same region survives no regional outage" }]);
      }
      if (!region) {
        throw new ConfigError([{ key: "aws:region", value: undefined, message: `is required: this stack uses AWS (${services.join(", ")}); run: pulumi config set aws:region <region>` }]);
      }
      awsProvider = new aws.Provider(`${name}-aws`, {
        region: region as aws.Region,
        defaultTags: { tags: { "app.kubernetes.io/part-of": "agent-platform", "agent-platform/instance": name, "agent-platform/environment": config.environment, ...args.tags } },
      }, { parent: this });
    }
    const awsOpts: pulumi.CustomResourceOptions = { parent: this, ...(awsProvider ? { provider: awsProvider } : {}) };

    // Where the cluster pulls images from (image.*): `pulled` names every image as that source serves it; `config`
    // keeps the upstream references (the base of a build).
    const source = imageSource(config, physical, awsRegion);
    const pulled = withResolvedImages(config, source);
    const registryAccountId = registryAccount(config);
    const cache = source.kind === "pull-through" && awsProvider && registryAccountId
      ? new PullThroughCache(`${name}-image-cache`, {
        namespace: source.namespace, upstreams: neededUpstreams(config), accountId: registryAccountId,
        ...(config.image.dockerHubCredentialArn ? { dockerHubCredentialArn: config.image.dockerHubCredentialArn } : {}),
      }, { parent: this, providers: [awsProvider] })
      : undefined;

    this.cluster = config.cluster.mode === ClusterMode.Create
      ? new EksCluster(`${name}-cluster`, {
        clusterName: physical,
        version: config.cluster.kubernetesVersion,
        region: awsRegion ?? "",
        vpcCidr: config.cluster.vpcCidr,
        zones: config.cluster.availabilityZones,
        publicAccessCidrs: config.cluster.publicAccessCidrs,
        nodeInstanceTypes: config.cluster.nodeInstanceTypes,
        nodeMinSize: config.cluster.nodeMinSize,
        nodeDesiredSize: config.cluster.nodeDesiredSize,
        nodeMaxSize: config.cluster.nodeMaxSize,
        deletionProtection: config.cluster.deletionProtection,
        adminPrincipalArns: config.cluster.adminPrincipalArns,
        viewerPrincipalArns: config.cluster.viewerPrincipalArns,
        ...(source.kind === "pull-through" ? { pullThroughCacheNamespace: source.namespace } : {}),
        ...(config.cluster.ciRunnerConnectionArn && config.cluster.ciRunnerRepository
          ? { ciRunner: { connectionArn: config.cluster.ciRunnerConnectionArn, repositoryUrl: config.cluster.ciRunnerRepository } } : {}),
      }, { parent: this, ...(awsProvider ? { providers: [awsProvider] } : {}) })
      : new ExistingCluster(`${name}-cluster`, {
        ...(config.cluster.kubeconfig ? { kubeconfig: config.cluster.kubeconfig } : {}),
        ...(config.cluster.oidcProviderArn ? { oidcProviderArn: config.cluster.oidcProviderArn } : {}),
        ...(config.cluster.oidcIssuerUrl ? { oidcIssuerUrl: config.cluster.oidcIssuerUrl } : {}),
      }, { parent: this });
    // A Kubernetes provider given in the resource options (`providers: { kubernetes: … }`, as every Pulumi language
    // can pass it) replaces the one the cluster section describes.
    const k8sProvider = this.getProvider("kubernetes::Provider") ?? this.cluster.provider;
    // Controllers the cluster runs that finalize (or mutate) objects the platform creates.
    const controllers = this.cluster instanceof EksCluster ? this.cluster.controllers : [];

    const namespace = createNamespace(`${name}-namespace`, {
      name: config.namespace, instance: name, podSecurityVersion: `v${config.cluster.kubernetesVersion}`, provider: k8sProvider,
      // With the ALB (target type ip), a new pod counts as ready only once the load balancer sees it healthy, so a
      // rolling update never removes the last registered target.
      ...(config.ingress.enabled && config.ingress.className === "alb" ? { extraLabels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } } : {}),
    }, { parent: this, dependsOn: cache ? Object.values(cache.rules) : [] });
    // Serving above telemetry above Jobs (docs/decisions/0110-priority-classes.md).
    const priorityClasses = createPriorityClasses(`${name}-priority`, { namespace: config.namespace, instance: name, provider: k8sProvider }, { parent: this });

    const providerKeys: Record<string, pulumi.Input<string>> = {};
    for (const [field, envName] of Object.entries(providerKeyEnv)) {
      const value = config.llm[field as keyof typeof providerKeyEnv];
      if (value !== undefined) providerKeys[envName] = value;
    }
    if (config.llm.azureBaseUrl) providerKeys.AZURE_BASE_URL = config.llm.azureBaseUrl;
    // The remote tool sandbox's credentials (server.toolSandbox) travel in the same Secret.
    Object.assign(providerKeys, toolSandboxEnv(config.server));

    const secretsKey = awsProvider ? createKmsKey(`${name}-secrets`, `${physical}-secrets`, `Encrypts the secrets of agent platform ${physical}`, awsOpts) : undefined;
    const secrets = new PlatformSecrets(`${name}-secrets`, {
      namespace: namespace.metadata.name,
      secretName: `${name}-server-credentials`,
      providerKeys,
      passwordVersion: config.server.passwordVersion,
      ...(secretsKey ? { awsSecretsManager: { kmsKeyArn: secretsKey.arn, namePrefix: physical } } : {}),
      kubernetesProvider: k8sProvider,
    }, { parent: this, ...(awsProvider ? { providers: [awsProvider] } : {}) });

    // Images built by the stack (the server's with image.build, the backup image) match the nodes' architecture.
    const platform = amiTypeFor(config.cluster.nodeInstanceTypes).includes("ARM") ? "linux/arm64" : "linux/amd64";
    // With image.build, the server and its migrations run the digest of the image built from server.image.
    let serverImage: pulumi.Input<string> = pulled.server.image;
    if (config.image.build && secretsKey) {
      const build = new ImageBuild(`${name}-image`, {
        repositoryName: `${physical}-server`, dockerfileDir: "server", buildArgs: { BASE_IMAGE: config.server.image }, kmsKeyArn: secretsKey.arn,
        platform,
      }, { parent: this, ...(awsProvider ? { providers: [awsProvider] } : {}) });
      serverImage = build.imageDigestRef;
    }

    let network: AwsNetwork | undefined;
    if (this.cluster instanceof EksCluster) {
      network = { vpcId: this.cluster.vpcId, privateSubnetIds: this.cluster.privateSubnetIds, clientSecurityGroupId: this.cluster.clusterSecurityGroupId };
    } else if (config.cluster.vpcId && config.cluster.privateSubnetIds && config.cluster.nodeSecurityGroupId) {
      network = { vpcId: config.cluster.vpcId, privateSubnetIds: config.cluster.privateSubnetIds, clientSecurityGroupId: config.cluster.nodeSecurityGroupId };
    }
    // IRSA for the backup jobs and, on RDS, for the bootstrap Job that reads the RDS-managed admin secret; the backup
    // image (its AWS CLI) runs in both, so the bucket and the image come before the data tier.
    const oidcArn = this.cluster instanceof EksCluster ? this.cluster.oidcProviderArn : config.cluster.oidcProviderArn;
    const oidcUrl = this.cluster instanceof EksCluster ? this.cluster.oidcIssuerUrl : config.cluster.oidcIssuerUrl;
    const backupBase: BackupBase | undefined = config.backup.enabled && awsProvider && awsRegion
      ? prepareBackups(this, { instance: name, physicalName: physical, config: pulled, awsProvider, platform })
      : undefined;
    // The schema refuses database.mode=rds without backup.enabled; this guards programmatic use.
    if (config.database.mode === DatabaseMode.Rds && !backupBase) throw new Error("database.mode=rds needs the backup image: backup.enabled and the AWS provider");
    if (backupBase && (oidcArn === undefined || oidcUrl === undefined)) throw new Error("backups and the RDS admin secret need the cluster's OIDC provider (IRSA)");
    const oidc = oidcArn !== undefined && oidcUrl !== undefined ? { providerArn: oidcArn, issuerUrl: oidcUrl } : undefined;

    const data = buildDataTier(this, {
      instance: name, physicalName: physical, config: pulled, namespace: namespace.metadata.name, provider: k8sProvider,
      ...(network ? { network } : {}),
      ...(this.cluster instanceof EksCluster ? { storageClassName: "gp3-encrypted" } : {}),
      awsOpts: { parent: this, ...(awsProvider ? { providers: [awsProvider] } : {}) },
      serverImage,
      credentialsSecretName: secrets.secretName, priorityClasses,
      ...(secretsKey ? { secretsKmsKeyArn: secretsKey.arn } : {}),
      ...(config.database.mode === DatabaseMode.Rds && backupBase && oidc && awsRegion ? { adminSecretReader: { image: backupBase.image, oidc, region: awsRegion } } : {}),
    });

    const postgresPods = { "app.kubernetes.io/instance": name, "app.kubernetes.io/name": "postgres" };
    const vpcCidr = this.cluster instanceof EksCluster ? this.cluster.vpcCidr : config.cluster.vpcCidr;
    const observability = buildObservability(this, {
      privateNetwork: vpcCidr,
      instance: name, physicalName: physical, config: pulled, namespace: namespace.metadata.name, provider: k8sProvider, priorityClasses,
      serverSelector: agentServerSelector(name),
      ...(data.database instanceof PostgresStatefulSet
        ? { inClusterDatabase: { endpoint: data.endpoint, selector: postgresPods, clientImage: pulled.database.image, dependsOn: [data.jobs.bootstrap] } }
        : {}),
    });

    const server = new AgentServer(`${name}-server`, {
      namespace: namespace.metadata.name, instance: name, image: serverImage,
      resources: { cpuRequest: config.server.cpuRequest, memoryRequest: config.server.memoryRequest, cpuLimit: config.server.cpuLimit, memoryLimit: config.server.memoryLimit },
      autoscaling: { minReplicas: config.server.minReplicas, maxReplicas: config.server.maxReplicas, cpuTargetPercent: config.server.cpuTargetPercent, memoryTargetPercent: config.server.memoryTargetPercent },
      credentialsSecret: { name: secrets.secretName, keys: secrets.secretKeys },
      // Env from a Secret is read at container start: a new generation of either password restarts the pods.
      podAnnotations: { "agent-platform/password-generations": `server-${config.server.passwordVersion}.app-${config.database.appPasswordVersion}` },
      databaseSecretName: data.jobs.appSecretName,
      pool: { size: config.database.poolSize, maxOverflow: config.database.maxOverflow, uvicornWorkers: config.server.uvicornWorkers },
      redis: data.redis,
      ...(data.sidecars ? { sidecars: data.sidecars } : {}),
      clientLabels: data.clientLabels,
      telemetry: { otlpEndpoint: observability.collector.otlpGrpcEndpoint, environmentName: config.environment },
      environmentLabel: lettaEnvironment(config.environment),
      logWatch: { image: pulled.observability.collectorImage, otlpEndpoint: observability.collector.otlpGrpcEndpoint },
      // After the load balancer controller too: its webhook adds the ALB readiness gate to the server's pods only once
      // it runs (failurePolicy Ignore: aws-load-balancer-controller@v2.13.4:helm/aws-load-balancer-controller/values.yaml:444).
      dependsOn: [data.jobs.migrations, ...controllers],
      priorityClassName: priorityClasses.serving,
      provider: k8sProvider,
    }, { parent: this });

    let backups: Backups | undefined;
    if (backupBase && oidc && awsProvider && awsRegion) {
      backups = buildBackups(this, {
        instance: name, physicalName: physical, config: pulled, namespace: namespace.metadata.name, provider: k8sProvider, awsProvider, region: awsRegion,
        endpoint: data.endpoint, clientLabels: data.clientLabels, oidc, platform, base: backupBase,
        priorityClassName: priorityClasses.batch,
      });
    }
    this.backupBucket = backups ? backups.bucket : pulumi.output(undefined);

    const { ingress } = config;
    // Through an ALB: its subnets only (the public ones of a VPC this stack creates; the whole VPC for an existing
    // cluster, whose subnets the stack does not know).
    const albSources = this.cluster instanceof EksCluster ? this.cluster.publicSubnetCidrs : [vpcCidr];
    const ingressFrom: IngressSource = !ingress.enabled ? undefined : ingress.className === "alb" ? { cidrs: albSources } : { namespace: ingress.controllerNamespace };
    const inVpc = (inCluster: boolean, podLabels: Record<string, string>): Destination => (inCluster ? { podLabels } : { cidr: vpcCidr });
    createNetworkPolicies(`${name}-netpol`, {
      namespace: namespace.metadata.name, instance: name, serverSelector: server.selector, jobSelector: data.jobs.selector, serverPort: server.port,
      ingressFrom, privateNetwork: vpcCidr,
      ...(backups ? { backupSelector: { "app.kubernetes.io/instance": name, "app.kubernetes.io/component": "backup" } } : {}),
      ...(data.jobs.awsApiSelector ? { awsApiSelector: data.jobs.awsApiSelector } : {}),
      database: inVpc(data.database instanceof PostgresStatefulSet, postgresPods), databasePort: data.endpoint.port,
      cache: inVpc(data.cache instanceof InClusterRedis, { "app.kubernetes.io/instance": name, "app.kubernetes.io/name": "redis" }),
      collector: { podLabels: observability.collector.selector, ports: [COLLECTOR_PORTS.otlpGrpc, COLLECTOR_PORTS.otlpHttp] },
      provider: k8sProvider,
    }, { parent: this });

    // The ALB's WAF web ACL and access-log bucket, in the ALB's region; the controller attaches them (annotations).
    const edge = (ingress.waf || ingress.accessLogs) && awsProvider && awsRegion
      ? new EdgeProtection(`${name}-edge`, {
        physicalName: physical, region: awsRegion,
        ...(ingress.waf ? { waf: { rateLimitPerFiveMinutes: ingress.wafRateLimit } } : {}),
        ...(ingress.accessLogs ? { accessLogs: { retentionDays: ingress.accessLogRetentionDays } } : {}),
      }, { parent: this, providers: [awsProvider] })
      : undefined;

    if (ingress.enabled && ingress.host) {
      createServerIngress(`${name}-ingress`, {
        namespace: namespace.metadata.name, instance: name, host: ingress.host, className: ingress.className, serviceName: server.serviceName,
        healthPath: "/v1/health/",
        ...(ingress.certificateArn ? { certificateArn: ingress.certificateArn } : {}),
        ...(ingress.clusterIssuer ? { clusterIssuer: ingress.clusterIssuer } : {}),
        ...(ingress.className === "alb"
          ? { edge: { webAclArn: edge?.webAclArn, accessLogBucket: edge?.accessLogBucket, deletionProtection: ingress.deletionProtection } }
          : {}),
        provider: k8sProvider,
      // And on the controllers that finalize it: on destroy the Ingress goes first, while the load balancer controller
      // still runs to delete the ALB and clear the finalizer (else the ALB, its security groups and the VPC are stuck).
      // The ALB checks it may write to the log bucket when the controller sets the attribute: its policy first.
      }, { parent: this, dependsOn: [server, ...controllers, ...(edge ? [edge] : [])] });
    }

    this.url = pulumi.output(ingress.enabled && ingress.host ? `https://${ingress.host}/` : undefined);

    this.databaseEndpoint = data.endpoint.host;
    this.cacheEndpoint = data.cacheEndpoint;
    this.serviceName = server.serviceName;
    this.namespace = namespace.metadata.name;
    this.credentialsSecretName = secrets.secretName;
    this.serverPassword = secrets.serverPassword;
    const adminArn = data.database instanceof RdsPostgres ? data.database.adminSecretArn : pulumi.output(undefined);
    this.secretArns = pulumi.all([secrets.secretArn, adminArn, data.jobs.appSecretArn]).apply(([server, databaseAdmin, databaseApp]) => {
      const arns: Record<string, string> = {};
      if (server) arns.server = server;
      if (databaseAdmin) arns.databaseAdmin = databaseAdmin;
      if (databaseApp) arns.databaseApp = databaseApp;
      return arns;
    });
    this.awsServices = pulumi.output(services);
    this.kubeconfig = this.cluster instanceof EksCluster ? this.cluster.kubeconfig : pulumi.output(undefined);
    this.registerOutputs({
      url: this.url, backupBucket: this.backupBucket, databaseEndpoint: this.databaseEndpoint, cacheEndpoint: this.cacheEndpoint, serviceName: this.serviceName,
      kubeconfig: this.kubeconfig,
      namespace: this.namespace, credentialsSecretName: this.credentialsSecretName, serverPassword: this.serverPassword,
      secretArns: this.secretArns, awsServices: this.awsServices,
    });
  }

}
