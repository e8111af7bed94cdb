// The schema `pulumi package add` would get from this repository, inferred offline the way the plugin host does it:
// @pulumi/pulumi@3.248.0 cmd/run-plugin/run.ts:276-305 requires the package directory (package.json "main"), keeps
// the ComponentResource classes it exports (getPulumiComponents), names the provider after package.json "name"
// (scope = namespace) and serves ComponentProvider.getSchema (provider/experimental/provider.ts:240-262), which runs
// the analyzer on the TypeScript sources and generateSchema on its result.
import { readFileSync } from "node:fs";
import path from "node:path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental/provider";

export const repoRoot = path.resolve(__dirname, "../..");

export interface PackageJson {
  name: string;
  version: string;
  main: string;
  exports: Record<string, unknown>;
  files: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  scripts: Record<string, string>;
}

export const packageJson = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as PackageJson;

/** A property of the schema (the subset of Pulumi's package schema the analyzer emits). */
export interface SchemaProperty {
  type?: string;
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  description?: string;
  plain?: boolean;
}

export interface SchemaType {
  type: string;
  properties?: Record<string, SchemaProperty>;
  required?: string[];
  enum?: { name: string; value: string | number; description?: string }[];
}

export interface PackageSchema {
  name: string;
  namespace?: string;
  version: string;
  resources: Record<string, {
    isComponent: boolean;
    description?: string;
    inputProperties: Record<string, SchemaProperty>;
    requiredInputs: string[];
    properties: Record<string, SchemaProperty>;
    required: string[];
  }>;
  types: Record<string, SchemaType>;
  dependencies: unknown[];
}

/** Provider name and namespace from the package name, as run-plugin derives them (run.ts:282-292). */
export function providerIdentity(name: string): { name: string; namespace: string | undefined } {
  const match = /^(@.*?\/)?(.+)$/.exec(name);
  if (!match?.[2]) throw new Error(`package name ${name} has no provider name`);
  return { name: match[2].replace(/[^-a-zA-Z0-9_]/g, "-"), namespace: match[1]?.slice(1, -1) };
}

/** Load the plugin entry as the host does, then ask the SDK's own component provider for the schema. */
export async function inferPluginSchema(): Promise<{ schema: PackageSchema; components: string[]; provider: ComponentProvider }> {
  const entry = (await import(path.join(repoRoot, packageJson.main))) as Record<string, unknown>;
  const components = getPulumiComponents(entry);
  const identity = providerIdentity(packageJson.name);
  const provider = new ComponentProvider({ components, dirname: repoRoot, ...identity });
  const schema = JSON.parse(await provider.getSchema()) as PackageSchema;
  return { schema, components: components.map((c) => c.name), provider };
}
