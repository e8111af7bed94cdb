import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** Where the database is and how an administrator reaches it: what the bootstrap Job and backups need. */
export interface DatabaseEndpoint {
  host: pulumi.Output<string>;
  port: pulumi.Output<number>;
  /** The application database. */
  database: string;
  /** The admin user (RDS master user, or the StatefulSet's superuser). */
  adminUser: string;
  /** Kubernetes Secret and key holding the admin password: the in-cluster database only. */
  adminSecret?: { name: pulumi.Output<string>; key: string };
  /**
   * RDS: the master user secret RDS manages (and rotates) in Secrets Manager. Jobs read it at run time with their IRSA
   * identity into an in-memory password file (PGPASSFILE); there is no copy in Kubernetes.
   */
  adminSecretsManager?: { secretArn: pulumi.Output<string>; kmsKeyArn: pulumi.Output<string> };
  /** libpq sslmode for admin clients: `require` on RDS (rds.force_ssl) and in-cluster (hostnossl reject). */
  sslMode: "require";
}

export const DATABASE_NAME = "letta";
export const ADMIN_USER = "platform_admin";
/** The application role and its schema share the database's name, as upstream's init.sql does. */
export const APP_ROLE = "letta";
export const APP_SCHEMA = "letta";

/**
 * libpq's variables for a Job that connects as the admin: psql, pg_dump and the backup scripts read them as they are.
 * PGPASSWORD only from the in-cluster database's Secret; on RDS the Job brings the password file itself.
 */
export function adminConnectionEnv(endpoint: DatabaseEndpoint): k8s.types.input.core.v1.EnvVar[] {
  const secret = endpoint.adminSecret;
  return [
    { name: "PGHOST", value: endpoint.host },
    { name: "PGPORT", value: endpoint.port.apply(String) },
    { name: "PGDATABASE", value: endpoint.database },
    { name: "PGUSER", value: endpoint.adminUser },
    ...(secret ? [{ name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } }] : []),
    { name: "PGSSLMODE", value: endpoint.sslMode },
  ];
}
