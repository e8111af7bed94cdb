/**
 * Runs pack policies over resources exactly as the CrossGuard policy server does (sdk/nodejs/policy/server.ts of
 * @pulumi/policy 1.21): the same enforcement resolution (pack config, then the policy's own level), props wrapped in
 * `unknownCheckingProxy`, `notApplicable` by throwing, an UnknownValueError turned into an advisory "can't run ...
 * during preview", and stack policies given PolicyResource objects with parent, dependencies and
 * propertyDependencies resolved to resource objects. Tests and the offline CLI both use this one function.
 */
import * as policySdk from "@pulumi/policy";
import type { EnforcementLevel, PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type { PackPolicy } from "../../policy/lib/adapter";
import type { Severity } from "../../policy/lib/rule";
import { isUnknownSentinel } from "../../policy/lib/values";

/** Exported by @pulumi/policy 1.21 for test helpers, but shipped without type declarations (proxy.d.ts is empty). */
const { unknownCheckingProxy, UnknownValueError } = policySdk as unknown as {
  unknownCheckingProxy: <T extends object>(props: T) => T;
  UnknownValueError: new (sentinel: string, props: string[]) => Error;
};

/** One resource as a stack export (or the engine) describes it. */
export interface AnalyzedResource {
  type: string;
  urn: string;
  name: string;
  /** Inputs: what resource policies see. */
  inputs: Record<string, unknown>;
  /** Outputs: what stack policies see (the engine passes the resource's state). Defaults to inputs. */
  outputs?: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  protect?: boolean;
}

export type PackConfig = Record<string, { enforcementLevel?: EnforcementLevel } & Record<string, unknown>>;

export interface Finding {
  policy: string;
  severity: Severity | undefined;
  enforcementLevel: "advisory" | "mandatory";
  message: string;
  urn?: string;
  name?: string;
  /** "undecided": a value the rule needed is unknown until `pulumi up` (advisory, never a silent pass). */
  kind: "violation" | "undecided";
}

export interface Evaluation {
  findings: Finding[];
  /** How many resources (resource policies) or stacks (stack policies) each policy actually evaluated. */
  evaluated: Map<string, number>;
  /** Reasons policies gave for not applying, per policy (exclusions among them). */
  notApplicable: Map<string, string[]>;
}

class NotApplicableError extends Error {
  constructor(public readonly reason: string | undefined) {
    super(reason ?? "not applicable");
  }
}
const throwNotApplicable = (reason?: string): never => {
  throw new NotApplicableError(reason);
};

export interface EvaluateOptions {
  config?: PackConfig;
  stackTags?: Map<string, string>;
}

function levelOf(p: PackPolicy, config: PackConfig): EnforcementLevel {
  const level = config[p.name]?.enforcementLevel ?? p.enforcementLevel ?? "advisory";
  return level === "remediate" ? "mandatory" : level;
}

function configOf(p: PackPolicy, config: PackConfig): Record<string, unknown> {
  const { enforcementLevel: _ignored, ...rest } = config[p.name] ?? {};
  void _ignored;
  return rest;
}

function noteNotApplicable(out: Evaluation, policy: string, reason: string | undefined): void {
  const list = out.notApplicable.get(policy) ?? [];
  list.push(reason ?? "");
  out.notApplicable.set(policy, list);
}



function containsUnknown(value: unknown): boolean {
  if (typeof value === "string") return isUnknownSentinel(value);
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * The engine wraps every props object in unknownCheckingProxy, which only ever throws on an unknown sentinel. A props
 * tree without one behaves identically unwrapped, and skipping the proxy (which re-wraps every nested value on every
 * read) makes large state files affordable; trees with a sentinel keep the proxy and its semantics.
 */
function guarded<T extends object>(props: T, hasUnknown: boolean): T {
  return hasUnknown ? unknownCheckingProxy(props) : props;
}

const NO_OPTIONS = Object.freeze({ protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } });

/** PolicyResource objects as the server builds them: parent, dependencies and propertyDependencies as objects. */
function buildStackResources(resources: readonly AnalyzedResource[], unknownOutputs: ReadonlySet<AnalyzedResource>): PolicyResource[] {
  const objects = new Map<string, PolicyResource>();
  const no = () => false;
  const none = () => undefined;
  for (const r of resources) {
    objects.set(r.urn, {
      type: r.type,
      props: guarded(r.outputs ?? r.inputs, unknownOutputs.has(r)),
      urn: r.urn,
      name: r.name,
      opts: r.protect ? { ...NO_OPTIONS, protect: true } : NO_OPTIONS,
      dependencies: [],
      propertyDependencies: {},
      isType: no,
      asType: none,
    });
  }
  const resolve = (urns: readonly string[] | undefined) => (urns ?? []).map((u) => objects.get(u)).filter((o): o is PolicyResource => o !== undefined);
  for (const r of resources) {
    const o = objects.get(r.urn);
    if (!o) continue;
    const parent = r.parent ? objects.get(r.parent) : undefined;
    if (parent) o.parent = parent;
    o.dependencies = resolve(r.dependencies);
    for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) o.propertyDependencies[k] = resolve(urns);
  }
  return [...objects.values()];
}

export function evaluate(policies: readonly PackPolicy[], resources: readonly AnalyzedResource[], opts: EvaluateOptions = {}): Evaluation {
  const config = opts.config ?? {};
  const stackTags = opts.stackTags ?? new Map<string, string>();
  const out: Evaluation = { findings: [], evaluated: new Map(), notApplicable: new Map() };
  const byType = new Map<string, AnalyzedResource[]>();
  const byUrn = new Map<string, AnalyzedResource>();
  const unknownInputs = new Set<AnalyzedResource>();
  const unknownOutputs = new Set<AnalyzedResource>();
  let stackResources: PolicyResource[] | undefined;
  for (const r of resources) {
    const list = byType.get(r.type);
    if (list) list.push(r);
    else byType.set(r.type, [r]);
    byUrn.set(r.urn, r);
    if (containsUnknown(r.inputs)) unknownInputs.add(r);
    if (r.outputs && r.outputs !== r.inputs ? containsUnknown(r.outputs) : unknownInputs.has(r)) unknownOutputs.add(r);
  }

  for (const p of policies) {
    const level = levelOf(p, config);
    if (level === "disabled") continue;
    const reported = level === "advisory" ? "advisory" : "mandatory";
    const push = (message: string, urn: string | undefined, kind: Finding["kind"], enforcementLevel: Finding["enforcementLevel"]) => {
      const subject = urn ? byUrn.get(urn) : undefined;
      out.findings.push({ policy: p.name, severity: p.severity, enforcementLevel, message, kind, ...(urn ? { urn } : {}), ...(subject ? { name: subject.name } : {}) });
    };
    const count = () => out.evaluated.set(p.name, (out.evaluated.get(p.name) ?? 0) + 1);
    // One call of a validation, with the server's outcomes: ran; unknown at preview (advisory, counted as run);
    // not applicable; anything else is the policy's own failure.
    const run = (validate: () => unknown, urn: string | undefined): void => {
      try {
        if (validate() instanceof Promise) throw new Error(`policy ${p.name} is asynchronous; the offline runner expects synchronous rules`);
        count();
      } catch (e) {
        if (e instanceof UnknownValueError) {
          count();
          push(`can't run policy '${p.name}' during preview: ${e.message}`, urn, "undecided", "advisory");
        } else if (e instanceof NotApplicableError) noteNotApplicable(out, p.name, e.reason);
        else throw new Error(`policy ${p.name} failed${urn ? ` on ${urn}` : ""}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    };

    if ("validateResource" in p && p.validateResource) {
      const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
      // Only target types: for any other type the policy would call notApplicable straight away.
      for (const r of p.targets.flatMap((t) => byType.get(t) ?? [])) {
        for (const validation of validations) {
          const props = guarded(r.inputs, unknownInputs.has(r));
          const args: ResourceValidationArgs = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: r.protect ? { ...NO_OPTIONS, protect: true } : NO_OPTIONS,
            stackTags,
            isType: () => false,
            asType: () => undefined,
            getConfig: <T extends object>() => configOf(p, config) as T,
            notApplicable: throwNotApplicable,
          };
          run(() => validation(args, (message, urn) => push(message, urn ?? r.urn, "violation", reported)), r.urn);
        }
      }
    } else if ("validateStack" in p && p.validateStack) {
      // Built once and shared by every stack policy of this run: rules only read them (the engine builds a fresh set
      // per policy; for a read-only consumer that is the same thing, and 10,000 resources x 40 policies is not).
      stackResources ??= buildStackResources(resources, unknownOutputs);
      const args: StackValidationArgs = {
        resources: stackResources,
        getConfig: <T extends object>() => configOf(p, config) as T,
        stackTags,
        notApplicable: throwNotApplicable,
      };
      run(() => p.validateStack(args, (message, urn) => push(message, urn, "violation", reported)), undefined);
    }
  }
  return out;
}
