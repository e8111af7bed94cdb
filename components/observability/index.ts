export * from "./alert-rules";
export { createAlertRulesConfigMap, platformAlertRulesOptions, type AlertRulesConfigMapArgs } from "./alert-rules-config-map";
export {
  COLLECTOR_PORTS, PASSWORD_LINE_PATTERN, PASSWORD_LINE_REPLACEMENT, SPAN_METRICS_HTTP, buildCollectorConfig, collectorConfigYaml,
  ottlString, passwordRedactionProcessor, spanRedactionProcessor, type BuiltCollectorConfig, type CollectorConfigOptions,
} from "./collector-config";
export { FILE_EXPORT_DIR, backendExporter, type BackendExporter, type SecretEnv, type TelemetryBackendSettings } from "./collector-exporters";
export * from "./collector-model";
export { createCollectorNetworkPolicy, type CollectorNetworkPolicyArgs } from "./collector-network-policy";
export { platformDashboard } from "./dashboard";
export { DASHBOARD_FILE, createDashboardConfigMap, type DashboardConfigMapArgs } from "./dashboard-config-map";
export * from "./dashboard-model";
export { OTEL_COLLECTOR_IMAGE, POSTGRES_EXPORTER_IMAGE } from "./images";
export { EXPORTER_METRICS, exporterMetricNames } from "./metric-sources";
export { OtelCollector, type OtelCollectorArgs } from "./otel-collector";
export { MONITORING_API_VERSION, createPrometheusOperatorObjects, type PrometheusOperatorObjectsArgs } from "./prometheus-operator";
export { metricNames, num, sel, type MatchOp, type Matcher } from "./promql";
export { scrapeAnnotations, type ScrapeTarget } from "./scrape-annotations";
