export { DatabaseJobs, lettaPgUri, type DatabaseJobsArgs } from "./database-jobs";
export { ADMIN_USER, APP_ROLE, APP_SCHEMA, DATABASE_NAME, type DatabaseEndpoint } from "./endpoint";
export { DATABASE_CLIENT_LABEL, PostgresStatefulSet, type PostgresStatefulSetArgs } from "./postgres-statefulset";
export { RdsPostgres, type RdsPostgresArgs } from "./rds-postgres";
export { bootstrapSqlFiles } from "./sql-files";
export { MONITORING_ROLE, POSTGRES_EXPORTER_PORT, PostgresExporter, monitoringRoleSql, type PostgresExporterArgs } from "./postgres-exporter";
