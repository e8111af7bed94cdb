// Fields the Kubernetes API does not define. The schema check of test/support/kubernetes-schema.ts (kubernetes-models'
// validators, generated from the Kubernetes OpenAPI schema) accepts unknown fields, which the API server drops or
// rejects under strict field validation (`kubectl --validate=strict`, the default since 1.27): a misspelt
// `readinessProbe` silently does nothing. This walks each object against kubernetes-models' own TypeScript
// interfaces (generated from the same OpenAPI schema), read with the TypeScript compiler, and names every field that
// no interface on its path declares.
import { createRequire } from "node:module";
import * as path from "node:path";
import ts from "typescript";
import { type Finding, type PlanResource } from "../finding";

const requireHere = createRequire(__filename);
const SOURCE = `kubernetes-models@${(requireHere("kubernetes-models/package.json") as { version: string }).version} type definitions (generated from the Kubernetes OpenAPI schema)`;

interface Kind {
  apiVersion: string;
  kind: string;
}

/** `apps/v1` + `Deployment` → `kubernetes-models/apps/v1/Deployment`, or undefined when the package has no model. */
function modelModule({ apiVersion, kind }: Kind): string | undefined {
  if (!/^[a-z0-9.]*\/?v\d+(?:(?:alpha|beta)\d+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  const specifier = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    requireHere.resolve(specifier);
    return specifier;
  } catch {
    return undefined;
  }
}

/** One TypeScript program over the models the plan's kinds need; each kind's interface type by `apiVersion kind`. */
function interfaceTypes(kinds: Kind[]): { checker: ts.TypeChecker; types: Map<string, ts.Type> } {
  const entry = path.join(path.dirname(requireHere.resolve("kubernetes-models/package.json")), "..", "..", "__unknown_fields_entry__.ts");
  const modules = kinds.map((k) => ({ key: `${k.apiVersion} ${k.kind}`, specifier: modelModule(k), kind: k.kind })).filter((m) => m.specifier);
  const text = modules.map((m, i) => `import type { I${m.kind} as T${i} } from "${m.specifier}";\nexport type X${i} = T${i};`).join("\n");
  // No standard library: the models need only arrays and primitives, and parsing lib.d.ts is most of the cost.
  const lib = `${entry}.lib.d.ts`;
  const options: ts.CompilerOptions = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, strict: true, skipLibCheck: true, noEmit: true, noLib: true, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const virtual = new Map([[entry, text], [lib, MINIMAL_LIB]]);
  host.getSourceFile = (file, language, ...rest) => (virtual.has(file) ? ts.createSourceFile(file, virtual.get(file)!, language) : getSourceFile(file, language, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => virtual.has(file) || fileExists(file);
  const program = ts.createProgram([lib, entry], options, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry)!;
  const types = new Map<string, ts.Type>();
  for (const statement of source.statements) {
    if (!ts.isTypeAliasDeclaration(statement)) continue;
    const index = Number(statement.name.text.slice(1));
    types.set(modules[index]!.key, checker.getTypeAtLocation(statement.name));
  }
  return { checker, types };
}

const MINIMAL_LIB = [
  "interface Array<T> { length: number; [n: number]: T }", "interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T }",
  "interface Boolean {}", "interface Function {}", "interface CallableFunction {}", "interface NewableFunction {}", "interface IArguments {}",
  "interface Number {}", "interface Object {}", "interface RegExp {}", "interface String {}", "interface Symbol {}",
  "type Record<K extends keyof any, T> = { [P in K]: T };", "type Partial<T> = { [P in keyof T]?: T[P] };",
  "type Pick<T, K extends keyof T> = { [P in K]: T[P] };", "type Omit<T, K extends keyof any> = Pick<T, Exclude<keyof T, K>>;", "type Exclude<T, U> = T extends U ? never : T;",
].join("\n");

function objectType(checker: ts.TypeChecker, type: ts.Type): ts.Type | undefined {
  const t = checker.getNonNullableType(type);
  if (t.isUnion()) {
    const objects = t.types.filter((member) => (member.flags & ts.TypeFlags.Object) !== 0);
    return objects.length === 1 ? objects[0] : undefined; // IntOrString and the like: nothing to walk
  }
  return (t.flags & ts.TypeFlags.Object) !== 0 ? t : undefined;
}

function walk(checker: ts.TypeChecker, value: unknown, declared: ts.Type, at: string, out: string[]): void {
  if (typeof value !== "object" || value === null) return;
  const type = objectType(checker, declared);
  if (!type) return;
  if (Array.isArray(value)) {
    const element = type.getNumberIndexType();
    if (element) value.forEach((item, i) => walk(checker, item, element, `${at}[${i}]`, out));
    return;
  }
  const map = type.getStringIndexType();
  if (map) {
    for (const [key, item] of Object.entries(value)) walk(checker, item, map, `${at}.${key}`, out);
    return;
  }
  const properties = type.getProperties();
  if (properties.length === 0) return; // an open object (RawExtension, JSON fields)
  for (const [key, item] of Object.entries(value)) {
    const property = type.getProperty(key);
    const where = at ? `${at}.${key}` : key;
    if (!property) {
      out.push(where);
      continue;
    }
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (declaration) walk(checker, item, checker.getTypeOfSymbolAtLocation(property, declaration), where, out);
  }
}

/** Kubernetes objects of the plan (inputs of `kubernetes:` resources that carry apiVersion and kind). */
function objectsOf(resources: readonly PlanResource[]): Array<{ resource: PlanResource; object: Record<string, unknown> & Kind }> {
  return resources
    .filter((r) => r.type.startsWith("kubernetes:") && typeof r.inputs["apiVersion"] === "string" && typeof r.inputs["kind"] === "string")
    .map((r) => ({ resource: r, object: r.inputs as Record<string, unknown> & Kind }));
}

export function checkUnknownKubernetesFields(resources: readonly PlanResource[]): Finding[] {
  const objects = objectsOf(resources);
  if (objects.length === 0) return [];
  const kinds = [...new Map(objects.map(({ object }) => [`${object.apiVersion} ${object.kind}`, { apiVersion: object.apiVersion, kind: object.kind }])).values()];
  const { checker, types } = interfaceTypes(kinds);
  const findings: Finding[] = [];
  for (const { resource, object } of objects) {
    const type = types.get(`${object.apiVersion} ${object.kind}`);
    if (!type) continue; // no model (a custom resource): the schema test reports those
    const unknown: string[] = [];
    walk(checker, object, type, "", unknown);
    for (const field of unknown) {
      findings.push({ kind: "kubernetes-schema", resource: resource.name, type: resource.type, property: field, value: field.split(".").pop() ?? field, rule: `${object.apiVersion} ${object.kind} defines no field ${field}; the API server drops or (with strict field validation) rejects it`, source: SOURCE });
    }
  }
  return findings;
}
