// Bad stack configuration, as Pulumi hands it to the program (every value a string, lists as JSON), must be refused
// before anything is deployed: with the full key, the rejected value (never a secret's), and every problem at once.
import { describe, expect, it } from "vitest";
import { ConfigError, configKeys, parseStackConfig, type ConfigIssue, type PlatformConfig } from "../../components/config";
import { runStack } from "../support/harness";

const NS = "agent-platform";
const SECRET_KEYS = new Set(configKeys().filter((k) => k.secret).map((k) => k.key));
const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000";

/** A valid dev stack and a valid prod stack; each row changes a few keys of one of them. */
const BASES = {
  dev: { environment: "dev" },
  prod: { environment: "prod", "ingress.host": "agents.example.com", "ingress.certificateArn": CERT, "cluster.adminPrincipalArns": '["arn:aws:iam::123456789012:role/deploy"]', "image.dockerHubCredentialArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf" },
} as const satisfies Record<string, Record<string, string>>;

interface BadRow {
  /** What is wrong, for the test name. */
  why: string;
  base: keyof typeof BASES;
  /** Keys (without namespace) set on top of the base, as the raw strings Pulumi passes. */
  set: Record<string, string>;
  /** The one key (without namespace) every issue must name. */
  key: string;
  /** The rejected value exactly as the error renders it after `key = `; null when the key is missing. */
  shown: string | null;
  /** Text the message must also contain (a hint, the rule). */
  says?: string;
  /** Keys set with --secret. */
  secretKeys?: string[];
  /** A secret value that must not appear anywhere in the message. */
  leaks?: string;
}

const rows: BadRow[] = [
  // Replica bounds and HPA targets.
  { why: "minReplicas 0", base: "dev", set: { "server.minReplicas": "0" }, key: "server.minReplicas", shown: "0" },
  { why: "minReplicas above maxReplicas", base: "dev", set: { "server.minReplicas": "5", "server.maxReplicas": "3" }, key: "server.minReplicas", shown: "5", says: "must not exceed server.maxReplicas (3)" },
  { why: "minReplicas not a number", base: "dev", set: { "server.minReplicas": "two" }, key: "server.minReplicas", shown: '"two"', says: "expected a whole number" },
  { why: "minReplicas not whole", base: "dev", set: { "server.minReplicas": "1.5" }, key: "server.minReplicas", shown: '"1.5"', says: "expected a whole number" },
  { why: "maxReplicas above 100", base: "dev", set: { "server.maxReplicas": "101" }, key: "server.maxReplicas", shown: "101" },
  { why: "HPA CPU target 0", base: "dev", set: { "server.cpuTargetPercent": "0" }, key: "server.cpuTargetPercent", shown: "0" },
  { why: "HPA memory target 150", base: "dev", set: { "server.memoryTargetPercent": "150" }, key: "server.memoryTargetPercent", shown: "150" },
  { why: "HPA CPU target not a number", base: "dev", set: { "server.cpuTargetPercent": "abc" }, key: "server.cpuTargetPercent", shown: '"abc"' },
  // Resource quantities.
  { why: "CPU with an unknown unit", base: "dev", set: { "server.cpuRequest": "250x" }, key: "server.cpuRequest", shown: '"250x"', says: "expected a CPU quantity such as 250m" },
  { why: "CPU zero", base: "dev", set: { "server.cpuLimit": "0" }, key: "server.cpuLimit", shown: '"0"', says: "greater than zero" },
  { why: "memory without a unit", base: "dev", set: { "server.memoryRequest": "512" }, key: "server.memoryRequest", shown: '"512"', says: "with a unit" },
  { why: "memory in GB", base: "dev", set: { "server.memoryLimit": "1GB" }, key: "server.memoryLimit", shown: '"1GB"' },
  { why: "CPU request above limit", base: "dev", set: { "server.cpuRequest": "2", "server.cpuLimit": "1500m" }, key: "server.cpuRequest", shown: '"2"', says: "must not exceed server.cpuLimit (1500m)" },
  { why: "memory request above limit", base: "dev", set: { "server.memoryRequest": "2Gi", "server.memoryLimit": "1Gi" }, key: "server.memoryRequest", shown: '"2Gi"', says: "must not exceed server.memoryLimit (1Gi)" },
  { why: "storage size in GB", base: "dev", set: { "database.storageSize": "20GB" }, key: "database.storageSize", shown: '"20GB"' },
  // Instance classes and node types.
  { why: "RDS class without db. prefix", base: "prod", set: { "database.instanceClass": "t4g.medium" }, key: "database.instanceClass", shown: '"t4g.medium"' },
  { why: "RDS class without size", base: "prod", set: { "database.instanceClass": "db.t4g" }, key: "database.instanceClass", shown: '"db.t4g"' },
  { why: "cache node type without cache. prefix", base: "prod", set: { "cache.nodeType": "t4g.small" }, key: "cache.nodeType", shown: '"t4g.small"' },
  { why: "EC2 node type without family", base: "prod", set: { "cluster.nodeInstanceTypes": '["m6i.large","large"]' }, key: "cluster.nodeInstanceTypes", shown: '"large"' },
  { why: "no node type at all", base: "prod", set: { "cluster.nodeInstanceTypes": "[]" }, key: "cluster.nodeInstanceTypes", shown: "[]", says: "at least one instance type" },
  { why: "node desired size outside min..max", base: "prod", set: { "cluster.nodeMinSize": "4", "cluster.nodeDesiredSize": "3" }, key: "cluster.nodeDesiredSize", shown: "3" },
  // CIDRs.
  { why: "prefix length 33", base: "prod", set: { "cluster.vpcCidr": "10.0.0.0/33" }, key: "cluster.vpcCidr", shown: '"10.0.0.0/33"' },
  { why: "host bits set", base: "prod", set: { "cluster.vpcCidr": "10.0.0.1/16" }, key: "cluster.vpcCidr", shown: '"10.0.0.1/16"', says: "must be zero" },
  { why: "not a CIDR", base: "prod", set: { "cluster.vpcCidr": "not-a-cidr" }, key: "cluster.vpcCidr", shown: '"not-a-cidr"' },
  { why: "a /8 VPC", base: "prod", set: { "cluster.vpcCidr": "10.0.0.0/8" }, key: "cluster.vpcCidr", shown: '"10.0.0.0/8"', says: "/16 to /20" },
  { why: "public access CIDR with host bits", base: "prod", set: { "cluster.publicAccessCidrs": '["203.0.113.7/24"]' }, key: "cluster.publicAccessCidrs", shown: '"203.0.113.7/24"' },
  // Cron schedules.
  { why: "weekday 7, which Kubernetes refuses", base: "dev", set: { "backup.schedule": "0 0 * * 7" }, key: "backup.schedule", shown: '"0 0 * * 7"', says: "day of week allows 0-6" },
  { why: "cron L, which Kubernetes refuses", base: "dev", set: { "backup.schedule": "0 0 L * *" }, key: "backup.schedule", shown: '"0 0 L * *"', says: "day of month allows 1-31" },
  { why: "cron #, which Kubernetes refuses", base: "dev", set: { "backup.restoreDrillSchedule": "0 3 * * 1#2" }, key: "backup.restoreDrillSchedule", shown: '"0 3 * * 1#2"', says: "Kubernetes accepts" },
  { why: "Jenkins H in cron", base: "dev", set: { "backup.schedule": "H 3 * * *" }, key: "backup.schedule", shown: '"H 3 * * *"', says: "minute allows 0-59" },
  { why: "four cron fields", base: "dev", set: { "backup.schedule": "0 3 * *" }, key: "backup.schedule", shown: '"0 3 * *"', says: "five cron fields" },
  { why: "minute 61", base: "dev", set: { "backup.schedule": "61 * * * *" }, key: "backup.schedule", shown: '"61 * * * *"' },
  { why: "@every is not a CronJob schedule", base: "dev", set: { "backup.restoreDrillSchedule": "@every 1h" }, key: "backup.restoreDrillSchedule", shown: '"@every 1h"' },
  // Retention days.
  { why: "RDS backup retention 0", base: "dev", set: { "database.backupRetentionDays": "0" }, key: "database.backupRetentionDays", shown: "0" },
  { why: "RDS backup retention 36", base: "dev", set: { "database.backupRetentionDays": "36" }, key: "database.backupRetentionDays", shown: "36" },
  { why: "S3 backup retention 0", base: "dev", set: { "backup.retentionDays": "0" }, key: "backup.retentionDays", shown: "0" },
  // Enums.
  { why: "database mode mysql", base: "dev", set: { "database.mode": "mysql" }, key: "database.mode", shown: '"mysql"', says: '"rds"|"statefulset"' },
  { why: "cache mode memcached", base: "dev", set: { "cache.mode": "memcached" }, key: "cache.mode", shown: '"memcached"' },
  { why: "cluster mode managed", base: "dev", set: { "cluster.mode": "managed" }, key: "cluster.mode", shown: '"managed"' },
  { why: "environment production", base: "dev", set: { environment: "production" }, key: "environment", shown: '"production"' },
  { why: "PostgreSQL 15", base: "dev", set: { "database.engineVersion": "15" }, key: "database.engineVersion", shown: '"15"' },
  // Pinned images.
  { why: "image tag latest", base: "dev", set: { "server.image": "letta/letta:latest" }, key: "server.image", shown: '"letta/letta:latest"', says: "moves" },
  { why: "image without tag", base: "dev", set: { "server.image": "letta/letta" }, key: "server.image", shown: '"letta/letta"', says: "pinned" },
  { why: "image with upper case", base: "dev", set: { "server.image": "Letta/Letta:1" }, key: "server.image", shown: '"Letta/Letta:1"' },
  { why: "pgvector image latest", base: "dev", set: { "database.image": "pgvector/pgvector:latest" }, key: "database.image", shown: '"pgvector/pgvector:latest"' },
  // Types Pulumi passes as strings.
  { why: "boolean yes", base: "dev", set: { "ingress.enabled": "yes" }, key: "ingress.enabled", shown: '"yes"', says: "expected true or false" },
  { why: "list given as a plain string", base: "prod", set: { "cluster.nodeInstanceTypes": "m6i.large" }, key: "cluster.nodeInstanceTypes", shown: '"m6i.large"', says: "expected a list; write it in the stack file as a YAML list" },
  { why: "namespace not a DNS label", base: "dev", set: { namespace: "Agent_Platform" }, key: "namespace", shown: '"Agent_Platform"' },
  // Unknown keys and secrets.
  { why: "typo in a key", base: "dev", set: { "databse.mode": "rds" }, key: "databse.mode", shown: null, says: `did you mean ${NS}:database.mode?` },
  { why: "secret set in plain text", base: "dev", set: { "llm.openaiApiKey": "sk-live-plaintext-0123456789" }, key: "llm.openaiApiKey", shown: "[secret]", says: "pulumi config set --secret llm.openaiApiKey", leaks: "sk-live-plaintext-0123456789" },
  { why: "kubeconfig set in plain text", base: "dev", set: { "cluster.kubeconfig": "apiVersion: v1 # token s3cr3t-kube" }, key: "cluster.kubeconfig", shown: "[secret]", leaks: "s3cr3t-kube" },
  { why: "secret with surrounding white space", base: "dev", set: { "llm.anthropicApiKey": " sk-ant-padded-secret " }, secretKeys: ["llm.anthropicApiKey"], key: "llm.anthropicApiKey", shown: "[secret]", leaks: "sk-ant-padded-secret" },
  { why: "Azure key without base URL", base: "dev", set: { "llm.azureApiKey": "azure-key-value" }, secretKeys: ["llm.azureApiKey"], key: "llm.azureBaseUrl", shown: null, says: "is required when llm.azureApiKey is set", leaks: "azure-key-value" },
  // Production invariants (the prod base has its ingress host and certificate, so only the row's rule fails).
  { why: "prod with the in-cluster database", base: "prod", set: { "database.mode": "statefulset" }, key: "database.mode", shown: '"statefulset"', says: "database.allowInClusterInProd" },
  { why: "prod with the in-cluster cache", base: "prod", set: { "cache.mode": "in-cluster" }, key: "cache.mode", shown: '"in-cluster"', says: "cache.allowInClusterInProd" },
  { why: "prod with one replica", base: "prod", set: { "server.minReplicas": "1" }, key: "server.minReplicas", shown: "1", says: "at least 2 when environment=prod" },
  { why: "prod without ingress", base: "prod", set: { "ingress.enabled": "false" }, key: "ingress.enabled", shown: "false", says: "must be true when environment=prod" },
  { why: "prod API open to the internet", base: "prod", set: { "cluster.publicAccessCidrs": '["203.0.113.0/24","0.0.0.0/0"]' }, key: "cluster.publicAccessCidrs", shown: '["203.0.113.0/24","0.0.0.0/0"]', says: "must list only /16 or narrower ranges when environment=prod, not 0.0.0.0/0" },
  { why: "prod API open to the internet in two halves", base: "prod", set: { "cluster.publicAccessCidrs": '["0.0.0.0/1","128.0.0.0/1"]' }, key: "cluster.publicAccessCidrs", shown: '["0.0.0.0/1","128.0.0.0/1"]', says: "not 0.0.0.0/1, 128.0.0.0/1" },
  { why: "object lock longer than retention", base: "dev", set: { "backup.objectLockDays": "60", "backup.retentionDays": "30" }, key: "backup.objectLockDays", shown: "60", says: "must not exceed backup.retentionDays (30)" },
  { why: "certificate ARN without a region", base: "prod", set: { "ingress.certificateArn": "arn:aws:acm::123456789012:certificate/x" }, key: "ingress.certificateArn", shown: '"arn:aws:acm::123456789012:certificate/x"', says: "expected an ARN such as" },
  { why: "a value set with --secret on a plain key is masked", base: "dev", set: { "database.instanceClass": "hunter2-secret" }, secretKeys: ["database.instanceClass"], key: "database.instanceClass", shown: "[secret]", leaks: "hunter2-secret" },
  { why: "prod RDS retention under 7 days", base: "prod", set: { "database.backupRetentionDays": "5" }, key: "database.backupRetentionDays", shown: "5", says: "at least 7 when environment=prod" },
  // Rules across keys.
  { why: "one cache node with automatic failover", base: "dev", set: { "cluster.mode": "create", "cluster.adminPrincipalArns": '["arn:aws:iam::123456789012:role/deploy"]', "image.pullThroughCache": "false", "cache.mode": "elasticache", "cache.numNodes": "1", "cache.automaticFailover": "true" }, key: "cache.numNodes", shown: "1", says: "failover needs a replica" },
  { why: "RDS storage ceiling below initial size", base: "prod", set: { "database.allocatedStorageGb": "100", "database.maxAllocatedStorageGb": "50" }, key: "database.maxAllocatedStorageGb", shown: "50" },
  { why: "OIDC provider ARN without issuer URL", base: "dev", set: { "cluster.oidcProviderArn": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC" }, key: "cluster.oidcIssuerUrl", shown: null, says: "together, or neither" },
  { why: "ingress enabled without host", base: "dev", set: { "ingress.enabled": "true", "ingress.clusterIssuer": "letsencrypt" }, key: "ingress.host", shown: null, says: "is required when the ingress is enabled" },
  { why: "ingress host with a scheme", base: "dev", set: { "ingress.host": "https://agents.example.com" }, key: "ingress.host", shown: '"https://agents.example.com"', says: "no scheme" },
  { why: "ingress host in upper case", base: "dev", set: { "ingress.host": "Agents.Example.com" }, key: "ingress.host", shown: '"Agents.Example.com"', says: "lower case" },
  { why: "alb ingress without certificate", base: "dev", set: { "ingress.enabled": "true", "ingress.host": "agents.example.com", "ingress.className": "alb" }, key: "ingress.certificateArn", shown: null, says: "is required with the alb ingress class" },
  { why: "nginx ingress without cluster issuer", base: "dev", set: { "ingress.enabled": "true", "ingress.host": "agents.example.com" }, key: "ingress.clusterIssuer", shown: null, says: "is required with ingress class nginx" },
  { why: "certificate ARN of another service", base: "prod", set: { "ingress.certificateArn": "arn:aws:iam::123456789012:server-certificate/agents" }, key: "ingress.certificateArn", shown: '"arn:aws:iam::123456789012:server-certificate/agents"' },
  // Observability: the telemetry backend and its endpoint (fail early, naming the key).
  { why: "clickhouse backend without endpoint", base: "dev", set: { "observability.backend": "clickhouse", "observability.clickhousePassword": "ch-secret-value" }, secretKeys: ["observability.clickhousePassword"], key: "observability.clickhouseEndpoint", shown: null, says: "is required with observability.backend=clickhouse", leaks: "ch-secret-value" },
  { why: "clickhouse backend without password", base: "dev", set: { "observability.backend": "clickhouse", "observability.clickhouseEndpoint": "https://clickhouse.example.com:8443" }, key: "observability.clickhousePassword", shown: null, says: "never inserts without credentials" },
  { why: "clickhouse native protocol in clear text over the network", base: "dev", set: { "observability.backend": "clickhouse", "observability.clickhouseEndpoint": "tcp://clickhouse.example.com:9000", "observability.clickhousePassword": "pw-value" }, secretKeys: ["observability.clickhousePassword"], key: "observability.clickhouseEndpoint", shown: '"tcp://clickhouse.example.com:9000"', says: "clear text" },
  { why: "clickhouse endpoint carrying a password", base: "dev", set: { "observability.backend": "clickhouse", "observability.clickhouseEndpoint": "https://otel:hunter2-in-url@clickhouse.example.com:8443", "observability.clickhousePassword": "pw-value" }, secretKeys: ["observability.clickhousePassword"], key: "observability.clickhouseEndpoint", shown: '"https://[redacted]@clickhouse.example.com:8443"', says: "must not carry credentials", leaks: "hunter2-in-url" },
  { why: "clickhouse endpoint with an unknown scheme", base: "dev", set: { "observability.backend": "clickhouse", "observability.clickhouseEndpoint": "mysql://clickhouse.example.com:9004", "observability.clickhousePassword": "pw-value" }, secretKeys: ["observability.clickhousePassword"], key: "observability.clickhouseEndpoint", shown: '"mysql://clickhouse.example.com:9004"', says: "scheme https, http, tcp, clickhouse" },
  { why: "signoz cloud without ingestion key", base: "dev", set: { "observability.backend": "signoz", "observability.signozEndpoint": "https://ingest.eu.signoz.cloud:443" }, key: "observability.signozIngestionKey", shown: null, says: "is required with observability.backend=signoz" },
  { why: "otlp backend without endpoint", base: "dev", set: { "observability.backend": "otlp" }, key: "observability.otlpEndpoint", shown: null, says: "is required with observability.backend=otlp" },
  { why: "otlp endpoint over plain http outside the cluster", base: "dev", set: { "observability.backend": "otlp", "observability.otlpEndpoint": "http://otel.example.com:4317" }, key: "observability.otlpEndpoint", shown: '"http://otel.example.com:4317"', says: "cluster-local Service" },
  { why: "otlp endpoint with a path", base: "dev", set: { "observability.backend": "otlp", "observability.otlpEndpoint": "https://otel.example.com/v1/traces" }, key: "observability.otlpEndpoint", shown: '"https://otel.example.com/v1/traces"', says: "no path" },
  { why: "cluster-local plain-text endpoint without a port", base: "dev", set: { "observability.backend": "otlp", "observability.otlpEndpoint": "http://collector.observability.svc.cluster.local" }, key: "observability.otlpEndpoint", shown: '"http://collector.observability.svc.cluster.local"', says: "explicit port" },
  { why: "an endpoint for a backend that is not chosen", base: "dev", set: { "observability.otlpEndpoint": "https://otel.example.com:443" }, key: "observability.otlpEndpoint", shown: '"https://otel.example.com:443"', says: "has no effect unless observability.backend=otlp (it is file)" },
  { why: "a backend secret for a backend that is not chosen", base: "dev", set: { "observability.backend": "debug", "observability.signozIngestionKey": "signoz-key-value" }, secretKeys: ["observability.signozIngestionKey"], key: "observability.signozIngestionKey", shown: "[secret]", says: "has no effect unless observability.backend=signoz", leaks: "signoz-key-value" },
  { why: "unknown telemetry backend", base: "dev", set: { "observability.backend": "datadog" }, key: "observability.backend", shown: '"datadog"' },
  { why: "clickhouse password in plain text", base: "dev", set: { "observability.backend": "clickhouse", "observability.clickhouseEndpoint": "https://clickhouse.example.com:8443", "observability.clickhousePassword": "plain-ch-password" }, key: "observability.clickhousePassword", shown: "[secret]", says: "pulumi config set --secret observability.clickhousePassword", leaks: "plain-ch-password" },
  { why: "collector image latest", base: "dev", set: { "observability.collectorImage": "otel/opentelemetry-collector-contrib:latest" }, key: "observability.collectorImage", shown: '"otel/opentelemetry-collector-contrib:latest"', says: "moves" },
  { why: "monitor label without a value", base: "dev", set: { "observability.monitorLabel": "release" }, key: "observability.monitorLabel", shown: '"release"', says: "key=value" },
  { why: "runbook URL with a fragment", base: "prod", set: { "observability.runbookBaseUrl": "https://wiki.example.com/runbooks#top" }, key: "observability.runbookBaseUrl", shown: '"https://wiki.example.com/runbooks#top"', says: "without a fragment" },
  { why: "collector replicas 0", base: "dev", set: { "observability.collectorReplicas": "0" }, key: "observability.collectorReplicas", shown: "0" },
];

const qualify = (flat: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(flat).map(([k, v]) => [`${NS}:${k}`, v]));

/** Parse raw stack values; `secretKeys` (without namespace) were set with --secret, every other key was not. */
function parse(flat: Record<string, string>, secretKeys: readonly string[] = []): PlatformConfig {
  const secret = new Set(secretKeys.map((k) => `${NS}:${k}`));
  return parseStackConfig(qualify(flat), NS, (fullKey) => secret.has(fullKey));
}

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError, but the configuration was accepted");
}

/** The message line of one issue: `  <full key>[ = <value>]: <message>`. */
function lineOf(error: ConfigError, fullKey: string): string | undefined {
  return error.message.split("\n").find((line) => line.startsWith(`  ${fullKey} = `) || line.startsWith(`  ${fullKey}: `));
}

describe("bad stack configuration", () => {
  it("the bases the rows start from are valid", () => {
    expect(parse(BASES.dev).environment).toBe("dev");
    expect(parse(BASES.prod).environment).toBe("prod");
  });

  it("has a row for at least 30 bad values", () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });

  it.each(rows)("$why: $key", (row) => {
    const fullKey = `${NS}:${row.key}`;
    const error = configErrorOf(() => parse({ ...BASES[row.base], ...row.set }, row.secretKeys));

    // Exactly the intended key fails (a row cannot pass because of some other problem).
    expect(error.issues.map((i) => i.key), error.message).toContain(fullKey);
    expect(new Set(error.issues.map((i) => i.key))).toEqual(new Set([fullKey]));

    const issue = error.issues.find((i) => i.key === fullKey) as ConfigIssue;
    const line = lineOf(error, fullKey);
    expect(line, `the message names ${fullKey}:\n${error.message}`).toBeDefined();
    if (row.shown === null) {
      expect(issue.value).toBeUndefined();
      expect(line).toMatch(new RegExp(`^  ${fullKey.replace(/\./g, "\\.")}: `));
    } else {
      expect(issue.value).toBe(row.shown);
      expect(line?.startsWith(`  ${fullKey} = ${row.shown}: `), line).toBe(true);
    }
    if (row.says !== undefined) expect(error.message).toContain(row.says);
    if (row.leaks !== undefined) {
      expect(error.message).not.toContain(row.leaks);
      expect(JSON.stringify(error.issues)).not.toContain(row.leaks);
    }
    if (SECRET_KEYS.has(row.key)) expect(issue.value ?? "[secret]").toBe("[secret]");
  });

  it("reports every problem in one error", () => {
    const error = configErrorOf(() => parse({
      ...BASES.dev, "server.minReplicas": "0", "database.mode": "mysql", "backup.schedule": "0 3 * *",
    }));
    expect(error.issues.map((i) => i.key).sort()).toEqual([
      `${NS}:backup.schedule`, `${NS}:database.mode`, `${NS}:server.minReplicas`,
    ]);
    expect(error.message).toMatch(/^Invalid stack configuration \(3 problems\); nothing was deployed:/);
    for (const issue of error.issues) expect(lineOf(error, issue.key)).toBeDefined();
  });

  it("ignores keys of other namespaces", () => {
    const config = parseStackConfig({ ...qualify(BASES.dev), "aws:region": "eu-west-1", "kubernetes:context": "kind" }, NS, () => false);
    expect(config.environment).toBe("dev");
  });

  // A mistyped secret key set with --secret must not echo its value.
  it("does not echo the value of a mistyped key that was set with --secret", () => {
    const error = configErrorOf(() => parse({ ...BASES.dev, "llm.openaiApiKye": "sk-typo-secret-value" }, ["llm.openaiApiKye"]));
    expect(error.issues.map((i) => i.key)).toEqual([`${NS}:llm.openaiApiKye`]);
    expect(error.message).not.toContain("sk-typo-secret-value");
  });
});

describe("valid stack configuration", () => {
  it("a dev stack resolves the dev defaults", () => {
    const config = parse(BASES.dev);
    expect(config.database.mode).toBe("statefulset");
    expect(config.cache.mode).toBe("in-cluster");
    expect(config.cluster.mode).toBe("existing");
    expect(config.database.multiAz).toBe(false);
    expect(config.database.deletionProtection).toBe(false);
    expect(config.database.backupRetentionDays).toBe(7);
    expect(config.backup.enabled).toBe(false);
    expect(config.ingress.enabled).toBe(false);
    expect(config.ingress.className).toBe("nginx");
  });

  it("a prod stack with an ingress host and certificate resolves the hardened defaults", () => {
    const config = parse(BASES.prod);
    expect(config.database.mode).toBe("rds");
    expect(config.cache.mode).toBe("elasticache");
    expect(config.cluster.mode).toBe("create");
    expect(config.database.multiAz).toBe(true);
    expect(config.database.deletionProtection).toBe(true);
    expect(config.database.backupRetentionDays).toBe(14);
    expect(config.backup.enabled).toBe(true);
    expect(config.ingress.enabled).toBe(true);
    expect(config.ingress.className).toBe("alb");
    expect(config.ingress.host).toBe("agents.example.com");
    expect(config.server.minReplicas).toBe(2);
  });

  it("environment defaults to prod: a stack that sets nothing must name its ingress host and certificate, its cluster admins and the image cache's Docker Hub credential", () => {
    const error = configErrorOf(() => parse({}));
    expect(error.issues.map((i) => i.key).sort()).toEqual([`${NS}:cluster.adminPrincipalArns`, `${NS}:image.dockerHubCredentialArn`, `${NS}:ingress.certificateArn`, `${NS}:ingress.host`]);
  });

  it("the prod overrides are honoured when set explicitly", () => {
    const config = parse({
      ...BASES.prod, "database.mode": "statefulset", "database.allowInClusterInProd": "true",
      "cache.mode": "in-cluster", "cache.allowInClusterInProd": "true",
    });
    expect(config.database.mode).toBe("statefulset");
    expect(config.cache.mode).toBe("in-cluster");
  });

  it("accepts values Kubernetes and cron accept: decimal memory, names, ranges, steps, descriptors", () => {
    const config = parse({
      ...BASES.dev, "server.memoryRequest": "0.5Gi", "server.memoryLimit": "1.5Gi",
      "backup.schedule": "*/15 1-5 ? JAN-MAR,DEC MON-FRI", "backup.restoreDrillSchedule": "@weekly",
    });
    expect(config.server.memoryRequest).toBe("0.5Gi");
    expect(config.backup.schedule).toBe("*/15 1-5 ? JAN-MAR,DEC MON-FRI");
  });

  it("staging takes prod's defaults, retention included", () => {
    const config = parse({ ...BASES.prod, environment: "staging" });
    expect(config.database.backupRetentionDays).toBe(14);
    expect(config.database.mode).toBe("rds");
  });

  it("observability: file backend, no operator, Prometheus in monitoring, collector replicas by environment", () => {
    const dev = parse(BASES.dev);
    expect(dev.observability).toMatchObject({ backend: "file", prometheusOperator: false, prometheusNamespace: "monitoring", collectorReplicas: 1 });
    expect(parse(BASES.prod).observability.collectorReplicas).toBe(2);
  });

  it("observability: each backend with what it needs is accepted", () => {
    const clickhouse = parse({ ...BASES.dev, "observability.backend": "clickhouse", "observability.clickhouseEndpoint": "tcp://clickhouse.example.com:9440?secure=true", "observability.clickhousePassword": "pw" }, ["observability.clickhousePassword"]);
    expect(clickhouse.observability.clickhouseEndpoint).toBe("tcp://clickhouse.example.com:9440?secure=true");
    // A self-hosted Signoz in the cluster: plain text stays inside it, and needs no ingestion key.
    const signoz = parse({ ...BASES.dev, "observability.backend": "signoz", "observability.signozEndpoint": "http://signoz-otel-collector.platform.svc.cluster.local:4317" });
    expect(signoz.observability.signozIngestionKey).toBeUndefined();
    const otlp = parse({ ...BASES.dev, "observability.backend": "otlp", "observability.otlpEndpoint": "https://api.honeycomb.io:443", "observability.otlpHeaderName": "x-honeycomb-team", "observability.otlpHeaderValue": "hc-key" }, ["observability.otlpHeaderValue"]);
    expect(otlp.observability).toMatchObject({ otlpHeaderName: "x-honeycomb-team", otlpHeaderValue: "hc-key" });
  });

  it("a secret set with --secret is accepted and kept", () => {
    const config = parse({ ...BASES.dev, "llm.openaiApiKey": "sk-proper" }, ["llm.openaiApiKey"]);
    expect(config.llm.openaiApiKey).toBe("sk-proper");
  });
});

describe("the whole program", () => {
  it("refuses a bad dev stack before deploying anything, naming the key", async () => {
    const run = runStack("dev", { "server.maxReplicas": "0" });
    await expect(run).rejects.toBeInstanceOf(ConfigError);
    const error = (await run.catch((e: unknown) => e)) as ConfigError;
    expect(error.issues.map((i) => i.key)).toEqual([`${NS}:server.maxReplicas`]);
    expect(error.message).toContain(`${NS}:server.maxReplicas = 0:`);
  });
});
