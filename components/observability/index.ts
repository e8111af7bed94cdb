export * from "./alert-rules";
export { createAlertRulesConfigMap, type AlertRulesConfigMapArgs } from "./alert-rules-config-map";
