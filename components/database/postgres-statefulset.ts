import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { createHash } from "node:crypto";
import { platformLabels } from "../workload/namespace";
import { createClientOnlyPolicy } from "../workload/network-policies";
import { hardenedPodBasics, restrictedContainerSecurity } from "../workload/pod-security";
import { ADMIN_USER, DATABASE_NAME, type DatabaseEndpoint } from "./endpoint";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** Label a pod carries to be admitted to the database by its NetworkPolicy. */
export const DATABASE_CLIENT_LABEL = "agent-platform/database-client";

export interface PostgresStatefulSetArgs {
  /** Namespace. Required. */
  namespace: pulumi.Input<string>;
  /** Platform instance name, for labels and object names. Required. */
  instance: string;
  /** pgvector image, pinned. Required. */
  image: string;
  /** max_connections. Required. */
  maxConnections: number;
  /** Size of the data volume (20Gi). Required. */
  storageSize: string;
  /** StorageClass of the data volume. Default: the cluster's default class. */
  storageClassName?: string;
  /** PriorityClass of the pods (the platform's serving class). Default: none. */
  priorityClassName?: pulumi.Input<string>;
  /** Provider of the target cluster. Required. */
  provider: k8s.Provider;
}

// The postgres user of the official image (and pgvector's, built on it).
const POSTGRES_UID = 999;

/** Where the server's certificate and key, and the client authentication file, are mounted. */
export const POSTGRES_TLS_DIR = "/etc/postgresql/tls";
export const POSTGRES_HBA_DIR = "/etc/postgresql/hba";

/**
 * Client authentication: TCP only over TLS with SCRAM, never in plaintext; the unix socket (the image's initdb
 * scripts, inside the container) trusted as initdb set it up. The server connects with ssl=require when pooling is
 * on (letta-ai/letta@0.16.8:letta/server/db.py:51-53), so dev runs the code path prod runs against RDS.
 */
export const POSTGRES_HBA = [
  "# TYPE     DATABASE USER ADDRESS    METHOD",
  "local      all      all             trust",
  "hostssl    all      all  0.0.0.0/0  scram-sha-256",
  "hostssl    all      all  ::/0       scram-sha-256",
  "hostnossl  all      all  0.0.0.0/0  reject",
  "hostnossl  all      all  ::/0       reject",
  "",
].join("\n");

/** The server settings that turn TLS on, as `postgres -c` pairs (also applied to a real server by the tests). */
export const POSTGRES_TLS_SETTINGS: readonly (readonly [string, string])[] = [
  ["ssl", "on"],
  ["ssl_cert_file", `${POSTGRES_TLS_DIR}/tls.crt`],
  ["ssl_key_file", `${POSTGRES_TLS_DIR}/tls.key`],
  ["ssl_min_protocol_version", "TLSv1.2"],
  ["hba_file", `${POSTGRES_HBA_DIR}/pg_hba.conf`],
];

/**
 * One PostgreSQL with pgvector inside the cluster, for dev: a StatefulSet with its own volume, non-root and
 * read-only root filesystem, TLS required on every TCP connection (a certificate the stack generates), probes with pg_isready, a headless Service, a NetworkPolicy that admits only pods
 * labelled as database clients. It is a single instance and has no PodDisruptionBudget: with one pod a budget either
 * allows the eviction (pointless) or blocks every node drain and cluster upgrade (the pack's k8s-pdb-allows-disruption,
 * Polaris pdbDisruptionsIsZero); a drain restarts it on another node of the volume's zone, with its data.
 */
export class PostgresStatefulSet extends pulumi.ComponentResource {
  public readonly endpoint: DatabaseEndpoint;
  public readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: PostgresStatefulSetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:database:PostgresStatefulSet", name, {}, opts);
    const child = { parent: this };
    const k8sOpts = { parent: this, provider: args.provider };
    const objectName = `${args.instance}-postgres`;
    const labels = { ...platformLabels(args.instance, "database"), "app.kubernetes.io/name": "postgres" };
    const selector = { "app.kubernetes.io/instance": args.instance, "app.kubernetes.io/name": "postgres" };

    const password = new random.RandomPassword(`${name}-admin-password`, { length: 40, special: false }, child);
    const secret = new k8s.core.v1.Secret(`${name}-admin`, {
      metadata: { name: `${objectName}-admin`, namespace: args.namespace, labels },
      type: "Opaque",
      stringData: { PGPASSWORD: pulumi.secret(password.result) },
    }, k8sOpts);

    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      automountServiceAccountToken: false,
    }, k8sOpts);

    const service = new k8s.core.v1.Service(`${name}-service`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      spec: { clusterIP: "None", selector, ports: [{ name: "postgres", port: 5432, targetPort: "postgres", protocol: "TCP" }] },
    }, k8sOpts);

    // A certificate the stack generates and keeps in its state (docs/decisions/0051-in-cluster-postgres-tls.md):
    // clients use sslmode=require (encrypted, not verified), as the server does against RDS.
    const key = new tls.PrivateKey(`${name}-tls-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, child);
    const host = pulumi.interpolate`${objectName}.${args.namespace}.svc.cluster.local`;
    const certificate = new tls.SelfSignedCert(`${name}-tls-cert`, {
      privateKeyPem: key.privateKeyPem,
      subject: { commonName: host, organization: "agent-platform" },
      dnsNames: [host, objectName, pulumi.interpolate`${objectName}.${args.namespace}`, pulumi.interpolate`${objectName}.${args.namespace}.svc`],
      validityPeriodHours: 24 * 825,
      // A `pulumi up` in the last 30 days of validity issues a new certificate (and restarts the pod).
      earlyRenewalHours: 24 * 30,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
    }, child);
    const tlsSecret = new k8s.core.v1.Secret(`${name}-tls`, {
      metadata: { name: `${objectName}-tls`, namespace: args.namespace, labels },
      type: "kubernetes.io/tls",
      stringData: { "tls.crt": certificate.certPem, "tls.key": pulumi.secret(key.privateKeyPem) },
    }, k8sOpts);
    const hba = new k8s.core.v1.ConfigMap(`${name}-hba`, {
      metadata: { name: `${objectName}-hba`, namespace: args.namespace, labels },
      data: { "pg_hba.conf": POSTGRES_HBA },
    }, k8sOpts);

    const pgIsReady = ["pg_isready", "--host", "127.0.0.1", "--username", ADMIN_USER, "--dbname", DATABASE_NAME];
    new k8s.apps.v1.StatefulSet(`${name}-statefulset`, {
      metadata: { name: objectName, namespace: args.namespace, labels },
      spec: {
        serviceName: service.metadata.name,
        replicas: 1,
        selector: { matchLabels: selector },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        template: {
          // A new certificate or authentication file restarts the pod (both are read at start).
          metadata: { labels, annotations: { "agent-platform/tls-cert-sha256": certificate.certPem.apply(sha256), "agent-platform/hba-sha256": sha256(POSTGRES_HBA) } },
          spec: {
            ...hardenedPodBasics(POSTGRES_UID, serviceAccount.metadata.name),
            ...(args.priorityClassName === undefined ? {} : { priorityClassName: args.priorityClassName }),
            terminationGracePeriodSeconds: 60,
            containers: [{
              name: "postgres",
              image: args.image,
              imagePullPolicy: "IfNotPresent",
              args: [
                "-c", `max_connections=${args.maxConnections}`, "-c", "password_encryption=scram-sha-256", "-c", "log_min_duration_statement=1000", "-c", "log_connections=on",
                ...POSTGRES_TLS_SETTINGS.flatMap(([setting, value]) => ["-c", `${setting}=${value}`]),
              ],
              env: [
                { name: "POSTGRES_USER", value: ADMIN_USER },
                { name: "POSTGRES_DB", value: DATABASE_NAME },
                { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "PGPASSWORD" } } },
                { name: "POSTGRES_INITDB_ARGS", value: "--auth-host=scram-sha-256 --auth-local=trust" },
                { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
              ],
              ports: [{ name: "postgres", containerPort: 5432, protocol: "TCP" }],
              securityContext: restrictedContainerSecurity(POSTGRES_UID),
              resources: { requests: { cpu: "250m", memory: "512Mi", "ephemeral-storage": "100Mi" }, limits: { cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi" } },
              startupProbe: { exec: { command: pgIsReady }, periodSeconds: 5, failureThreshold: 60 },
              readinessProbe: { exec: { command: pgIsReady }, periodSeconds: 10, timeoutSeconds: 5 },
              // pg_isready fails while Postgres replays WAL after a crash ("rejecting connections"): that is readiness.
              // Liveness restarts only a postmaster that no longer listens, so a long recovery is not killed.
              livenessProbe: { tcpSocket: { port: "postgres" }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
              volumeMounts: [
                { name: "data", mountPath: "/var/lib/postgresql/data" },
                { name: "run", mountPath: "/var/run/postgresql" },
                { name: "tmp", mountPath: "/tmp" },
                { name: "tls", mountPath: POSTGRES_TLS_DIR, readOnly: true },
                { name: "hba", mountPath: POSTGRES_HBA_DIR, readOnly: true },
              ],
            }],
            volumes: [
              // Root-owned, group postgres (fsGroup), 0440: PostgreSQL accepts a root-owned key readable by its group.
              { name: "tls", secret: { secretName: tlsSecret.metadata.name, defaultMode: 0o440 } },
              { name: "hba", configMap: { name: hba.metadata.name, defaultMode: 0o444 } },
              { name: "run", emptyDir: { sizeLimit: "16Mi" } },
              { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
            ],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: "data", labels },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}),
            resources: { requests: { storage: args.storageSize } },
          },
        }],
      },
    }, k8sOpts);

    createClientOnlyPolicy(`${name}-netpol`, {
      namespace: args.namespace, objectName, labels, selector, clientLabel: DATABASE_CLIENT_LABEL, port: 5432, provider: args.provider,
    }, { parent: this });

    this.serviceName = service.metadata.name;
    this.endpoint = {
      host: pulumi.interpolate`${service.metadata.name}.${args.namespace}.svc.cluster.local`,
      port: pulumi.output(5432), database: DATABASE_NAME, adminUser: ADMIN_USER,
      adminSecret: { name: secret.metadata.name, key: "PGPASSWORD" }, sslMode: "require",
    };
    this.registerOutputs({ serviceName: this.serviceName, host: this.endpoint.host });
  }
}
