// Runs the whole program (index.ts) for a stack under the mock runtime and gives tests the captured graph,
// with finders that read the real rendered properties.
import type { CapturedResource, CapturedStack } from "../../tools/plan/capture";
import { planStack, type PlanOptions } from "../../tools/plan/plan-stack";
import { isSecretValue, unwrapSecrets } from "../../tools/plan/wire";

export const NS = "agent-platform";

export class ProgramRun {
  constructor(public readonly captured: CapturedStack) {}

  get resources(): CapturedResource[] {
    return this.captured.resources;
  }

  /** Resources of a type token, e.g. `kubernetes:core/v1:Namespace`. */
  ofType(type: string): CapturedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of a type (fails when there are none or several). */
  one(type: string, name?: string): CapturedResource {
    const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
    return found[0] as CapturedResource;
  }

  /** Inputs with secret wrappers removed (values are the plan's fakes). */
  inputs(resource: CapturedResource): Record<string, unknown> {
    return unwrapSecrets(resource.inputs) as Record<string, unknown>;
  }

  /** Stack output with secret wrappers removed. */
  output(name: string): unknown {
    return unwrapSecrets(this.captured.outputs[name]);
  }

  outputIsSecret(name: string): boolean {
    return isSecretValue(this.captured.outputs[name]);
  }

  /** Types of every AWS resource (custom, including the aws provider). */
  awsTypes(): string[] {
    return this.resources.filter((r) => r.type.startsWith("aws:") || r.type === "pulumi:providers:aws").map((r) => r.type);
  }
}

/** Run the program for a stack, with config overrides given without the namespace (`database.mode`). */
export async function runStack(stack: string, overrides: Record<string, string> = {}, secrets: Record<string, string> = {}): Promise<ProgramRun> {
  const qualify = (values: Record<string, string>) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k.includes(":") ? k : `${NS}:${k}`, v]));
  const options: PlanOptions = { stack, config: qualify(overrides), secrets: qualify(secrets) };
  const { captured } = await planStack(options);
  return new ProgramRun(captured);
}
