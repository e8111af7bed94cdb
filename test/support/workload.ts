// Typed views for the workload tests (issue 4): the server's Deployment, every pod template of a plan, the
// NetworkPolicies, and IAM policy documents, with the few matching rules the assertions need.
import { expect } from "vitest";
import type { CapturedResource } from "../../tools/plan/capture";
import { unwrapSecrets } from "../../tools/plan/wire";
import { NS, type ProgramRun } from "./harness";
import { named, type Container, type PodSpec, type Workload } from "./k8s";

export const T = {
  namespace: "kubernetes:core/v1:Namespace",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  service: "kubernetes:core/v1:Service",
  secret: "kubernetes:core/v1:Secret",
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  job: "kubernetes:batch/v1:Job",
  cronJob: "kubernetes:batch/v1:CronJob",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  helmRelease: "kubernetes:helm.sh/v3:Release",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  oidcProvider: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  addon: "aws:eks/addon:Addon",
  vpc: "aws:ec2/vpc:Vpc",
  kmsKey: "aws:kms/key:Key",
  smSecret: "aws:secretsmanager/secret:Secret",
  smSecretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  randomPassword: "random:index/randomPassword:RandomPassword",
} as const;

/** The server's object name (Deployment, Service, HPA, PDB, ServiceAccount, NetworkPolicy). */
export const SERVER = "agents-server";

export type Labels = Record<string, string>;

export interface LabelSelector { matchLabels?: Labels; matchExpressions?: unknown[] }

/** The server Deployment as rendered. */
export function serverDeployment(run: ProgramRun): Workload {
  return named<Workload>(run, T.deployment, SERVER);
}

/** The server Deployment's one main container, named `server`. */
export function serverContainer(run: ProgramRun): Container {
  const containers = serverDeployment(run).spec.template.spec.containers;
  const server = containers.filter((c) => c.name === "server");
  if (containers.length !== 1 || server.length !== 1) {
    throw new Error(`expected one container named server, found ${containers.map((c) => c.name).join(", ")}`);
  }
  return server[0] as Container;
}

/** Outputs of a captured resource, secret wrappers removed. */
export function outputsOf(resource: CapturedResource): Record<string, unknown> {
  return unwrapSecrets(resource.outputs) as Record<string, unknown>;
}

/** A pod template of any workload kind, with where it came from. */
export interface PodTemplate {
  kind: string;
  name: string;
  namespace: string | undefined;
  labels: Labels;
  spec: PodSpec;
}

interface TemplateHolder {
  metadata: { name: string; namespace?: string };
  spec: {
    template?: { metadata?: { labels?: Labels }; spec: PodSpec };
    jobTemplate?: { spec: { template: { metadata?: { labels?: Labels }; spec: PodSpec } } };
  };
}

/** Every pod template the plan renders: Deployments, StatefulSets, DaemonSets, Jobs and CronJobs. */
export function podTemplates(run: ProgramRun): PodTemplate[] {
  const kinds = [T.deployment, T.statefulSet, T.daemonSet, T.job, T.cronJob];
  return run.resources.filter((r) => (kinds as readonly string[]).includes(r.type)).map((r) => {
    const object = run.inputs(r) as unknown as TemplateHolder;
    const template = object.spec.template ?? object.spec.jobTemplate?.spec.template;
    if (!template) throw new Error(`${r.type} ${r.name} has no pod template`);
    return {
      kind: r.type.split(":")[2] ?? r.type,
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      labels: template.metadata?.labels ?? {},
      spec: template.spec,
    };
  });
}

/** Init containers (native sidecars included) and containers of a pod. */
export function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** Whether a matchLabels selector selects a set of labels (an empty selector selects everything). */
export function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (selector?.matchExpressions && selector.matchExpressions.length > 0) {
    throw new Error("matchExpressions are not evaluated by these tests; extend selects()");
  }
  return Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

export interface NetworkPolicyPeer { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: { cidr: string; except?: string[] } }
export interface NetworkPolicyPort { port?: number | string; protocol?: string; endPort?: number }
export interface NetworkPolicyRule { from?: NetworkPolicyPeer[]; to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }
export interface NetworkPolicy {
  metadata: { name: string; namespace?: string };
  spec: { podSelector: LabelSelector; policyTypes?: string[]; ingress?: NetworkPolicyRule[]; egress?: NetworkPolicyRule[] };
}

/** Every NetworkPolicy of the plan. */
export function networkPolicies(run: ProgramRun): NetworkPolicy[] {
  return run.ofType(T.networkPolicy).map((r) => run.inputs(r) as unknown as NetworkPolicy);
}

/** The NetworkPolicy named `name` in the platform's namespace. */
export function networkPolicy(run: ProgramRun, name: string): NetworkPolicy {
  const found = networkPolicies(run).filter((p) => p.metadata.name === name && p.metadata.namespace === NS);
  if (found.length !== 1) throw new Error(`expected one NetworkPolicy ${NS}/${name}, found ${found.length}`);
  return found[0] as NetworkPolicy;
}

/** One statement of an IAM policy document, as AWS accepts it (scalars or lists). */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Record<string, string | string[]> | "*";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument { Version: string; Statement: PolicyStatement[] }

/** Parse a policy document given as JSON text; a single statement object becomes a one-element list. */
export function parsePolicy(json: unknown): PolicyDocument {
  if (typeof json !== "string") throw new Error(`expected a policy document as JSON text, got ${typeof json}`);
  const parsed = JSON.parse(json) as { Version: string; Statement: PolicyStatement | PolicyStatement[] };
  return { Version: parsed.Version, Statement: Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement] };
}

/** A scalar-or-list field of a policy as a list. */
export function listOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Whether an IAM action pattern (with `*` and `?` wildcards, case-insensitive) covers a concrete action. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split("").map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("")}$`, "i");
  return regex.test(action);
}

/** The Allow statements whose Action covers `action`. */
export function statementsGranting(policy: PolicyDocument, action: string): PolicyStatement[] {
  return policy.Statement.filter((s) => s.Effect === "Allow" && listOf(s.Action).some((pattern) => actionMatches(pattern, action)));
}

/**
 * The restricted security context every pod of the platform must run with, written out here (not taken from the
 * component) and compared whole: a field dropped or loosened anywhere fails.
 */
export function expectRestricted(pod: unknown, container: unknown, uid: number): void {
  expect(pod).toEqual({
    runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, fsGroupChangePolicy: "OnRootMismatch", seccompProfile: { type: "RuntimeDefault" },
  });
  expect(container).toEqual({
    runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" },
  });
}
