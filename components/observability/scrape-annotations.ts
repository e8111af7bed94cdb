// The prometheus.io/* pod annotations that annotation-based Prometheus scrape configs (the community chart's
// kubernetes-pods job, and most hand-written kubernetes_sd_configs) use to find targets.

/** Where a pod serves Prometheus metrics. */
export interface ScrapeTarget {
  port: number;
  path: string;
}

/** Annotations for a pod: scrape `target`, or (undefined) say explicitly that the pod serves no metrics. */
export function scrapeAnnotations(target: ScrapeTarget | undefined): Record<string, string> {
  if (target === undefined) return { "prometheus.io/scrape": "false" };
  return { "prometheus.io/scrape": "true", "prometheus.io/port": String(target.port), "prometheus.io/path": target.path };
}
