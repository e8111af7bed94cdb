// docs/architecture.svg is drawn from the prod plan's resource graph (tools/diagram). These tests regenerate it
// from a fresh plan and compare bytes, and check that the model says what the plan says: every component a box,
// every resource counted once, the Ingress → Service → Deployment path and the CronJobs' bucket read from the objects.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGENERATE_COMMAND, generateArchitecture, planResources, renderArchitecture, type Architecture } from "../../tools/diagram/generate";
import { buildDiagram, summaryLines, type Diagram, type DiagramNode, type GraphResource } from "../../tools/diagram/model";
import { renderSvg } from "../../tools/diagram/render";
import { REPO_ROOT } from "../plan/stacks";

const SVG = path.join(REPO_ROOT, "docs", "architecture.svg");
let resources: GraphResource[];
let prod: Architecture;
let tmp: string;

beforeAll(async () => {
  resources = await planResources("prod");
  prod = await renderArchitecture(resources, "offline plan");
  tmp = mkdtempSync(path.join(tmpdir(), "diagram-"));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** The node standing for the resource whose URN ends in `::<name>`. */
function nodeOf(diagram: Diagram, name: string): DiagramNode {
  const found = diagram.nodes.filter((n) => n.urns.some((u) => u.endsWith(`::${name}`)));
  if (found.length !== 1) throw new Error(`expected one node for ${name}, found ${found.length}`);
  return found[0] as DiagramNode;
}

function groupLabel(diagram: Diagram, id: string | undefined): string | undefined {
  return diagram.groups.find((g) => g.id === id)?.label;
}

function edgesOf(diagram: Diagram, kind: string): string[] {
  const label = (id: string): string => diagram.nodes.find((n) => n.id === id)?.lines.at(-1) ?? id;
  return diagram.edges.filter((e) => e.kind === kind).map((e) => `${label(e.tail)} -> ${label(e.head)}${e.label && e.label !== kind ? ` (${e.label})` : ""}`);
}

describe("docs/architecture.svg", () => {
  it("is what the current prod plan draws, byte for byte", () => {
    const committed = readFileSync(SVG, "utf8");
    // Not toBe: a 60 kB diff of SVG helps nobody; the message says what to do.
    expect(committed === prod.svg, `docs/architecture.svg is out of date with the prod plan: run \`${REGENERATE_COMMAND}\` and commit the file`).toBe(true);
  });

  it("renders the same bytes every time, and the same model whatever order the resources come in", async () => {
    expect(await renderSvg(prod.dot)).toBe(prod.svg);
    expect(buildDiagram([...resources].reverse())).toEqual(prod.diagram);
  });

  it("reads a state.json (`pulumi stack export` form) into the same model", async () => {
    const file = path.join(tmp, "state.json");
    writeFileSync(file, JSON.stringify({ version: 3, deployment: { resources } }));
    expect((await generateArchitecture({ stateFile: file })).diagram).toEqual(prod.diagram);
  });
});

describe("the model of the prod plan", () => {
  it("has one box per component, nested as the components are", () => {
    const components = resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack").map((r) => r.urn).sort();
    expect(prod.diagram.groups.filter((g) => g.parentId !== undefined).map((g) => g.urn).sort()).toEqual(components);
    const parentOf = (label: string): string | undefined => groupLabel(prod.diagram, prod.diagram.groups.find((g) => g.label === label)?.parentId);
    expect(parentOf("Network agents-cluster-network")).toBe("EksCluster agents-cluster");
    expect(parentOf("LoadBalancerController agents-cluster-lb-controller")).toBe("EksCluster agents-cluster");
    expect(parentOf("HardenedBucket agents-backup-storage-backups")).toBe("BackupStorage agents-backup-storage");
    expect(parentOf("RdsPostgres agents-database")).toBe("AgentPlatform agents");
  });

  it("counts every resource exactly once, and leaves out providers", () => {
    const drawn = resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).map((r) => r.urn).sort();
    const counted = prod.diagram.nodes.flatMap((n) => n.urns).sort();
    expect(counted).toEqual(drawn);
    expect(prod.diagram.resourceCount).toBe(drawn.length);
    expect(resources.some((r) => r.type.startsWith("pulumi:providers:"))).toBe(true);
  });

  it("puts each resource in the box of the component that parents it", () => {
    expect(groupLabel(prod.diagram, nodeOf(prod.diagram, "agents-server-deployment").groupId)).toBe("AgentServer agents-server");
    expect(groupLabel(prod.diagram, nodeOf(prod.diagram, "agents-database-instance").groupId)).toBe("RdsPostgres agents-database");
    expect(groupLabel(prod.diagram, nodeOf(prod.diagram, "agents-cluster-network-vpc").groupId)).toBe("Network agents-cluster-network");
    expect(nodeOf(prod.diagram, "agents-cluster-network-vpc").kind).toBe("summary");
  });

  it("follows a request from the Ingress through the Service to the Deployment, read from the objects", () => {
    expect(edgesOf(prod.diagram, "routes")).toEqual(["agents-ingress -> agents-server-service"]);
    expect(edgesOf(prod.diagram, "selects")).toContain("agents-server-service -> agents-server-deployment");
    // A selector matching no workload's pods draws nothing.
    expect(edgesOf(prod.diagram, "selects").every((e) => e.endsWith("-deployment") || e.endsWith("-statefulset"))).toBe(true);
  });

  it("links each backup CronJob to the bucket its BACKUP_S3_URI names (not the log bucket) and the database its PGHOST names", () => {
    const uses = edgesOf(prod.diagram, "uses");
    for (const job of ["agents-backup-jobs-backup", "agents-backup-jobs-restore", "agents-backup-jobs-restore-drill"]) {
      expect(uses).toContain(`${job} -> agents-backup-storage-backups (BACKUP_S3_URI)`);
      expect(uses).toContain(`${job} -> agents-database-instance (PGHOST)`);
    }
    expect(uses).toContain("agents-database-jobs-bootstrap -> agents-database-instance (PGHOST)");
    expect(uses.filter((e) => e.includes("agents-backup-storage-logs"))).toEqual([]);
    // The migrations Job reads its database URI from a Secret: nothing in its pod spec names the instance.
    expect(uses.filter((e) => e.startsWith("agents-database-jobs-migrations"))).toEqual([]);
  });

  it("draws the engine's dependencies between components, except on the namespace", () => {
    const between = prod.diagram.edges.filter((e) => e.kind === "depends")
      .map((e) => `${groupLabel(prod.diagram, e.tailGroup)} -> ${groupLabel(prod.diagram, e.headGroup)}`);
    expect(between).toEqual(expect.arrayContaining([
      "AgentServer agents-server -> DatabaseJobs agents-database-jobs",
      "EksCluster agents-cluster -> Network agents-cluster-network",
      "RdsPostgres agents-database -> Network agents-cluster-network",
      "ElastiCacheRedis agents-cache -> EksCluster agents-cluster",
    ]));
    // The database's admin Secret needs the namespace (and nothing else of the platform's), like everything
    // namespaced: that edge is not drawn ...
    expect(between).not.toContain("RdsPostgres agents-database -> AgentPlatform agents");
    // ... while the server's Deployment also needs the platform's Redis TLS ConfigMap, so that edge is.
    expect(between).toContain("AgentServer agents-server -> AgentPlatform agents");
    // ... and a pair already joined by an edge read from the objects gets no second, dashed one.
    expect(between).not.toContain("BackupJobs agents-backup-jobs -> HardenedBucket agents-backup-storage-backups");
    expect(between).not.toContain("DatabaseJobs agents-database-jobs -> RdsPostgres agents-database");
    expect(new Set(between).size).toBe(between.length);
  });

  it("names every component in the SVG", () => {
    // Graphviz writes "-" as "&#45;" in SVG text.
    for (const group of prod.diagram.groups.filter((g) => g.parentId !== undefined)) expect(prod.svg).toContain(`>${group.label.replace(/-/g, "&#45;")}</text>`);
  });
});

describe("the model of the dev plan", () => {
  it("shows the in-cluster database and Redis behind their Services, and no empty box for the existing cluster", async () => {
    const dev = buildDiagram(await planResources("dev"));
    expect(edgesOf(dev, "selects")).toEqual(expect.arrayContaining([
      "agents-cache-service -> agents-cache-deployment",
      "agents-database-service -> agents-database-statefulset",
      "agents-server-service -> agents-server-deployment",
    ]));
    // The server names Redis by its Service's cluster DNS name; the bootstrap Job names the database's.
    expect(edgesOf(dev, "uses")).toEqual(expect.arrayContaining([
      "agents-server-deployment -> agents-cache-service (LETTA_REDIS_HOST)",
      "agents-database-jobs-bootstrap -> agents-database-service (PGHOST)",
    ]));
    expect(edgesOf(dev, "routes")).toEqual([]);
    expect(dev.groups.map((g) => g.label)).not.toContain("ExistingCluster agents-cluster");
  });
});

describe("summary lines", () => {
  it("group kinds by service, show counts above one, and wrap long lists", () => {
    const lines = summaryLines(new Map([
      ["aws:ec2/subnet:Subnet", 6], ["aws:ec2/vpc:Vpc", 1], ["aws:ec2/natGateway:NatGateway", 3], ["aws:ec2/routeTable:RouteTable", 4],
      ["aws:ec2/routeTableAssociation:RouteTableAssociation", 6], ["aws:iam/role:Role", 1], ["kubernetes:core/v1:ConfigMap", 2],
    ]));
    expect(lines).toEqual([
      "EC2: 3 NatGateway, 4 RouteTable,",
      "   6 RouteTableAssociation, 6 Subnet, Vpc",
      "IAM: Role",
      "Kubernetes: 2 ConfigMap",
    ]);
  });
});

interface CliResult { code: number | null; stdout: string; stderr: string }

function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "tools/diagram/cli.ts", ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the command line", () => {
  it("draws a state file, writes the DOT on request, and --check tells a stale file by exit code 1", async () => {
    const state = path.join(tmp, "cli-state.json");
    const svg = path.join(tmp, "out.svg");
    const dot = path.join(tmp, "out.dot");
    writeFileSync(state, JSON.stringify({ version: 3, deployment: { resources } }));
    const written = await runCli(["--state", state, "--svg", svg, "--dot", dot]);
    expect(written.code, written.stderr).toBe(0);
    const expected = await renderArchitecture(resources, "state export");
    expect(readFileSync(svg, "utf8")).toBe(expected.svg);
    expect(readFileSync(dot, "utf8")).toBe(expected.dot);

    expect((await runCli(["--state", state, "--svg", svg, "--check"])).code).toBe(0);
    writeFileSync(svg, "<svg/>");
    const stale = await runCli(["--state", state, "--svg", svg, "--check"]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`out of date: run ${REGENERATE_COMMAND}`);
    expect(readFileSync(svg, "utf8")).toBe("<svg/>");
  });

  it("refuses bad usage with exit code 2, and a file that is no state export with 3", async () => {
    const both = await runCli(["--stack", "prod", "--state", "x.json"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--stack and --state exclude each other");
    expect((await runCli(["--nope"])).code).toBe(2);
    const notState = path.join(tmp, "not-state.json");
    writeFileSync(notState, "{}");
    const bad = await runCli(["--state", notState, "--svg", path.join(tmp, "never.svg")]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain("is not a `pulumi stack export` file of deployment version 3");
  });
});
