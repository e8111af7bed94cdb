// The architecture picture as data: the plan's resources grouped by the component that parents them, a few key
// resources drawn on their own, and edges. Pure: the same resources give the same model, whatever their order.
//
// Group edges come from the engine's dependencies (`dependencies` and `propertyDependencies`), folded onto the
// components: "something in A needs something in B". Three kinds of edges are read from the objects themselves,
// because no dependency records them (or only one between whole components): an Ingress routes to the Service its
// backends name, a Service selects the workloads whose pod labels match its selector, and a workload (Deployment,
// Job, CronJob, ...) uses what a string in its containers names: a bucket (`s3://<bucket>`), the RDS instance (its
// address) or a Service (`<service>.<namespace>.svc`).
import { displayType, KEY_TYPES, UBIQUITOUS_TYPES, isWorkloadType, typeParts } from "./types";

/** The fields read from a resource: both `pulumi stack export` (v3) resources and the plan's captured ones have them. */
export interface GraphResource {
  urn: string;
  type: string;
  custom: boolean;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface Group {
  id: string;
  urn: string;
  /** e.g. "EksCluster agents-cluster"; the Stack's own group is labelled "Stack <name>". */
  label: string;
  /** The `<module>` of `agent-platform:<module>:<Type>` (cluster, database, ...), which picks the colour. */
  module: string;
  /** Enclosing group; undefined for the Stack's group. */
  parentId?: string;
}

export type NodeKind = "key" | "summary";

export interface DiagramNode {
  id: string;
  groupId: string;
  kind: NodeKind;
  /** Lines of the label. */
  lines: string[];
  /** Resource type of a key node (its shape follows it); undefined for a summary. */
  type?: string;
  /** The resources the node stands for: one for a key node, the rest of its group for a summary. */
  urns: string[];
}

export type EdgeKind = "depends" | "routes" | "selects" | "uses";

export interface DiagramEdge {
  kind: EdgeKind;
  /** Node ids. For "depends" edges the nodes stand for their groups (see tailGroup/headGroup). */
  tail: string;
  head: string;
  tailGroup: string;
  headGroup: string;
  label?: string;
}

export interface Diagram {
  /** Groups, parents before children, siblings by URN. */
  groups: Group[];
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  /** Resources drawn (providers and the Stack itself are left out). */
  resourceCount: number;
}

const STACK_TYPE = "pulumi:pulumi:Stack";
const isProvider = (type: string): boolean => type.startsWith("pulumi:providers:");

function lastUrnPart(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** DOT ids: letters, digits and underscores only. */
function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, "_");
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringRecord(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(record(value)).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function componentModule(type: string): string {
  return type.split(":")[1] ?? "";
}

function componentLabel(resource: GraphResource): string {
  return `${resource.type.slice(resource.type.lastIndexOf(":") + 1)} ${lastUrnPart(resource.urn)}`;
}

export function buildDiagram(resources: readonly GraphResource[]): Diagram {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const stack = resources.find((r) => r.type === STACK_TYPE);
  const components = resources.filter((r) => !r.custom && r.type !== STACK_TYPE);
  const drawn = resources.filter((r) => r.custom && !isProvider(r.type)).sort((a, b) => a.urn.localeCompare(b.urn));

  // Groups: the Stack (for resources parented by nothing else) and every component.
  const groupOfUrn = new Map<string, Group>();
  const usedIds = new Set<string>();
  const uniqueId = (base: string): string => {
    let id = base;
    for (let i = 2; usedIds.has(id); i++) id = `${base}_${i}`;
    usedIds.add(id);
    return id;
  };
  const stackUrn = stack?.urn ?? "urn:pulumi:stack";
  const stackGroup: Group = { id: uniqueId("stack"), urn: stackUrn, label: `Stack ${stack ? lastUrnPart(stack.urn) : ""}`.trim(), module: "" };
  groupOfUrn.set(stackUrn, stackGroup);
  for (const component of [...components].sort((a, b) => a.urn.localeCompare(b.urn))) {
    const label = componentLabel(component);
    groupOfUrn.set(component.urn, { id: uniqueId(`g_${idPart(label)}`), urn: component.urn, label, module: componentModule(component.type) });
  }
  /** The group a resource belongs to: itself for a component, else its nearest component ancestor, else the Stack's. */
  const groupOf = (urn: string): Group => {
    const own = groupOfUrn.get(urn);
    if (own) return own;
    const seen = new Set<string>();
    for (let parent = byUrn.get(urn)?.parent; parent !== undefined && !seen.has(parent); parent = byUrn.get(parent)?.parent) {
      seen.add(parent);
      const group = groupOfUrn.get(parent);
      if (group) return group;
    }
    return stackGroup;
  };
  for (const component of components) {
    const group = groupOfUrn.get(component.urn) as Group;
    const parent = component.parent === undefined ? stackGroup : groupOf(component.parent);
    group.parentId = parent === group ? stackGroup.id : parent.id;
  }

  // Nodes: key resources alone, the rest of each group counted by type in one summary node.
  const nodes: DiagramNode[] = [];
  const nodeOfUrn = new Map<string, DiagramNode>();
  const rest = new Map<string, Map<string, number>>();
  const restUrns = new Map<string, string[]>();
  for (const resource of drawn) {
    const group = groupOf(resource.urn);
    if (KEY_TYPES.has(resource.type)) {
      const node: DiagramNode = {
        id: uniqueId(`n_${idPart(`${displayType(resource.type)}_${lastUrnPart(resource.urn)}`)}`),
        groupId: group.id, kind: "key", lines: [displayType(resource.type), lastUrnPart(resource.urn)], type: resource.type, urns: [resource.urn],
      };
      nodes.push(node);
      nodeOfUrn.set(resource.urn, node);
    } else {
      const counts = rest.get(group.id) ?? new Map<string, number>();
      counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
      rest.set(group.id, counts);
      restUrns.set(group.id, [...(restUrns.get(group.id) ?? []), resource.urn]);
    }
  }
  const summaryOf = new Map<string, DiagramNode>();
  for (const [groupId, counts] of [...rest].sort((a, b) => a[0].localeCompare(b[0]))) {
    const lines = summaryLines(counts);
    const node: DiagramNode = { id: uniqueId(`s_${groupId}`), groupId, kind: "summary", lines, urns: restUrns.get(groupId) ?? [] };
    nodes.push(node);
    summaryOf.set(groupId, node);
  }
  for (const resource of drawn) if (!nodeOfUrn.has(resource.urn)) nodeOfUrn.set(resource.urn, summaryOf.get(groupOf(resource.urn).id) as DiagramNode);

  const groups = withContent(orderGroups([...groupOfUrn.values()]), nodes);
  const anchors = anchorNodes(groups, nodes);

  // Edges the objects themselves state.
  const semantic = semanticEdges(drawn, nodeOfUrn);

  // Group edges from the engine's dependencies, minus the group pairs a semantic edge already connects.
  const explained = new Set(semantic.map((e) => `${e.tailGroup}>${e.headGroup}`));
  const pairs = new Set<string>();
  for (const resource of resources) {
    if (resource.type === STACK_TYPE || isProvider(resource.type)) continue;
    const from = groupOf(resource.urn);
    const deps = new Set([...(resource.dependencies ?? []), ...Object.values(resource.propertyDependencies ?? {}).flat()]);
    for (const dep of deps) {
      const target = byUrn.get(dep);
      if (!target || target.type === STACK_TYPE || isProvider(target.type) || UBIQUITOUS_TYPES.has(target.type)) continue;
      const to = groupOf(dep);
      if (to !== from) pairs.add(`${from.id}>${to.id}`);
    }
  }
  const edges: DiagramEdge[] = [...semantic];
  for (const pair of [...pairs].sort()) {
    if (explained.has(pair)) continue;
    const [tailGroup, headGroup] = pair.split(">") as [string, string];
    const tail = anchors.get(tailGroup);
    const head = anchors.get(headGroup);
    if (tail === undefined || head === undefined || tail === head) continue;
    edges.push({ kind: "depends", tail, head, tailGroup, headGroup });
  }
  edges.sort((a, b) => `${a.kind} ${a.tail} ${a.head} ${a.label ?? ""}`.localeCompare(`${b.kind} ${b.tail} ${b.head} ${b.label ?? ""}`));

  return { groups, nodes: nodes.sort((a, b) => a.id.localeCompare(b.id)), edges, resourceCount: drawn.length };
}

const SUMMARY_WIDTH = 44;

/**
 * What a summary node says: per service, its kinds with their counts ("EC2: 3 Eip, FlowLog, ..."), wrapped so a
 * node stays narrow.
 */
export function summaryLines(counts: ReadonlyMap<string, number>): string[] {
  const byService = new Map<string, string[]>();
  for (const [type, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
    const { service, kind } = typeParts(type);
    byService.set(service, [...(byService.get(service) ?? []), n === 1 ? kind : `${n} ${kind}`]);
  }
  const lines: string[] = [];
  for (const [service, kinds] of [...byService].sort((a, b) => a[0].localeCompare(b[0]))) {
    let line = `${service}:`;
    for (const [i, kind] of kinds.entries()) {
      const item = `${kind}${i < kinds.length - 1 ? "," : ""}`;
      if (line.length + 1 + item.length > SUMMARY_WIDTH && line.includes(" ")) {
        lines.push(line);
        line = `   ${item}`;
      } else {
        line = `${line} ${item}`;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Parents before children; siblings in URN order. */
function orderGroups(groups: Group[]): Group[] {
  const children = new Map<string | undefined, Group[]>();
  for (const g of groups) children.set(g.parentId, [...(children.get(g.parentId) ?? []), g]);
  const out: Group[] = [];
  const visit = (parentId: string | undefined): void => {
    for (const g of (children.get(parentId) ?? []).sort((a, b) => a.urn.localeCompare(b.urn))) {
      out.push(g);
      visit(g.id);
    }
  };
  visit(undefined);
  return out;
}

/** Groups that draw something (a node of their own or in a nested group); the Stack's group always stays. */
function withContent(groups: Group[], nodes: DiagramNode[]): Group[] {
  const full = new Set(nodes.map((n) => n.groupId));
  const byId = new Map(groups.map((g) => [g.id, g]));
  for (const id of [...full]) {
    for (let g = byId.get(id); g?.parentId !== undefined; g = byId.get(g.parentId)) full.add(g.parentId);
  }
  return groups.filter((g) => g.parentId === undefined || full.has(g.id));
}

/** The node a group edge attaches to: the group's summary, else its first key node, else a child group's anchor. */
function anchorNodes(groups: Group[], nodes: DiagramNode[]): Map<string, string> {
  const anchors = new Map<string, string>();
  const find = (group: Group): string | undefined => {
    if (anchors.has(group.id)) return anchors.get(group.id);
    const own = nodes.filter((n) => n.groupId === group.id).sort((a, b) => (a.kind === b.kind ? a.id.localeCompare(b.id) : a.kind === "summary" ? -1 : 1));
    let anchor = own[0]?.id;
    for (const child of groups.filter((g) => g.parentId === group.id)) {
      if (anchor !== undefined) break;
      anchor = find(child);
    }
    if (anchor !== undefined) anchors.set(group.id, anchor);
    return anchor;
  };
  for (const group of groups) find(group);
  return anchors;
}

interface K8sObject {
  resource: GraphResource;
  name?: string;
  namespace?: string;
  spec: Record<string, unknown>;
}

function k8sObject(resource: GraphResource): K8sObject {
  const inputs = record(resource.inputs);
  const metadata = record(inputs.metadata);
  const name = text(metadata.name);
  const namespace = text(metadata.namespace);
  return { resource, ...(name === undefined ? {} : { name }), ...(namespace === undefined ? {} : { namespace }), spec: record(inputs.spec) };
}

/** The pod template of a workload (CronJobs nest theirs one level deeper). */
function podTemplate(object: K8sObject): Record<string, unknown> {
  if (object.resource.type.endsWith(":CronJob")) return record(record(record(object.spec.jobTemplate).spec).template);
  return record(object.spec.template);
}

/** Every string in a value, with the name of the env var (or "") it sits in. */
function stringsIn(value: unknown, envName = ""): [string, string][] {
  if (typeof value === "string") return [[envName, value]];
  if (Array.isArray(value)) return value.flatMap((v) => stringsIn(v, envName));
  const r = record(value);
  const name = typeof r.name === "string" && "value" in r ? r.name : envName;
  return Object.values(r).flatMap((v) => stringsIn(v, name));
}

/** Whether a string names a bucket (s3://bucket or s3://bucket/...) or a host (the name, whole, as a host). */
function names(value: string, name: string, form: "s3" | "host"): boolean {
  if (form === "s3") return value === `s3://${name}` || value.startsWith(`s3://${name}/`);
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9.-])${escaped}($|[^A-Za-z0-9-])`).test(value);
}

function semanticEdges(drawn: GraphResource[], nodeOfUrn: Map<string, DiagramNode>): DiagramEdge[] {
  const edges: DiagramEdge[] = [];
  const add = (kind: EdgeKind, from: GraphResource, to: GraphResource, label: string): void => {
    const tail = nodeOfUrn.get(from.urn);
    const head = nodeOfUrn.get(to.urn);
    if (!tail || !head || tail === head) return;
    if (edges.some((e) => e.kind === kind && e.tail === tail.id && e.head === head.id)) return;
    edges.push({ kind, tail: tail.id, head: head.id, tailGroup: tail.groupId, headGroup: head.groupId, label });
  };
  const objects = drawn.filter((r) => r.type.startsWith("kubernetes:")).map(k8sObject);
  const services = objects.filter((o) => o.resource.type === "kubernetes:core/v1:Service");
  const workloads = objects.filter((o) => isWorkloadType(o.resource.type));

  for (const ingress of objects.filter((o) => o.resource.type === "kubernetes:networking.k8s.io/v1:Ingress")) {
    const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);
    const backends = [record(ingress.spec.defaultBackend), ...list(ingress.spec.rules)
      .flatMap((rule) => list(record(record(rule).http).paths))
      .map((path) => record(record(path).backend))];
    for (const backend of backends) {
      const name = text(record(backend.service).name);
      const service = services.find((s) => s.name === name && s.namespace === ingress.namespace);
      if (service) add("routes", ingress.resource, service.resource, "routes");
    }
  }
  for (const service of services) {
    const selector = Object.entries(stringRecord(service.spec.selector));
    if (selector.length === 0) continue;
    for (const workload of workloads.filter((w) => w.namespace === service.namespace)) {
      const labels = stringRecord(record(podTemplate(workload).metadata).labels);
      if (selector.every(([k, v]) => labels[k] === v)) add("selects", service.resource, workload.resource, "selects");
    }
  }
  // What a workload's pod spec names: a bucket (s3://<bucket>), a database (the RDS address), a Service (its
  // cluster DNS name <service>.<namespace>.svc).
  const targets = [
    ...drawn.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => ({ resource: r, name: text(record(r.outputs).bucket) ?? text(record(r.inputs).bucket), form: "s3" as const })),
    ...drawn.filter((r) => r.type === "aws:rds/instance:Instance").map((r) => ({ resource: r, name: text(record(r.outputs).address), form: "host" as const })),
    ...services.map((s) => ({ resource: s.resource, name: s.name === undefined || s.namespace === undefined ? undefined : `${s.name}.${s.namespace}.svc`, form: "host" as const })),
  ].filter((t): t is { resource: GraphResource; name: string; form: "s3" | "host" } => t.name !== undefined && t.name !== "");
  for (const workload of workloads) {
    const strings = stringsIn(record(podTemplate(workload).spec).containers);
    for (const target of targets) {
      const hit = strings.find(([, value]) => names(value, target.name, target.form));
      if (hit) add("uses", workload.resource, target.resource, hit[0] || "uses");
    }
  }
  return edges;
}
