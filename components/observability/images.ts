// The pinned images of the observability add-ons, in one place (the config schema's defaults read them from here),
// by tag and digest. Neither digest could be checked against its registry from where this was written (no network
// access; docs/verification.md, "Image digests"): each was read in public source pinning the same repo:tag. Check them
// before the first deploy with `docker buildx imagetools inspect <repo:tag>`, or override them in the stack config.

/**
 * OpenTelemetry Collector, contrib distribution (it carries the clickhouse exporter and the spanmetrics connector).
 * 0.148.0, not 0.149.0: no public source pins a digest of 0.149.0, and nothing here depends on 0.149 (the collector
 * configs use the otlp, filelog and prometheus components, memory_limiter, batch, transform, filter and
 * deltatocumulative, and the spanmetrics and count connectors, all in 0.148). Digest: seen in 7 public files, one noting
 * it is the linux/amd64 + linux/arm64 index. Not verified here.
 */
export const OTEL_COLLECTOR_IMAGE = "otel/opentelemetry-collector-contrib:0.148.0@sha256:8164eab2e6bca9c9b0837a8d2f118a6618489008a839db7f9d6510e66be3923c";

/**
 * prometheus-community's postgres_exporter, for the in-cluster database. From quay.io, not Docker Hub: the only
 * digest public source pins for v0.17.1 is quay.io's (seen in 3 files); the project publishes to both, and a digest is
 * only known to be right for the registry it was read with. Not verified here.
 */
export const POSTGRES_EXPORTER_IMAGE = "quay.io/prometheuscommunity/postgres-exporter:v0.17.1@sha256:38606faa38c54787525fb0ff2fd6b41b4cfb75d455c1df294927c5f611699b17";
