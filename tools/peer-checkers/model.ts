// The Kubernetes objects the peer checkers read, and what they report.

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** One check failing on one object (and container, for container checks). */
export interface PeerFinding {
  checker: "polaris" | "kube-score" | "kube-linter";
  check: string;
  /** The checker's own level: Polaris warning/danger, kube-score WARNING/CRITICAL, kube-linter error. */
  severity: string;
  /** `Kind/name`. */
  object: string;
  container?: string;
}

type Raw = Record<string, unknown>;
const isMap = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/** Polaris's resource key: `group/Kind`, or `Kind` for the core group (pkg/kube/resources.go addResource). */
export function groupKind(o: K8sObject): string {
  const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
  return group ? `${group}/${o.kind}` : o.kind;
}

/**
 * The pod spec of a workload, found as Polaris finds it (pkg/kube/resource.go GetPodSpec): descend into the first of
 * jobTemplate, spec, template that exists until a map with containers.
 */
export function podSpecOf(o: K8sObject): Raw | undefined {
  const find = (v: unknown): Raw | undefined => {
    if (!isMap(v)) return undefined;
    for (const child of ["jobTemplate", "spec", "template"]) if (child in v) return find(v[child]);
    return "containers" in v ? v : undefined;
  };
  return find(o);
}

/** The pod template (metadata and spec) of a workload: the map whose spec holds the containers. */
export function podTemplateOf(o: K8sObject): Raw | undefined {
  const find = (v: unknown): Raw | undefined => {
    if (!isMap(v)) return undefined;
    const spec = v["spec"];
    if (isMap(spec) && "containers" in spec) return v;
    for (const child of ["jobTemplate", "spec", "template"]) if (child in v) return find(v[child]);
    return undefined;
  };
  return find(o);
}

export function containersOf(o: K8sObject): { container: Raw; init: boolean }[] {
  const spec = podSpecOf(o);
  if (!spec) return [];
  const list = (k: string) => (Array.isArray(spec[k]) ? (spec[k] as Raw[]) : []);
  return [...list("initContainers").map((c) => ({ container: c, init: true })), ...list("containers").map((c) => ({ container: c, init: false }))];
}
