/**
 * Runs pack policies over resources exactly as the CrossGuard policy server does (sdk/nodejs/policy/server.ts of
 * @pulumi/policy 1.21): the same enforcement resolution (pack config, then the policy's own level), props wrapped in
 * `unknownCheckingProxy`, `notApplicable` by throwing, an UnknownValueError turned into an advisory "can't run ...
 * during preview", and stack policies given PolicyResource objects with parent, dependencies and
 * propertyDependencies resolved to resource objects. Tests and the offline CLI both use this one function.
 */
import { unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import type { EnforcementLevel, PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type { PackPolicy } from "../../policy/lib/adapter";
import type { Severity } from "../../policy/lib/rule";

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

export function evaluate(policies: readonly PackPolicy[], resources: readonly AnalyzedResource[], opts: EvaluateOptions = {}): Evaluation {
  const config = opts.config ?? {};
  const stackTags = opts.stackTags ?? new Map<string, string>();
  const out: Evaluation = { findings: [], evaluated: new Map(), notApplicable: new Map() };
  const byType = new Map<string, AnalyzedResource[]>();
  for (const r of resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);

  for (const p of policies) {
    const level = levelOf(p, config);
    if (level === "disabled") continue;
    const reported = level === "advisory" ? "advisory" : "mandatory";
    const push = (message: string, urn: string | undefined, kind: Finding["kind"], enforcementLevel: Finding["enforcementLevel"]) => {
      const subject = urn ? resources.find((r) => r.urn === urn) : undefined;
      out.findings.push({ policy: p.name, severity: p.severity, enforcementLevel, message, kind, ...(urn ? { urn } : {}), ...(subject ? { name: subject.name } : {}) });
    };
    const unknown = (e: UnknownValueError) => `can't run policy '${p.name}' during preview: ${e.message}`;

    if ("validateResource" in p && p.validateResource) {
      const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
      // Only target types: for any other type the policy would call notApplicable straight away.
      for (const r of p.targets.flatMap((t) => byType.get(t) ?? [])) {
        for (const validation of validations) {
          const props = unknownCheckingProxy(r.inputs);
          const args: ResourceValidationArgs = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: { protect: r.protect ?? false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
            stackTags,
            isType: () => false,
            asType: () => undefined,
            getConfig: <T extends object>() => configOf(p, config) as T,
            notApplicable: throwNotApplicable,
          };
          try {
            const result: unknown = validation(args, (message, urn) => push(message, urn ?? r.urn, "violation", reported));
            if (result instanceof Promise) throw new Error(`policy ${p.name} is asynchronous; the offline runner expects synchronous rules`);
            out.evaluated.set(p.name, (out.evaluated.get(p.name) ?? 0) + 1);
          } catch (e) {
            if (e instanceof UnknownValueError) {
              out.evaluated.set(p.name, (out.evaluated.get(p.name) ?? 0) + 1);
              push(unknown(e), r.urn, "undecided", "advisory");
            } else if (e instanceof NotApplicableError) noteNotApplicable(out, p.name, e.reason);
            else throw new Error(`policy ${p.name} failed on ${r.urn}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
          }
        }
      }
    } else if ("validateStack" in p && p.validateStack) {
      const objects = new Map<string, PolicyResource>();
      for (const r of resources) {
        const props = unknownCheckingProxy(r.outputs ?? r.inputs);
        objects.set(r.urn, {
          type: r.type,
          props,
          urn: r.urn,
          name: r.name,
          opts: { protect: r.protect ?? false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
          dependencies: [],
          propertyDependencies: {},
          isType: () => false,
          asType: () => undefined,
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
      const args: StackValidationArgs = {
        resources: [...objects.values()],
        getConfig: <T extends object>() => configOf(p, config) as T,
        stackTags,
        notApplicable: throwNotApplicable,
      };
      try {
        const result: unknown = p.validateStack(args, (message, urn) => push(message, urn, "violation", reported));
        if (result instanceof Promise) throw new Error(`policy ${p.name} is asynchronous; the offline runner expects synchronous rules`);
        out.evaluated.set(p.name, (out.evaluated.get(p.name) ?? 0) + 1);
      } catch (e) {
        if (e instanceof UnknownValueError) {
          out.evaluated.set(p.name, (out.evaluated.get(p.name) ?? 0) + 1);
          push(unknown(e), undefined, "undecided", "advisory");
        } else if (e instanceof NotApplicableError) noteNotApplicable(out, p.name, e.reason);
        else throw new Error(`policy ${p.name} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    }
  }
  return out;
}
