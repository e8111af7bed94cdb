// The part of Grafana's dashboard JSON model (schemaVersion 39) the platform's dashboard uses.

/** The dashboard's data source: a variable, so one JSON works with whatever the Prometheus data source is called. */
export interface DatasourceRef {
  type: "prometheus";
  uid: "${datasource}";
}

export interface PanelTarget {
  refId: string;
  expr: string;
  legendFormat: string;
  datasource: DatasourceRef;
}

export interface Threshold {
  color: string;
  /** null: the base step (Grafana's own encoding). */
  value: number | null;
}

export interface Panel {
  id: number;
  type: "timeseries" | "stat";
  title: string;
  description: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: DatasourceRef;
  targets: PanelTarget[];
  fieldConfig: {
    defaults: { unit: string; min?: number; max?: number; thresholds: { mode: "absolute"; steps: Threshold[] } };
    overrides: never[];
  };
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  timezone: "browser";
  schemaVersion: 39;
  version: 1;
  editable: boolean;
  refresh: string;
  time: { from: string; to: string };
  templating: { list: { name: "datasource"; label: string; type: "datasource"; query: "prometheus"; current: Record<string, never>; hide: 0 }[] };
  annotations: { list: never[] };
  panels: Panel[];
}

export const DATASOURCE: DatasourceRef = { type: "prometheus", uid: "${datasource}" };
