// Validates a Kubernetes object against the Kubernetes OpenAPI schema, with the models of the `kubernetes-models`
// package: `apps/v1` + `Deployment` → the Deployment class of kubernetes-models/apps/v1. An object whose kind has no
// model (a CRD's custom resource, a typo in apiVersion) is an error, never a silent pass.
// Limits: the schema does not forbid unknown fields (a misspelt `replicass` passes), and the package still ships
// API versions that current clusters no longer serve.
import { createRequire } from "node:module";

interface KubernetesModel {
  validate(): void;
}

interface KubernetesModelClass {
  new (data?: Record<string, unknown>): KubernetesModel;
  apiVersion?: unknown;
  kind?: unknown;
}

interface AjvError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

const requireModule = createRequire(__filename);
const modules = new Map<string, Record<string, unknown> | undefined>();

/** `apps/v1` → the kubernetes-models module of that group and version, or undefined when the package has none. */
function modelModule(apiVersion: string): Record<string, unknown> | undefined {
  if (!/^(?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/.test(apiVersion)) return undefined;
  if (!modules.has(apiVersion)) {
    let loaded: Record<string, unknown> | undefined;
    try {
      loaded = requireModule(`kubernetes-models/${apiVersion}`) as Record<string, unknown>;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== "MODULE_NOT_FOUND" && code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw error;
      loaded = undefined;
    }
    modules.set(apiVersion, loaded);
  }
  return modules.get(apiVersion);
}

/** The model class of a top-level kind (one whose class carries that apiVersion and kind), or undefined. */
export function modelClassFor(apiVersion: string, kind: string): KubernetesModelClass | undefined {
  const exported = modelModule(apiVersion)?.[kind];
  if (typeof exported !== "function") return undefined;
  const candidate = exported as KubernetesModelClass;
  return candidate.apiVersion === apiVersion && candidate.kind === kind ? candidate : undefined;
}

function describeError(error: AjvError): string {
  const where = error.instancePath ? error.instancePath.slice(1).replaceAll("/", ".") : "(object)";
  return `${where} ${error.message ?? JSON.stringify(error.params ?? {})}`;
}

/** Throws `<kind>/<name>: <what is wrong>` when the object does not match its schema, or when no schema exists. */
export function validateKubernetesObject(object: unknown): void {
  if (typeof object !== "object" || object === null || Array.isArray(object)) {
    throw new Error(`not a Kubernetes object: ${JSON.stringify(object)}`);
  }
  const { apiVersion, kind, metadata } = object as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const name = metadata?.name;
  const label = `${String(kind)}/${typeof name === "string" ? name : name === undefined ? "(no name)" : JSON.stringify(name)}`;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    throw new Error(`${label}: apiVersion and kind must be strings (got ${JSON.stringify(apiVersion)}, ${JSON.stringify(kind)})`);
  }
  const Model = modelClassFor(apiVersion, kind);
  if (!Model) throw new Error(`${label}: no schema for ${apiVersion} ${kind}`);
  try {
    new Model(object as Record<string, unknown>).validate();
  } catch (error) {
    const errors = (error as { errors?: unknown }).errors;
    const detail = Array.isArray(errors) && errors.length > 0
      ? (errors as AjvError[]).map(describeError).join("; ")
      : (error as Error).message;
    throw new Error(`${label}: ${detail}`, { cause: error });
  }
}
