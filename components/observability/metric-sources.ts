// The metrics the dashboard reads that no alert rule reads, by the exporter that produces them. A test holds the
// dashboard to these and to the alert rules' metrics, so a panel never waits on a series nothing produces. Every
// exporter named here is one the alert rules already depend on (see alert-rules.ts), or one this platform deploys.

export const EXPORTER_METRICS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  // kube-state-metrics v2 (the alert rules need v2.4 or later).
  "kube-state-metrics": ["kube_horizontalpodautoscaler_status_desired_replicas", "kube_pod_container_status_ready"],
  // postgres_exporter's own up-metric, from the exporter this platform deploys beside the in-cluster database.
  postgres_exporter: ["pg_up"],
});

/** Every metric name of EXPORTER_METRICS. */
export function exporterMetricNames(): Set<string> {
  return new Set(Object.values(EXPORTER_METRICS).flat());
}
