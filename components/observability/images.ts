// The pinned images of the observability add-ons, in one place (the config schema's defaults read them from here).
// Neither tag could be checked against its registry from where this was written (no network access): both are
// releases named in upstream release notes and chart bumps. Check them before the first deploy, e.g.
// `docker manifest inspect otel/opentelemetry-collector-contrib:0.149.0`, or override them in the stack config.

/** OpenTelemetry Collector, contrib distribution (it carries the clickhouse exporter and the spanmetrics connector). */
export const OTEL_COLLECTOR_IMAGE = "otel/opentelemetry-collector-contrib:0.149.0";

/** prometheus-community's postgres_exporter, for the in-cluster database. */
export const POSTGRES_EXPORTER_IMAGE = "prometheuscommunity/postgres-exporter:v0.17.1";
