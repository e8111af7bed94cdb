import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { scrapeAnnotations } from "../observability/scrape-annotations";
import { platformLabels } from "../workload/namespace";
import { DNS_EGRESS, fromNamespace } from "../workload/network-policies";
import { hardenedPodBasics, restrictedContainerSecurity } from "../workload/pod-security";
import { adminConnectionEnv, type DatabaseEndpoint } from "./endpoint";
import { DATABASE_CLIENT_LABEL } from "./postgres-statefulset";

export interface PostgresExporterArgs {
  /** Namespace. Required. */
  namespace: pulumi.Input<string>;
  /** Platform instance name, for labels and object names. Required. */
  instance: string;
  /** The in-cluster database and its admin credentials (the Job that creates the monitoring role uses them). Required. */
  endpoint: DatabaseEndpoint;
  /** Pod labels of the database's pods, for the exporter's egress. Required. */
  databaseSelector: Record<string, string>;
  /** postgres_exporter image, pinned. Required. */
  image: string;
  /** Image with psql, for the monitoring-role Job (the database's own image). Required. */
  clientImage: string;
  /** Namespace whose pods (Prometheus) may scrape the exporter. Default "monitoring". */
  scraperNamespace?: string;
  /** Annotate the pods for annotation-based Prometheus discovery. Default true; off when the Prometheus Operator scrapes (PodMonitor). */
  scrapeAnnotations?: boolean;
  /** Resources that must exist first (the database bootstrap Job). Default: none. */
  dependsOn?: pulumi.Resource[];
  /** PriorityClasses of the exporter's pods (observability) and of its role Job (batch). Default: none. */
  priorityClasses?: { exporter: pulumi.Input<string>; job: pulumi.Input<string> };
  /** Provider of the target cluster. Required. */
  provider: k8s.Provider;
}

/** The role postgres_exporter connects as (created by sql/monitoring-role.sql). */
export const MONITORING_ROLE = "postgres_exporter";
export const POSTGRES_EXPORTER_PORT = 9187;
// The image's own user (nobody).
const EXPORTER_UID = 65534;
const JOB_UID = 10001;

/** sql/monitoring-role.sql, as it ships (copied next to the compiled code by `npm run build`). */
export function monitoringRoleSql(): string {
  return readFileSync(path.join(__dirname, "sql", "monitoring-role.sql"), "utf8");
}

/**
 * postgres_exporter for the in-cluster database, connecting as a least-privilege role (pg_monitor, read-only,
 * three connections at most) that a Job creates as the admin. The connection string, with its password, is in a
 * Secret (DATA_SOURCE_NAME from secretKeyRef). Scraped by annotation or a PodMonitor; its NetworkPolicy admits only
 * Prometheus's namespace, and lets it reach only DNS and the database.
 */
export class PostgresExporter extends pulumi.ComponentResource {
  /** Labels selecting the exporter's pods. */
  public readonly selector: Record<string, string>;
  public readonly deploymentName: pulumi.Output<string>;

  constructor(name: string, args: PostgresExporterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:database:PostgresExporter", name, {}, opts);
    const child = { parent: this };
    const k8sOpts = { parent: this, provider: args.provider };
    const objectName = `${args.instance}-postgres-exporter`;
    const selector = { "app.kubernetes.io/instance": args.instance, "app.kubernetes.io/name": "postgres-exporter" };
    const labels = { ...platformLabels(args.instance, "observability"), ...selector, [DATABASE_CLIENT_LABEL]: "true" };
    const { endpoint } = args;
    // The role Job is a database job: the namespace's database-jobs NetworkPolicy (DNS and Postgres only) covers it.
    const jobLabels = { ...platformLabels(args.instance, "database-jobs"), "app.kubernetes.io/name": "monitoring-role", [DATABASE_CLIENT_LABEL]: "true" };

    const password = new random.RandomPassword(`${name}-password`, { length: 40, special: false }, child);
    const secret = new k8s.core.v1.Secret(`${name}-credentials`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      type: "Opaque",
      stringData: {
        MONITORING_PASSWORD: pulumi.secret(password.result),
        // TLS required in-cluster too (sslmode=require); alphanumeric password, so nothing to escape.
        DATA_SOURCE_NAME: pulumi.secret(pulumi.interpolate`postgresql://${MONITORING_ROLE}:${password.result}@${endpoint.host}:${endpoint.port}/${endpoint.database}?sslmode=${endpoint.sslMode}`),
      },
    }, k8sOpts);

    const sql = monitoringRoleSql();
    const sqlHash = createHash("sha256").update(sql).update(args.clientImage).digest("hex").slice(0, 8);
    const sqlConfig = new k8s.core.v1.ConfigMap(`${name}-sql`, {
      metadata: { name: `${args.instance}-monitoring-role-${sqlHash}`, namespace: args.namespace, labels },
      data: { "monitoring-role.sql": sql },
      immutable: true,
    }, k8sOpts);
    // A fresh Job name when the password, the SQL or the image changes, so the role is set again.
    const revision = new random.RandomId(`${name}-password-revision`, { byteLength: 4, keepers: { password: password.result } }, child);

    // Its own ServiceAccount, not the namespace's default: it calls no API (no token) and has no IRSA role.
    const roleServiceAccount = new k8s.core.v1.ServiceAccount(`${name}-role-sa`, {
      metadata: { name: `${objectName}-role`, namespace: args.namespace, labels: jobLabels }, automountServiceAccountToken: false,
    }, k8sOpts);
    const roleJob = new k8s.batch.v1.Job(`${name}-role`, {
      metadata: { name: pulumi.interpolate`${args.instance}-db-monitoring-role-${revision.hex}-${sqlHash}`, namespace: args.namespace, labels: jobLabels },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels: jobLabels },
          spec: {
            restartPolicy: "Never",
            ...hardenedPodBasics(JOB_UID, roleServiceAccount.metadata.name),
            ...(args.priorityClasses ? { priorityClassName: args.priorityClasses.job } : {}),
            containers: [{
              name: "monitoring-role",
              image: args.clientImage,
              command: ["psql", "-X", "-v", "ON_ERROR_STOP=1", "-f", "/sql/monitoring-role.sql"],
              env: [
                ...adminConnectionEnv(endpoint),
                { name: "PGCONNECT_TIMEOUT", value: "10" },
                { name: "MONITORING_PASSWORD", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "MONITORING_PASSWORD" } } },
                { name: "PGOPTIONS", value: `-c monitoring.role=${MONITORING_ROLE} -c monitoring.password=$(MONITORING_PASSWORD)` },
              ],
              securityContext: restrictedContainerSecurity(JOB_UID),
              resources: { requests: { cpu: "50m", memory: "64Mi", "ephemeral-storage": "16Mi" }, limits: { cpu: "500m", memory: "256Mi", "ephemeral-storage": "128Mi" } },
              volumeMounts: [{ name: "sql", mountPath: "/sql", readOnly: true }, { name: "tmp", mountPath: "/tmp" }],
            }],
            volumes: [{ name: "sql", configMap: { name: sqlConfig.metadata.name } }, { name: "tmp", emptyDir: { sizeLimit: "16Mi" } }],
          },
        },
      },
    }, { ...k8sOpts, dependsOn: args.dependsOn ?? [] });

    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
      metadata: { name: objectName, namespace: args.namespace, labels }, automountServiceAccountToken: false,
    }, k8sOpts);
    const deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 3,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels, annotations: scrapeAnnotations(args.scrapeAnnotations === false ? undefined : { port: POSTGRES_EXPORTER_PORT, path: "/metrics" }) },
          spec: {
            ...hardenedPodBasics(EXPORTER_UID, serviceAccount.metadata.name),
            ...(args.priorityClasses ? { priorityClassName: args.priorityClasses.exporter } : {}),
            containers: [{
              name: "postgres-exporter",
              image: args.image,
              imagePullPolicy: "IfNotPresent",
              args: [`--web.listen-address=:${POSTGRES_EXPORTER_PORT}`],
              env: [{ name: "DATA_SOURCE_NAME", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "DATA_SOURCE_NAME" } } }],
              ports: [{ name: "metrics", containerPort: POSTGRES_EXPORTER_PORT, protocol: "TCP" }],
              securityContext: restrictedContainerSecurity(EXPORTER_UID),
              resources: { requests: { cpu: "20m", memory: "32Mi", "ephemeral-storage": "16Mi" }, limits: { cpu: "250m", memory: "128Mi", "ephemeral-storage": "64Mi" } },
              // The exporter answers /metrics even when the database is down (pg_up 0): probe the process, not the database.
              livenessProbe: { tcpSocket: { port: "metrics" }, periodSeconds: 20, timeoutSeconds: 5 },
              readinessProbe: { httpGet: { path: "/", port: "metrics" }, periodSeconds: 10, timeoutSeconds: 5 },
            }],
          },
        },
      },
    }, { ...k8sOpts, dependsOn: [roleJob] });

    new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ["Ingress", "Egress"],
        ingress: [fromNamespace(args.scraperNamespace ?? "monitoring", [POSTGRES_EXPORTER_PORT])],
        egress: [DNS_EGRESS, { to: [{ podSelector: { matchLabels: args.databaseSelector } }], ports: [{ port: endpoint.port, protocol: "TCP" }] }],
      },
    }, k8sOpts);

    this.selector = selector;
    this.deploymentName = deployment.metadata.name;
    this.registerOutputs({ deploymentName: this.deploymentName });
  }
}
