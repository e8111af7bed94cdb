// Fields the Kubernetes API does not define. The schema check of test/support/kubernetes-schema.ts (kubernetes-models'
// validators, generated from the Kubernetes OpenAPI schema) accepts unknown fields, which the API server drops or
// rejects under strict field validation (`kubectl --validate=strict`; which mode pulumi-kubernetes requests was not
// checked here): a misspelt
// `readinessProbe` silently does nothing. This walks each object against kubernetes-models' own TypeScript
// interfaces (generated from the same OpenAPI schema), read with the TypeScript compiler, and names every field that
// no interface on its path declares.
//
// Reading the interfaces takes the TypeScript compiler about half a second, so what the walk needs of them (for each
// kind, which fields each object on its path declares) is kept as a table under dist/fast/, keyed by the versions it
// is read from and TABLE_FORMAT; the compiler loads only when the plan has a kind the table lacks.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type ts from "typescript";
import { type Finding, type PlanResource } from "../finding";

const requireHere = createRequire(__filename);
const versionOf = (pkg: string): string => (requireHere(`${pkg}/package.json`) as { version: string }).version;
const MODELS_VERSION = versionOf("kubernetes-models");
const SOURCE = `kubernetes-models@${MODELS_VERSION} type definitions (generated from the Kubernetes OpenAPI schema)`;
/** Raise when the table's shape or the way it is read from the interfaces changes: old tables are then not read. */
const TABLE_FORMAT = 1;

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

/** The TypeScript compiler, loaded only when a field table must be built. */
const compiler = (): typeof ts => requireHere("typescript") as typeof ts;

/** One TypeScript program over the models the plan's kinds need; each kind's interface type by `apiVersion kind`. */
function interfaceTypes(kinds: Kind[]): { checker: ts.TypeChecker; types: Map<string, ts.Type> } {
  const ts = compiler();
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
  const ts = compiler();
  const t = checker.getNonNullableType(type);
  if (t.isUnion()) {
    const objects = t.types.filter((member) => (member.flags & ts.TypeFlags.Object) !== 0);
    return objects.length === 1 ? objects[0] : undefined; // IntOrString and the like: nothing to walk
  }
  return (t.flags & ts.TypeFlags.Object) !== 0 ? t : undefined;
}

/**
 * What the walk needs of one interface type: `items` for a list (the element's shape, null: nothing to walk), `values`
 * for a map, `fields` for an object with declared properties (each field's shape; absent: an open object such as
 * RawExtension). Shapes refer to each other by index, since the models are recursive (JSONSchemaProps).
 */
interface Shape {
  items?: number | null;
  values?: number | null;
  fields?: Record<string, number | null>;
}

interface FieldTable {
  key: string;
  /** `apiVersion kind` → its shape, or null when kubernetes-models has no model for it. */
  kinds: Record<string, number | null>;
  shapes: Shape[];
}

/** The interfaces of `kinds` as a field table (the TypeScript compiler's one use here). */
function buildTable(key: string, kinds: Kind[]): FieldTable {
  const { checker, types } = interfaceTypes(kinds);
  const shapes: Shape[] = [];
  const seen = new Map<ts.Type, number>();
  const shapeOf = (declared: ts.Type): number | null => {
    const type = objectType(checker, declared);
    if (!type) return null;
    const known = seen.get(type);
    if (known !== undefined) return known;
    const index = shapes.length;
    seen.set(type, index);
    const shape: Shape = {};
    shapes.push(shape);
    const element = type.getNumberIndexType();
    if (element) shape.items = shapeOf(element);
    const map = type.getStringIndexType();
    if (map) shape.values = shapeOf(map);
    else {
      const properties = type.getProperties();
      if (properties.length > 0) {
        const fields: Record<string, number | null> = {};
        for (const property of properties) {
          const declaration = property.valueDeclaration ?? property.declarations?.[0];
          fields[property.name] = declaration ? shapeOf(checker.getTypeOfSymbolAtLocation(property, declaration)) : null;
        }
        shape.fields = fields;
      }
    }
    return index;
  };
  const table: FieldTable = { key, kinds: {}, shapes };
  for (const k of kinds) {
    const type = types.get(`${k.apiVersion} ${k.kind}`);
    table.kinds[`${k.apiVersion} ${k.kind}`] = type ? shapeOf(type) : null;
  }
  return table;
}

/** The field table for `kinds`: from the cache when it has them all, else built (with the cached kinds) and stored. */
function fieldTable(kinds: Kind[], cacheDir: string | undefined): FieldTable {
  // What the table is read from: the models (ObjectMeta and the other apimachinery types come from their own
  // package), the compiler that reads them, and this file's reading of them (TABLE_FORMAT).
  const key = createHash("sha256")
    .update([TABLE_FORMAT, MODELS_VERSION, versionOf("@kubernetes-models/apimachinery"), versionOf("typescript")].join("\0"))
    .digest("hex").slice(0, 16);
  const file = cacheDir ? path.join(cacheDir, `kubernetes-fields-${key}.json`) : undefined;
  let cached: FieldTable | undefined;
  try {
    if (file) cached = JSON.parse(readFileSync(file, "utf8")) as FieldTable;
  } catch {
    cached = undefined;
  }
  if (cached?.key === key && kinds.every((k) => `${k.apiVersion} ${k.kind}` in cached.kinds)) return cached;
  const all = new Map(kinds.map((k) => [`${k.apiVersion} ${k.kind}`, k]));
  for (const name of Object.keys(cached?.key === key ? cached.kinds : {})) {
    const [apiVersion = "", kind = ""] = name.split(" ");
    if (!all.has(name)) all.set(name, { apiVersion, kind });
  }
  const table = buildTable(key, [...all.values()]);
  if (file && cacheDir) {
    try {
      mkdirSync(cacheDir, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(table));
      renameSync(temporary, file);
    } catch {
      // An unwritable dist/ only costs the next run the compiler again.
    }
  }
  return table;
}

function walk(table: FieldTable, value: unknown, shapeIndex: number | null | undefined, at: string, out: string[]): void {
  if (typeof value !== "object" || value === null || shapeIndex === null || shapeIndex === undefined) return;
  const shape = table.shapes[shapeIndex];
  if (!shape) return;
  if (Array.isArray(value)) {
    if (shape.items !== undefined) value.forEach((item, i) => walk(table, item, shape.items, `${at}[${i}]`, out));
    return;
  }
  if (shape.values !== undefined) {
    for (const [key, item] of Object.entries(value)) walk(table, item, shape.values, `${at}.${key}`, out);
    return;
  }
  if (!shape.fields) return; // an open object (RawExtension, JSON fields)
  for (const [key, item] of Object.entries(value)) {
    const where = at ? `${at}.${key}` : key;
    if (!Object.hasOwn(shape.fields, key)) {
      out.push(where);
      continue;
    }
    walk(table, item, shape.fields[key], where, out);
  }
}

/** Kubernetes objects of the plan (inputs of `kubernetes:` resources that carry apiVersion and kind). */
function objectsOf(resources: readonly PlanResource[]): Array<{ resource: PlanResource; object: Record<string, unknown> & Kind }> {
  return resources
    .filter((r) => r.type.startsWith("kubernetes:") && typeof r.inputs["apiVersion"] === "string" && typeof r.inputs["kind"] === "string")
    .map((r) => ({ resource: r, object: r.inputs as Record<string, unknown> & Kind }));
}

/**
 * Where the field table is kept between runs: the project's dist/fast/, beside the bundles (generated, never
 * committed). Found from the installed models (`<project>/node_modules/kubernetes-models`), so it is the same folder
 * from the sources, the bundle and a tsc build under dist/.
 */
export const DEFAULT_FIELD_CACHE = path.join(path.dirname(requireHere.resolve("kubernetes-models/package.json")), "..", "..", "dist", "fast");

export function checkUnknownKubernetesFields(resources: readonly PlanResource[], cacheDir: string | undefined = DEFAULT_FIELD_CACHE): Finding[] {
  const objects = objectsOf(resources);
  if (objects.length === 0) return [];
  const kinds = [...new Map(objects.map(({ object }) => [`${object.apiVersion} ${object.kind}`, { apiVersion: object.apiVersion, kind: object.kind }])).values()];
  const table = fieldTable(kinds, cacheDir);
  const findings: Finding[] = [];
  for (const { resource, object } of objects) {
    const root = table.kinds[`${object.apiVersion} ${object.kind}`];
    if (root === null || root === undefined) continue; // no model (a custom resource): the schema test reports those
    const unknown: string[] = [];
    walk(table, object, root, "", unknown);
    for (const field of unknown) {
      findings.push({ kind: "kubernetes-schema", resource: resource.name, type: resource.type, property: field, value: field.split(".").pop() ?? field, rule: `${object.apiVersion} ${object.kind} defines no field ${field}; the API server drops or (with strict field validation) rejects it`, source: SOURCE });
    }
  }
  return findings;
}
