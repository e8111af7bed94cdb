// Runs a Pulumi program under the SDK's mock runtime and records the resource graph the engine would receive:
// type, name, parent, dependencies, provider reference, inputs with their secret markers, and outputs. This is
// what the offline plan and every test build on.
import * as pulumi from "@pulumi/pulumi";
import { fakeCall, fakeId, fakeOutputs } from "./fakes";
import { SECRET_SIG, SIG_KEY, containsSecret, isSecretValue, unwrapSecrets } from "./wire";

export interface CapturedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** Provider-assigned id (custom resources only). */
  id?: string;
  parent?: string;
  /** Provider reference as the engine writes it: `<provider urn>::<provider id>`. */
  provider?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** Inputs in wire form: secrets stay wrapped as {sig, value}. */
  inputs: Record<string, unknown>;
  /** Outputs in wire form: inputs plus what the (fake) provider computed; secret where the engine would make them so. */
  outputs: Record<string, unknown>;
  /** `protect: true` (set or inherited from the parent): the engine refuses to delete it. Absent when false. */
  protect?: boolean;
  /** `retainOnDelete: true`: a delete leaves the cloud resource in place. Absent when false. */
  retainOnDelete?: boolean;
  /** customTimeouts the program asked for (create/update/delete, as written: "35m"), when it set any. */
  customTimeouts?: { create?: string; update?: string; delete?: string };
}

export interface CapturedStack {
  project: string;
  stack: string;
  /** Every resource, in registration order, starting with the synthesised root Stack resource. */
  resources: CapturedResource[];
  /** The program's stack outputs, in wire form. */
  outputs: Record<string, unknown>;
}

export interface RunOptions {
  project: string;
  stack: string;
  /** Config as Pulumi passes it: `namespace:key` → string. */
  config: Record<string, string>;
  /** Fully qualified keys whose values are secrets. */
  secretKeys: string[];
  /** The program: returns its stack outputs, as a Pulumi program's exported function does. */
  program: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** AWS region the fakes use in ARNs and host names. Default: the config's aws:region, else us-east-1. */
  region?: string;
}

// The slices of the SDK's protobuf request and response objects the recorder reads.
interface Struct { toJavaScript(): Record<string, unknown> }
interface RegisterRequest {
  getType(): string; getName(): string; getParent(): string; getCustom(): boolean; getProvider(): string; getVersion(): string;
  getDependenciesList(): string[]; getAdditionalsecretoutputsList(): string[]; getObject(): Struct | undefined; getProtect(): boolean | undefined; getRetainondelete(): boolean | undefined;
  getPropertydependenciesMap(): { forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void };
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}
interface RegisterResponse { getUrn(): string; getId(): string; getObject(): Struct | undefined; setObject(value: Struct): void }
type StructClass = { fromJavaScript(value: Record<string, unknown>): Struct };
interface OutputsRequest { getUrn(): string; getOutputs(): Struct | undefined }
type Callback<T> = (error: Error | null, response?: T) => void;
interface Monitor {
  resources: Map<string, { state: Record<string, unknown> }>;
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, cb: Callback<RegisterResponse>): Promise<void>;
  registerResourceOutputs(req: OutputsRequest, cb: Callback<unknown>): void;
  invoke(req: unknown, cb: Callback<unknown>): Promise<void>;
}

const runtimeInternals = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };

class PlanMocks implements pulumi.runtime.Mocks {
  constructor(private readonly region: string) {}

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const inputs = unwrapSecrets(args.inputs) as Record<string, unknown>;
    const computed = fakeOutputs(args.type, args.name, inputs, this.region);
    return { id: args.custom ? fakeId(args.type, args.name, inputs, this.region) : undefined, state: { ...inputs, ...computed } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    return fakeCall(args, this.region);
  }
}

function secretWrap(value: unknown): Record<string, unknown> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/**
 * The SDK's mock monitor prefixes a child's type with only its parent's own type; the engine prefixes the parent's
 * whole type path (a$b$c), which is what `pulumi stack export` and policies see. Make the mocks build URNs the
 * engine's way.
 */
function useEngineUrns(monitor: Monitor, project: string, stack: string): void {
  monitor.newUrn = (parent, type, name) => {
    const parentPath = parent ? parent.slice(0, parent.lastIndexOf("::")).split("::").slice(2).join("::") : "";
    const typePath = parentPath && parentPath !== "pulumi:pulumi:Stack" ? `${parentPath}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${typePath}::${name}`;
  };
}

/** Install the plan's mocks with the given config, for tests that construct components directly. */
export async function installPlanMocks(project: string, stack: string, region = "us-east-1"): Promise<void> {
  await pulumi.runtime.setMocks(new PlanMocks(region), project, stack, false);
  useEngineUrns(pulumi.runtime.getMonitor() as unknown as Monitor, project, stack);
}

/** Run a program under mocks and return the captured graph. Throws what the program or a registration threw. */
export async function captureProgram(options: RunOptions): Promise<CapturedStack> {
  const region = options.region ?? options.config["aws:region"] ?? "us-east-1";
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);
  await pulumi.runtime.setMocks(new PlanMocks(region), options.project, options.stack, false);
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  useEngineUrns(monitor, options.project, options.stack);

  const stackUrn = `urn:pulumi:${options.stack}::${options.project}::pulumi:pulumi:Stack::${options.project}-${options.stack}`;
  const resources: CapturedResource[] = [];
  const byUrn = new Map<string, CapturedResource>();
  const defaultProviders = new Map<string, CapturedResource>();
  const failures: Error[] = [];

  const defaultProviderFor = (type: string, version: string): string => {
    const pkg = type.split(":")[0] ?? "unknown";
    const key = `${pkg}@${version}`;
    let provider = defaultProviders.get(key);
    if (!provider) {
      const name = `default${version ? `_${version.replace(/[.-]/g, "_")}` : ""}`;
      const inputs: Record<string, unknown> = version ? { version } : {};
      provider = {
        urn: `urn:pulumi:${options.stack}::${options.project}::pulumi:providers:${pkg}::${name}`,
        type: `pulumi:providers:${pkg}`, name, custom: true, id: fakeId("pulumi:providers:", name, {}),
        dependencies: [], propertyDependencies: {}, inputs, outputs: inputs,
      };
      defaultProviders.set(key, provider);
      resources.push(provider);
    }
    return `${provider.urn}::${provider.id ?? ""}`;
  };

  const originalRegister = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    originalRegister(req, (error, response) => {
      if (error || !response) {
        failures.push(error ?? new Error(`registering ${req.getType()} ${req.getName()} returned nothing`));
        cb(error, response);
        return;
      }
      const urn = response.getUrn();
      const type = req.getType();
      const custom = req.getCustom();
      const inputs = req.getObject()?.toJavaScript() ?? {};
      const outputs: Record<string, unknown> = { ...(monitor.resources.get(urn)?.state ?? {}) };
      // The engine keeps secret inputs secret in the outputs, and applies additionalSecretOutputs; mocks do neither.
      for (const [key, value] of Object.entries(inputs)) if (containsSecret(value)) outputs[key] = value;
      const additionalSecrets = req.getAdditionalsecretoutputsList().filter((key) => key in outputs && !isSecretValue(outputs[key]));
      for (const key of additionalSecrets) outputs[key] = secretWrap(outputs[key]);
      // Hand the program those outputs as secrets too, as the engine does, so what depends on a generated password
      // (keepers, connection strings) is secret downstream as well.
      const returned = response.getObject();
      if (returned && additionalSecrets.length > 0) {
        const state = returned.toJavaScript();
        for (const key of additionalSecrets) if (key in state && !isSecretValue(state[key])) state[key] = secretWrap(state[key]);
        response.setObject((returned.constructor as unknown as StructClass).fromJavaScript(state));
      }
      const propertyDependencies: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((deps, key) => { propertyDependencies[key] = deps.getUrnsList(); });
      const isProvider = type.startsWith("pulumi:providers:");
      const t = req.getCustomtimeouts();
      const timeouts = t ? Object.fromEntries(Object.entries({ create: t.getCreate(), update: t.getUpdate(), delete: t.getDelete() }).filter(([, v]) => v !== "")) : {};
      const provider = req.getProvider() || (custom && !isProvider ? defaultProviderFor(type, req.getVersion()) : undefined);
      const resource: CapturedResource = {
        urn, type, name: req.getName(), custom,
        ...(custom ? { id: response.getId() } : {}),
        parent: req.getParent() || stackUrn,
        ...(provider ? { provider } : {}),
        dependencies: req.getDependenciesList(), propertyDependencies, inputs, outputs: custom ? outputs : {},
        ...(Object.keys(timeouts).length > 0 ? { customTimeouts: timeouts } : {}),
        ...(req.getProtect() ? { protect: true } : {}),
        ...(req.getRetainondelete() ? { retainOnDelete: true } : {}),
      };
      resources.push(resource);
      byUrn.set(urn, resource);
      cb(null, response);
    });

  const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const resource = byUrn.get(req.getUrn());
    if (resource) resource.outputs = req.getOutputs()?.toJavaScript() ?? {};
    originalOutputs(req, cb);
  };

  const originalInvoke = monitor.invoke.bind(monitor);
  monitor.invoke = (req, cb) => originalInvoke(req, (error, response) => {
    if (error) failures.push(error);
    cb(error, response);
  });

  const exported = await options.program();
  const outputs = await pulumi.runtime.serializeProperties("stack outputs", exported, { keepOutputValues: false });
  await runtimeInternals.waitForRPCs?.();
  if (failures.length > 0) {
    throw new AggregateError(failures, `the program failed under the offline plan: ${failures.map((f) => f.message).join("; ")}`);
  }

  const root: CapturedResource = {
    urn: stackUrn, type: "pulumi:pulumi:Stack", name: `${options.project}-${options.stack}`, custom: false,
    dependencies: [], propertyDependencies: {}, inputs: {}, outputs,
  };
  return { project: options.project, stack: options.stack, resources: [root, ...resources], outputs };
}
