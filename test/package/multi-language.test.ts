// What Python, Go, .NET and YAML programs get: the schema Pulumi's analyzer infers from the plugin entry
// (package.json "main"), asserted whole where it is small and key by key against the stack config schema where it
// is large, so a setting added to one and not the other (or documented differently) fails here.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ComponentProvider } from "@pulumi/pulumi/provider/experimental/provider";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configKeys } from "../../components";
import { captureProgram } from "../../tools/plan/capture";
import { inferPluginSchema, packageJson, repoRoot, type PackageSchema, type SchemaProperty } from "./plugin-schema";

const TOKEN = "agent-platform:index:AgentPlatform";
/** Arguments that are not stack config keys (components/platform/settings.ts programOnly). */
const PROGRAM_ONLY = ["awsRegion", "tags"];

let schema: PackageSchema;
let components: string[];
let provider: ComponentProvider;

beforeAll(async () => {
  ({ schema, components, provider } = await inferPluginSchema());
}, 300_000);

const typeOf = (ref: string | undefined) => schema.types[(ref ?? "").replace(/^#\/types\//, "")];

/** Every leaf input of AgentPlatform as a dotted key, following the $refs to the section types. */
function leafInputs(): Map<string, SchemaProperty> {
  const leaves = new Map<string, SchemaProperty>();
  const walk = (props: Record<string, SchemaProperty>, prefix: string[]): void => {
    for (const [name, prop] of Object.entries(props)) {
      const target = prop.$ref ? typeOf(prop.$ref) : undefined;
      if (target?.type === "object" && target.properties) walk(target.properties, [...prefix, name]);
      else leaves.set([...prefix, name].join("."), prop);
    }
  };
  const inputs = { ...schema.resources[TOKEN]?.inputProperties };
  for (const key of PROGRAM_ONLY) delete inputs[key];
  walk(inputs, []);
  return leaves;
}

describe("the multi-language package schema", () => {
  it("names the provider after the package and exposes AgentPlatform alone, a component", () => {
    expect(components).toEqual(["AgentPlatform"]);
    expect({ name: schema.name, namespace: schema.namespace, version: schema.version }).toEqual({
      name: "agent-platform", namespace: "agent-platform", version: packageJson.version,
    });
    // The token is the type AgentPlatform registers itself with, so URNs are the same from every language.
    expect(Object.keys(schema.resources)).toEqual([TOKEN]);
    expect(schema.resources[TOKEN]?.isComponent).toBe(true);
    expect(schema.resources[TOKEN]?.description).toMatch(/^The whole platform for one agent server/);
    expect(schema.dependencies).toEqual([]);
  });

  it("takes plain, optional inputs: the settings sections, the region and the tags", () => {
    const resource = schema.resources[TOKEN];
    const inputs = resource?.inputProperties ?? {};
    expect(Object.keys(inputs).sort()).toEqual([
      "awsRegion", "backup", "cache", "cluster", "database", "environment", "image", "ingress", "llm", "namespace", "observability", "server", "tags",
    ]);
    expect(resource?.requiredInputs).toEqual([]);
    for (const [name, prop] of Object.entries(inputs)) {
      expect.soft(prop.plain, name).toBe(true);
      expect.soft(prop.description, name).toMatch(/\S/);
    }
    expect(inputs.cluster).toMatchObject({ $ref: "#/types/agent-platform:index:AgentPlatformClusterArgs" });
    expect(inputs.tags).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
  });

  it("has outputs with docs, optional exactly where undefined is a value", () => {
    const resource = schema.resources[TOKEN];
    const outputs = resource?.properties ?? {};
    expect(Object.fromEntries(Object.entries(outputs).map(([name, p]) => [name, p.type]))).toEqual({
      namespace: "string", credentialsSecretName: "string", serverPassword: "string", secretArns: "object", awsServices: "array",
      kubeconfig: "string", databaseEndpoint: "string", cacheEndpoint: "string", serviceName: "string", backupBucket: "string", url: "string",
    });
    expect(resource?.required).toEqual(["awsServices", "cacheEndpoint", "credentialsSecretName", "databaseEndpoint", "namespace", "secretArns", "serverPassword", "serviceName"]);
    for (const [name, prop] of Object.entries(outputs)) expect.soft(prop.description, name).toMatch(/\S/);
  });

  it("turns the named enums into schema enums with a doc per member", () => {
    expect(schema.types["agent-platform:index:Environment"]).toEqual({
      type: "string",
      enum: [
        { name: "Dev", value: "dev", description: "A laptop or shared development cluster: in-cluster database and cache, no ingress, no backups by default." },
        { name: "Staging", value: "staging", description: "Production defaults (RDS, ElastiCache, ingress, backups), without the refusals only prod enforces." },
        { name: "Prod", value: "prod", description: "Production: RDS, ElastiCache, an ingress with TLS, backups and at least two server replicas." },
      ],
    });
    const enums = Object.entries(schema.types).filter(([, t]) => t.enum).map(([token, t]) => [token.split(":")[2], t.enum?.map((m) => m.value)]);
    expect(Object.fromEntries(enums)).toEqual({
      Environment: ["dev", "staging", "prod"], ClusterMode: ["create", "existing"], DatabaseMode: ["rds", "statefulset"],
      PostgresMajorVersion: ["16", "17"], CacheMode: ["elasticache", "in-cluster"], CacheEngine: ["redis", "valkey"],
      TelemetryBackend: ["debug", "file", "clickhouse", "signoz", "otlp"], ToolSandbox: ["local", "e2b", "modal"],
      ObjectLockMode: ["compliance", "governance"],
    });
    for (const [token, t] of Object.entries(schema.types)) for (const m of t.enum ?? []) expect.soft(m.description, `${token} ${m.name}`).toMatch(/\S/);
  });
});

/** A description as a doc comment must write it: `@word` in backticks, or JSDoc reads a tag and cuts the text there. */
const asJsDoc = (text: string) => text.replace(/(^|[\s(])(@\w+)/g, "$1`$2`");

// The drift test: components/platform/args.ts is written by hand, the stack config schema is the source of truth.
describe("AgentPlatform's args against the stack config schema", () => {
  it("has one input per config key and no other", () => {
    const inputs = [...leafInputs().keys()];
    const keys = configKeys().map((k) => k.key);
    // A key added to components/config/schema.ts needs its field in components/platform/args.ts, and vice versa.
    expect({ missingFromArgs: keys.filter((k) => !inputs.includes(k)), notConfigKeys: inputs.filter((k) => !keys.includes(k)) })
      .toEqual({ missingFromArgs: [], notConfigKeys: [] });
  });

  it("gives every input the key's type, enum values and description (the doc states the default)", () => {
    const leaves = leafInputs();
    for (const key of configKeys()) {
      const prop = leaves.get(key.key);
      if (!prop) continue; // reported by the test above
      const expected = key.type === "integer" ? "number" : key.type;
      const actual = prop.$ref ? typeOf(prop.$ref)?.type : prop.type;
      expect.soft(actual, `${key.key} type`).toBe(expected === "array" ? "array" : key.enum ? "string" : expected);
      if (key.type === "array") expect.soft(prop.items?.type, `${key.key} items`).toBe(key.items === "integer" ? "number" : key.items);
      if (key.enum) expect.soft(typeOf(prop.$ref)?.enum?.map((m) => m.value), `${key.key} enum`).toEqual(key.enum);
      expect.soft(prop.description, `${key.key} description`).toBe(asJsDoc(key.description));
      expect.soft(prop.plain, `${key.key} plain`).toBe(true);
    }
  });
});

// examples/yaml/Pulumi.yaml as the YAML runtime would type-check it: every property known to the schema, of its
// type, enum values among the enum's; then built from those very properties by the provider's Construct.
interface YamlProgram { resources: Record<string, { type: string; properties?: Record<string, unknown> }>; outputs?: Record<string, string> }
const yamlProgram = parse(readFileSync(path.join(repoRoot, "examples", "yaml", "Pulumi.yaml"), "utf8")) as YamlProgram;
const yamlPlatforms = Object.entries(yamlProgram.resources).filter(([, r]) => r.type === TOKEN);

/** Problems of a YAML value against a schema property, by path. */
function schemaProblems(value: unknown, prop: SchemaProperty, at: string): string[] {
  if (prop.$ref) {
    const target = typeOf(prop.$ref);
    if (!target) return [`${at}: unknown type ${prop.$ref}`];
    if (target.enum) return target.enum.some((m) => m.value === value) ? [] : [`${at}: ${JSON.stringify(value)} is not one of ${target.enum.map((m) => m.value).join(", ")}`];
    return objectProblems(value, target.properties ?? {}, target.required ?? [], at);
  }
  switch (prop.type) {
    case "string": return typeof value === "string" ? [] : [`${at}: expected a string`];
    case "number": return typeof value === "number" ? [] : [`${at}: expected a number`];
    case "boolean": return typeof value === "boolean" ? [] : [`${at}: expected a boolean`];
    case "array": return Array.isArray(value) ? value.flatMap((v, i) => schemaProblems(v, prop.items ?? {}, `${at}[${i}]`)) : [`${at}: expected a list`];
    case "object": return typeof value === "object" && value !== null
      ? Object.entries(value).flatMap(([k, v]) => schemaProblems(v, prop.additionalProperties ?? {}, `${at}.${k}`)) : [`${at}: expected a map`];
    default: return [`${at}: schema property without a type`];
  }
}

function objectProblems(value: unknown, props: Record<string, SchemaProperty>, required: string[], at: string): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: expected an object`];
  const record = value as Record<string, unknown>;
  return [
    ...required.filter((k) => !(k in record)).map((k) => `${at}.${k}: required`),
    ...Object.entries(record).flatMap(([k, v]) => (props[k] ? schemaProblems(v, props[k], `${at}.${k}`) : [`${at}.${k}: not in the schema`])),
  ];
}

describe("examples/yaml against the inferred schema", () => {
  it("uses AgentPlatform with properties the schema knows, of their types", () => {
    expect(yamlPlatforms.map(([name]) => name)).toEqual(["platform"]);
    const resource = schema.resources[TOKEN];
    for (const [name, r] of yamlPlatforms) {
      expect(objectProblems(r.properties ?? {}, resource?.inputProperties ?? {}, resource?.requiredInputs ?? [], name)).toEqual([]);
    }
    const outputs = Object.values(yamlProgram.outputs ?? {}).map((o) => /^\$\{platform\.(\w+)\}$/.exec(o)?.[1]);
    expect(outputs.every((o) => o !== undefined && o in (resource?.properties ?? {}))).toBe(true);
  });

  it("the schema check catches a misspelt key, a wrong type and a value outside an enum", () => {
    const resource = schema.resources[TOKEN];
    const bad = { environment: "production", server: { minReplica: 1 }, database: { poolSize: "10" } };
    expect(objectProblems(bad, resource?.inputProperties ?? {}, [], "platform")).toEqual([
      "platform.environment: \"production\" is not one of dev, staging, prod",
      "platform.server.minReplica: not in the schema",
      "platform.database.poolSize: expected a number",
    ]);
  });

  it("builds the platform from those properties through the provider's Construct, as the YAML program would", async () => {
    const [name, resource] = yamlPlatforms[0] ?? [];
    const captured = await captureProgram({
      project: "agent-platform-yaml-example", stack: "dev", config: {}, secretKeys: [],
      program: async () => {
        const { state } = await provider.construct(name ?? "", TOKEN, resource?.properties ?? {}, {});
        const outputs = state as Record<string, unknown>;
        return { namespace: outputs.namespace, serviceName: outputs.serviceName };
      },
    });
    expect(captured.outputs).toEqual({ namespace: "agents-yaml", serviceName: "platform-server" });
    const types = captured.resources.map((r) => r.type);
    expect(types).toContain("kubernetes:apps/v1:StatefulSet");
    expect(types.filter((t) => t.startsWith("aws:"))).toEqual([]);
  });

  it("refuses, by key, a setting that arrives as an Output (a secret passed from another language)", async () => {
    const { secret } = await import("@pulumi/pulumi");
    await expect(provider.construct("leaky", TOKEN, { environment: "dev", llm: secret({ openaiApiKey: "sk-test" }) }, {}))
      .rejects.toThrow(/agent-platform:llm: must be a plain value, not an Output/);
  });
});
