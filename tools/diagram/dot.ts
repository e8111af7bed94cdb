// The diagram model as Graphviz DOT. Every list is emitted in a fixed order, so the same model always gives the
// same text, and (Graphviz being deterministic for a given input) the same SVG.
import type { Diagram, DiagramEdge, DiagramNode, Group } from "./model";

/** Fill colour of a component's box, by its module (agent-platform:<module>:<Type>). */
const MODULE_FILL: Record<string, string> = {
  index: "#f7f7f7", cluster: "#e8f0fb", database: "#e6f4ea", cache: "#fdf1de", workload: "#fde9e7",
  backup: "#efe8f7", secrets: "#fff8d6", images: "#eceff1", observability: "#e0f4f4",
};
const DEFAULT_FILL = "#f2f2f2";

const DATA_STORES = new Set(["aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:s3/bucket:Bucket"]);

function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** A label of several lines: `\n` centres a line, `\l` left-justifies it. Escapes are DOT's, so not quoted twice. */
function label(lines: string[], justify: "center" | "left"): string {
  const escaped = lines.map((l) => l.replace(/\\/g, "\\\\").replace(/"/g, '\\"'));
  return justify === "left" ? `"${escaped.join("\\l")}\\l"` : `"${escaped.join("\\n")}"`;
}

function attrs(pairs: Record<string, string | undefined>): string {
  const list = Object.entries(pairs).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => `${k}=${v}`);
  return list.length === 0 ? "" : ` [${list.join(", ")}]`;
}

function nodeLine(node: DiagramNode): string {
  if (node.kind === "summary") {
    return `${node.id}${attrs({ shape: "note", label: label(node.lines, "left"), fontsize: "9", margin: quote("0.15,0.06"), fillcolor: quote("#ffffff"), color: quote("#9e9e9e") })};`;
  }
  const type = node.type ?? "";
  const shape = DATA_STORES.has(type) ? "cylinder" : type.includes(":helm.sh/") ? "component" : "box";
  return `${node.id}${attrs({ shape, label: label(node.lines, "center"), style: quote(shape === "box" ? "rounded,filled,bold" : "filled,bold") })};`;
}

export interface DotOptions {
  /** First line of the caption under the picture. */
  caption: string;
}

export function toDot(diagram: Diagram, options: DotOptions): string {
  const groupById = new Map(diagram.groups.map((g) => [g.id, g]));
  const root = diagram.groups.find((g) => g.parentId === undefined);
  const isCluster = (group: Group): boolean => group !== root;
  /** Whether a node lies inside a group's box (in it or in a group nested in it). */
  const inside = (node: string, groupId: string): boolean => {
    const found = diagram.nodes.find((n) => n.id === node);
    for (let g = found ? groupById.get(found.groupId) : undefined; g !== undefined; g = g.parentId === undefined ? undefined : groupById.get(g.parentId)) {
      if (g.id === groupId) return true;
    }
    return false;
  };

  const out: string[] = [
    "digraph architecture {",
    `  graph${attrs({
      rankdir: "TB", compound: "true", newrank: "true", fontname: quote("Helvetica"), fontsize: "11", nodesep: "0.25", ranksep: "0.55",
      labelloc: "b", labeljust: "l", label: label([options.caption,
        "Boxes are components; dashed arrows: something in one component depends on something in another (the engine's dependencies).",
        "Solid arrows, read from the objects: an Ingress routes to a Service, a Service selects pods, a workload names a bucket, a database or a Service",
        "in its pod spec (labelled with the variable that names it).",
      ], "left"),
    })};`,
    `  node${attrs({ shape: "box", style: quote("rounded,filled"), fontname: quote("Helvetica"), fontsize: "10", fillcolor: quote("#ffffff"), margin: quote("0.2,0.08") })};`,
    `  edge${attrs({ fontname: quote("Helvetica"), fontsize: "9", arrowsize: "0.7" })};`,
  ];

  const emitGroup = (group: Group, indent: string): void => {
    const inner = isCluster(group) ? `${indent}  ` : indent;
    if (isCluster(group)) {
      out.push(`${indent}subgraph cluster_${group.id} {`);
      out.push(`${inner}graph${attrs({
        label: quote(group.label), style: quote("rounded,filled"), fillcolor: quote(MODULE_FILL[group.module] ?? DEFAULT_FILL),
        color: quote("#8c8c8c"), fontsize: "11", labeljust: "l", labelloc: "t",
      })};`);
    }
    const own = diagram.nodes.filter((n) => n.groupId === group.id);
    for (const node of own) out.push(`${inner}${nodeLine(node)}`);
    // Keep a component's summary under its key nodes, so each box reads top-down: what matters, then the rest.
    const summary = own.find((n) => n.kind === "summary");
    for (const key of own.filter((n) => n.kind === "key")) if (summary) out.push(`${inner}${key.id} -> ${summary.id} [style=invis];`);
    for (const child of diagram.groups.filter((g) => g.parentId === group.id)) emitGroup(child, inner);
    if (isCluster(group)) out.push(`${indent}}`);
  };
  if (root) emitGroup(root, "  ");

  for (const edge of diagram.edges) out.push(`  ${edgeLine(edge, groupById, isCluster, inside)}`);
  out.push("}");
  return `${out.join("\n")}\n`;
}

function edgeLine(
  edge: DiagramEdge, groupById: Map<string, Group>, isCluster: (g: Group) => boolean, inside: (node: string, groupId: string) => boolean,
): string {
  if (edge.kind !== "depends") {
    return `${edge.tail} -> ${edge.head}${attrs({ label: quote(edge.label ?? edge.kind), color: quote("#1f5fa8"), fontcolor: quote("#1f5fa8"), penwidth: "1.4" })};`;
  }
  // Clip the edge at the components' boxes, except where one box holds the other's end (Graphviz cannot clip there).
  const tailGroup = groupById.get(edge.tailGroup);
  const headGroup = groupById.get(edge.headGroup);
  const ltail = tailGroup && isCluster(tailGroup) && !inside(edge.head, tailGroup.id) ? `cluster_${tailGroup.id}` : undefined;
  const lhead = headGroup && isCluster(headGroup) && !inside(edge.tail, headGroup.id) ? `cluster_${headGroup.id}` : undefined;
  return `${edge.tail} -> ${edge.head}${attrs({ style: "dashed", color: quote("#7a7a7a"), ltail, lhead })};`;
}
