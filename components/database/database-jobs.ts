import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { LETTA_HOME, LETTA_MIGRATIONS_WORKING_DIR, filteredMigrationsCommand } from "../workload/letta-preset";
import { platformLabels } from "../workload/namespace";
import { hardenedPodBasics, restrictedContainerSecurity } from "../workload/pod-security";
import { adminConnectionEnv, APP_ROLE, APP_SCHEMA, type DatabaseEndpoint } from "./endpoint";
import { createDatabaseJobServiceAccount, type DatabaseJobRole } from "./job-service-accounts";
import { DATABASE_CLIENT_LABEL } from "./postgres-statefulset";
import { bootstrapSqlFiles } from "./sql-files";

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
}

const JOB_UID = 10001;
const shortHash = (...parts: string[]): string => createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 8);

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
  /** Secrets Manager secret with the application credentials, when stored in AWS. */
  public readonly appSecretArn: pulumi.Output<string | undefined>;

  constructor(name: string, args: DatabaseJobsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:database:DatabaseJobs", name, {}, opts);
    const child = { parent: this };
    const k8sOpts = { parent: this, provider: args.provider };
    const { endpoint } = args;
    const labels = { ...platformLabels(args.instance, "database-jobs"), [DATABASE_CLIENT_LABEL]: "true" };

    const appPassword = new random.RandomPassword(`${name}-app-password`, { length: 40, special: false }, child);
    // A fresh id whenever the password changes, so the bootstrap Job re-runs and sets it; not derived from the secret.
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

    // Each Job its own ServiceAccount (no token) and app.kubernetes.io/name; selectors use instance and component only.
    const jobLabels = (role: DatabaseJobRole) => ({ ...labels, "app.kubernetes.io/name": `database-${role}` });
    const accounts = {
      bootstrap: createDatabaseJobServiceAccount(`${name}-bootstrap-sa`, { namespace: args.namespace, instance: args.instance, role: "bootstrap", provider: args.provider }, { parent: this }),
      migrations: createDatabaseJobServiceAccount(`${name}-migrations-sa`, { namespace: args.namespace, instance: args.instance, role: "migrations", provider: args.provider }, { parent: this }),
    };
    const podBasics = (role: DatabaseJobRole) => ({
      restartPolicy: "Never", ...hardenedPodBasics(JOB_UID, accounts[role].metadata.name),
      ...(args.priorityClassName === undefined ? {} : { priorityClassName: args.priorityClassName }),
    });
    const resources = { requests: { cpu: "100m", memory: "256Mi", "ephemeral-storage": "50Mi" }, limits: { cpu: "1", memory: "1Gi", "ephemeral-storage": "512Mi" } };

    this.bootstrap = new k8s.batch.v1.Job(`${name}-bootstrap`, {
      metadata: {
        name: pulumi.interpolate`${args.instance}-db-bootstrap-${passwordRevision.hex}-${shortHash(...Object.values(sql), args.clientImage)}`,
        namespace: args.namespace, labels: jobLabels("bootstrap"),
      },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels: jobLabels("bootstrap") },
          spec: {
            ...podBasics("bootstrap"),
            containers: [{
              name: "bootstrap",
              image: args.clientImage,
              command: ["psql", "-X", "-v", "ON_ERROR_STOP=1", "-f", "/bootstrap/bootstrap.sql", "-f", "/bootstrap/extensions.sql"],
              env: [
                ...adminConnectionEnv(endpoint),
                { name: "PGCONNECT_TIMEOUT", value: "10" },
                { name: "APP_PASSWORD", valueFrom: { secretKeyRef: { name: appSecret.metadata.name, key: "APP_PASSWORD" } } },
                // Plain SQL reads its parameters from session settings, so the same files run under psql and in tests.
                { name: "PGOPTIONS", value: `-c bootstrap.app_role=${APP_ROLE} -c bootstrap.schema=${APP_SCHEMA} -c bootstrap.app_password=$(APP_PASSWORD)` },
              ],
              securityContext: restrictedContainerSecurity(JOB_UID),
              resources,
              volumeMounts: [{ name: "sql", mountPath: "/bootstrap", readOnly: true }, { name: "tmp", mountPath: "/tmp" }],
            }],
            volumes: [{ name: "sql", configMap: { name: sqlConfig.metadata.name } }, { name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
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
    this.appSecretName = appSecret.metadata.name;
    this.registerOutputs({ appSecretName: this.appSecretName });
  }
}
