import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { platformLabels } from "../workload/namespace";
import type { AlertRulesOptions } from "./alert-rules";
import { platformDashboard } from "./dashboard";

export interface DashboardConfigMapArgs {
  /** Namespace. Required. */
  namespace: pulumi.Input<string>;
  /** Platform instance name, for labels and object names. Required. */
  instance: string;
  /** The same options the alert rules are built from. Required. */
  rulesOptions: AlertRulesOptions;
  /** Provider of the target cluster. Required. */
  provider: k8s.Provider;
}

/** The file name of the dashboard in the ConfigMap. */
export const DASHBOARD_FILE = "agent-platform.json";

/**
 * The dashboard as a ConfigMap labelled grafana_dashboard: "1", the label the Grafana chart's dashboard sidecar
 * loads (with the sidecar watching this namespace, or all of them).
 */
export function createDashboardConfigMap(name: string, args: DashboardConfigMapArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.ConfigMap {
  return new k8s.core.v1.ConfigMap(name, {
    metadata: { name: `${args.instance}-dashboard`, namespace: args.namespace, labels: { ...platformLabels(args.instance, "observability"), grafana_dashboard: "1" } },
    data: { [DASHBOARD_FILE]: JSON.stringify(platformDashboard(args.rulesOptions), null, 2) },
  }, { ...opts, provider: args.provider });
}
