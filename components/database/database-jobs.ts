import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { LETTA_HOME, LETTA_MIGRATIONS_WORKING_DIR, filteredMigrationsCommand } from "../workload/letta-preset";
import { platformLabels } from "../workload/namespace";
import { hardenedPodBasics, restrictedContainerSecurity } from "../workload/pod-security";
import { ADMIN_PASSFILE, ADMIN_PASSFILE_DIR, AWS_API_CLIENT_LABEL, adminPasswordScripts } from "./admin-secret-access";
import { adminConnectionEnv, APP_ROLE, APP_SCHEMA, type DatabaseEndpoint } from "./endpoint";
import { createDatabaseJobServiceAccount, type DatabaseJobRole } from "./job-service-accounts";
import { DATABASE_CLIENT_LABEL } from "./postgres-statefulset";
import { bootstrapSqlFiles } from "./sql-files";
import { versionedPassword } from "../secrets/versioned-password";

export interface DatabaseJobsArgs {
  /** Namespace. Required. */
  namespace: pulumi.Input<string>;
  /** Platform instance name, for labels and object names. Required. */
  instance: string;
  /** The database and its admin credentials. Required. */
  endpoint: DatabaseEndpoint;
  /** Image with psql for the bootstrap Job (the pgvector image). Required. */
  clientImage: string;
  /** The server image, which carries the alembic migrations. Required. */
  serverImage: pulumi.Input<string>;
  /**
   * Secret and key holding LETTA_ENCRYPTION_KEY: several backfill migrations encrypt existing secrets only when the
   * key is set (letta-ai/letta@0.16.8:alembic/versions/d06594144ef3_add_and_migrate_encrypted_columns_for_.py:38-40,
   * 8149a781ac1b_backfill_encrypted_columns_for_.py:28-30, eff256d296cb_mcp_encrypted_data_migration.py:31-33). Default:
   * none, and those migrations leave the values in plaintext.
   */
  encryptionKeySecret?: { name: pulumi.Input<string>; key: string };
  /** PriorityClass of the Jobs' pods (the platform's batch class, which never preempts). Default: none. */
  priorityClassName?: pulumi.Input<string>;
  /** Provider of the target cluster. Required. */
  provider: k8s.Provider;
  /**
   * Also keep the application credentials in Secrets Manager under this KMS key (the AWS provider comes from this
   * component's `providers` option). Default: not stored in AWS.
   */
  awsSecretsManager?: { kmsKeyArn: pulumi.Input<string>; namePrefix: string };
  /**
   * The application role's password generation, an integer ≥ 1: changing it makes a new password, which the bootstrap
   * Job sets (ALTER ROLE) and the server receives. Default 1 (the password Pulumi generated first).
   */
  appPasswordVersion?: number;
  /**
   * Required when the endpoint's admin password is in Secrets Manager (RDS): the image with the AWS CLI (the backup
   * image) that an init container runs to read it, and the ServiceAccount whose IRSA role may read it.
   */
  adminSecretReader?: { image: pulumi.Input<string>; serviceAccountName: pulumi.Input<string>; region: string };
}

const JOB_UID = 10001;
const shortHash = (...parts: string[]): string => createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 8);

const APP_PASSWORD_DIR = "/run/app-password";

/**
 * The bootstrap container's command: the app role's password comes from the mounted Secret file, not from the pod's
 * env (k8s-secrets-not-in-env), and reaches the SQL as a session setting in PGOPTIONS, for psql alone. The password is
 * alphanumeric, so it needs no escaping there.
 */
export function bootstrapCommand(): string[] {
  return ["sh", "-c", [
    "set -eu",
    `app_password=$(cat '${APP_PASSWORD_DIR}/APP_PASSWORD')`,
    `PGOPTIONS="\${PGOPTIONS} -c bootstrap.app_password=\${app_password}" exec psql -X -v ON_ERROR_STOP=1 -f '/bootstrap/bootstrap.sql' -f '/bootstrap/extensions.sql'`,
  ].join("; ")];
}

/** The connection URI the server reads: no sslmode or ssl parameter, which would crash its pg8000 migrations. */
export function lettaPgUri(password: string, host: string, port: number, database: string): string {
  return `postgresql://${APP_ROLE}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
}

/**
 * Everything between an empty database and a server that can start: the application role's credentials, a
 * bootstrap Job that (as the admin) creates the role, its schema, the search_path and the vector extension, and
 * then one migrations Job (`alembic upgrade head`), so migrations never race from every server pod. Both Jobs are
 * named after what they run, so a new SQL file, a new password or a new server image runs them again.
 */
export class DatabaseJobs extends pulumi.ComponentResource {
  /** Secret holding LETTA_PG_URI for the server. */
  public readonly appSecretName: pulumi.Output<string>;
  /** The migrations Job: the server Deployment depends on it. */
  public readonly migrations: k8s.batch.v1.Job;
  public readonly bootstrap: k8s.batch.v1.Job;
  /** Labels selecting the jobs' pods. */
  public readonly selector: Record<string, string>;
  /** Labels of the Job pods that reach AWS APIs over HTTPS (the bootstrap on RDS), for their NetworkPolicy; else undefined. */
  public readonly awsApiSelector: Record<string, string> | undefined;
  /** Secrets Manager secret with the application credentials, when stored in AWS. */
  public readonly appSecretArn: pulumi.Output<string | undefined>;

  constructor(name: string, args: DatabaseJobsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:database:DatabaseJobs", name, {}, opts);
    const child = { parent: this };
    const k8sOpts = { parent: this, provider: args.provider };
    const { endpoint } = args;
    const labels = { ...platformLabels(args.instance, "database-jobs"), [DATABASE_CLIENT_LABEL]: "true" };

    // database.appPasswordVersion rotates it; a fresh revision id whenever it changes names the bootstrap Job, so the
    // Job re-runs and sets it (the id is not derived from the secret).
    const appPassword = versionedPassword(`${name}-app-password`, args.appPasswordVersion ?? 1, child);
    const passwordRevision = new random.RandomId(`${name}-app-password-revision`, { byteLength: 4, keepers: { password: appPassword.result } }, child);

    const appSecret = new k8s.core.v1.Secret(`${name}-app`, {
      metadata: { name: `${args.instance}-database-app`, namespace: args.namespace, labels: platformLabels(args.instance, "database") },
      type: "Opaque",
      stringData: {
        LETTA_PG_URI: pulumi.secret(pulumi.all([appPassword.result, endpoint.host, endpoint.port]).apply(([pw, host, port]) => lettaPgUri(pw, host, port, endpoint.database))),
        APP_PASSWORD: pulumi.secret(appPassword.result),
      },
    }, k8sOpts);

    const sql = bootstrapSqlFiles();
    const sqlConfig = new k8s.core.v1.ConfigMap(`${name}-sql`, {
      metadata: { name: `${args.instance}-database-bootstrap-${shortHash(...Object.values(sql))}`, namespace: args.namespace, labels },
      data: sql,
      immutable: true,
    }, k8sOpts);

    // On RDS the admin password is the secret RDS manages: an init container reads it with the Job's IRSA identity into
    // an in-memory emptyDir, and psql finds it there (PGPASSFILE). No Kubernetes Secret holds it.
    const admin = endpoint.adminSecretsManager;
    const reader = args.adminSecretReader;
    if (admin && !reader) throw new Error("DatabaseJobs: the admin password is in Secrets Manager, so adminSecretReader (image and ServiceAccount) is required");

    // Each Job its own ServiceAccount (no token) and app.kubernetes.io/name; selectors use instance and component only.
    // On RDS the bootstrap runs as the reader's IRSA ServiceAccount (admin-secret-access.ts), so it gets no other.
    const jobLabels = (role: DatabaseJobRole) => ({ ...labels, "app.kubernetes.io/name": `database-${role}` });
    const accountName = {
      bootstrap: reader ? pulumi.output(reader.serviceAccountName) : createDatabaseJobServiceAccount(`${name}-bootstrap-sa`, { namespace: args.namespace, instance: args.instance, role: "bootstrap", provider: args.provider }, { parent: this }).metadata.name,
      migrations: createDatabaseJobServiceAccount(`${name}-migrations-sa`, { namespace: args.namespace, instance: args.instance, role: "migrations", provider: args.provider }, { parent: this }).metadata.name,
    };
    const podBasics = (role: DatabaseJobRole) => ({
      restartPolicy: "Never", ...hardenedPodBasics(JOB_UID, accountName[role]),
      ...(args.priorityClassName === undefined ? {} : { priorityClassName: args.priorityClassName }),
    });
    const resources = { requests: { cpu: "100m", memory: "256Mi", "ephemeral-storage": "50Mi" }, limits: { cpu: "1", memory: "1Gi", "ephemeral-storage": "512Mi" } };

    const readerScripts = admin ? adminPasswordScripts() : {};
    const scriptsConfig = admin && new k8s.core.v1.ConfigMap(`${name}-admin-password`, {
      metadata: { name: `${args.instance}-db-admin-credentials-${shortHash(...Object.values(readerScripts))}`, namespace: args.namespace, labels },
      data: readerScripts,
      immutable: true,
    }, k8sOpts);
    const passwordReader = admin && reader && scriptsConfig ? {
      initContainers: [{
        name: "admin-password",
        image: reader.image,
        command: ["bash", "/scripts/fetch-admin-credentials.sh"],
        env: [
          { name: "ADMIN_CREDENTIALS_ID", value: admin.secretArn },
          { name: "ADMIN_PASSFILE_DIR", value: ADMIN_PASSFILE_DIR },
          { name: "AWS_REGION", value: reader.region },
          { name: "AWS_DEFAULT_REGION", value: reader.region },
          { name: "HOME", value: "/tmp" },
        ],
        securityContext: restrictedContainerSecurity(JOB_UID),
        resources: { requests: { cpu: "50m", memory: "128Mi", "ephemeral-storage": "16Mi" }, limits: { cpu: "500m", memory: "256Mi", "ephemeral-storage": "64Mi" } },
        volumeMounts: [
          { name: "admin-password-scripts", mountPath: "/scripts", readOnly: true }, { name: "pgpass", mountPath: ADMIN_PASSFILE_DIR }, { name: "tmp", mountPath: "/tmp" },
        ],
      }],
      volumes: [
        { name: "admin-password-scripts", configMap: { name: scriptsConfig.metadata.name, defaultMode: 0o555 } },
        // In memory (tmpfs), never on the node's disk; gone with the pod.
        { name: "pgpass", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
      ],
    } : undefined;

    this.bootstrap = new k8s.batch.v1.Job(`${name}-bootstrap`, {
      metadata: {
        name: pulumi.interpolate`${args.instance}-db-bootstrap-${passwordRevision.hex}-${shortHash(...Object.values(sql), ...Object.values(readerScripts), args.clientImage)}`,
        namespace: args.namespace, labels: jobLabels("bootstrap"),
      },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels: passwordReader ? { ...jobLabels("bootstrap"), [AWS_API_CLIENT_LABEL]: "true" } : jobLabels("bootstrap") },
          spec: {
            ...podBasics("bootstrap"),
            ...(passwordReader ? { initContainers: passwordReader.initContainers } : {}),
            containers: [{
              name: "bootstrap",
              image: args.clientImage,
              command: bootstrapCommand(),
              env: [
                ...adminConnectionEnv(endpoint),
                ...(passwordReader ? [{ name: "PGPASSFILE", value: ADMIN_PASSFILE }] : []),
                { name: "PGCONNECT_TIMEOUT", value: "10" },
                // Plain SQL reads its parameters from session settings, so the same files run under psql and in tests;
                // bootstrapCommand() adds the app password from its file.
                { name: "PGOPTIONS", value: `-c bootstrap.app_role=${APP_ROLE} -c bootstrap.schema=${APP_SCHEMA}` },
              ],
              securityContext: restrictedContainerSecurity(JOB_UID),
              resources,
              volumeMounts: [
                { name: "sql", mountPath: "/bootstrap", readOnly: true }, { name: "tmp", mountPath: "/tmp" },
                { name: "app-password", mountPath: APP_PASSWORD_DIR, readOnly: true },
                ...(passwordReader ? [{ name: "pgpass", mountPath: ADMIN_PASSFILE_DIR, readOnly: true }] : []),
              ],
            }],
            volumes: [
              { name: "sql", configMap: { name: sqlConfig.metadata.name } }, { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
              // A Secret volume is a tmpfs; group-readable for the pod's fsGroup only.
              { name: "app-password", secret: { secretName: appSecret.metadata.name, items: [{ key: "APP_PASSWORD", path: "APP_PASSWORD" }], defaultMode: 0o440 } },
              ...(passwordReader?.volumes ?? []),
            ],
          },
        },
      },
    }, { ...k8sOpts, customTimeouts: { create: "20m", update: "20m" } }); // > activeDeadlineSeconds 900 (see below)

    this.migrations = new k8s.batch.v1.Job(`${name}-migrations`, {
      // Named after the image and the command it runs: a Job's template is immutable, so either change means a new Job.
      metadata: { name: pulumi.output(args.serverImage).apply((image) => `${args.instance}-db-migrate-${shortHash(image, ...filteredMigrationsCommand())}`), namespace: args.namespace, labels: jobLabels("migrations") },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 1800,
        template: {
          metadata: { labels: jobLabels("migrations") },
          spec: {
            ...podBasics("migrations"),
            containers: [{
              name: "migrate",
              image: args.serverImage,
              // alembic.ini and alembic/ live in /app; the Job writes nothing there (HOME and /tmp are volumes).
              workingDir: LETTA_MIGRATIONS_WORKING_DIR.value,
              // alembic's env.py prints the URI with the password: filtered out, alembic's exit status kept.
              command: filteredMigrationsCommand(),
              env: [
                { name: "LETTA_PG_URI", valueFrom: { secretKeyRef: { name: appSecret.metadata.name, key: "LETTA_PG_URI" } } },
                ...(args.encryptionKeySecret
                  ? [{ name: "LETTA_ENCRYPTION_KEY", valueFrom: { secretKeyRef: { name: args.encryptionKeySecret.name, key: args.encryptionKeySecret.key } } }]
                  : []),
                { name: "HOME", value: LETTA_HOME.value },
                { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
                // Lines reach the filter (and the logs) as alembic prints them, not at exit.
                { name: "PYTHONUNBUFFERED", value: "1" },
              ],
              securityContext: restrictedContainerSecurity(JOB_UID),
              resources,
              volumeMounts: [{ name: "home", mountPath: LETTA_HOME.value }, { name: "tmp", mountPath: "/tmp" }],
            }],
            volumes: [{ name: "home", emptyDir: { sizeLimit: "256Mi" } }, { name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
          },
        },
      },
      // Pulumi waits 10 minutes for a Job by default; wait as long as the Job itself may run (activeDeadlineSeconds),
      // or a long migration fails `pulumi up` while it is still running.
    }, { ...k8sOpts, dependsOn: [this.bootstrap], customTimeouts: { create: "35m", update: "35m" } });

    if (args.awsSecretsManager) {
      const stored = new aws.secretsmanager.Secret(`${name}-app`, {
        // A prefix, not a fixed name: the next `up` after a `destroy` must not meet the old one in its recovery window.
        namePrefix: `${args.awsSecretsManager.namePrefix}/database-app-`,
        description: "Application role credentials of the agent server's database",
        kmsKeyId: args.awsSecretsManager.kmsKeyArn,
        recoveryWindowInDays: 30,
      }, child);
      new aws.secretsmanager.SecretVersion(`${name}-app`, {
        secretId: stored.id,
        secretString: pulumi.secret(pulumi.jsonStringify({ username: APP_ROLE, password: appPassword.result, host: endpoint.host, port: endpoint.port, dbname: endpoint.database })),
      }, child);
      this.appSecretArn = stored.arn;
    } else {
      this.appSecretArn = pulumi.output(undefined);
    }
    this.selector = { "app.kubernetes.io/instance": args.instance, "app.kubernetes.io/component": "database-jobs" };
    this.awsApiSelector = passwordReader ? { ...this.selector, [AWS_API_CLIENT_LABEL]: "true" } : undefined;
    this.appSecretName = appSecret.metadata.name;
    this.registerOutputs({ appSecretName: this.appSecretName });
  }
}
