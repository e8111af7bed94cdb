// Pulumi.yaml's `config:` block and docs/configuration.md are generated from the config schema. These tests fail
// when the committed files drift from it, and when a declared default would change what the program resolves.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configKeys, parsePlatformConfig, parseStackConfig, type ConfigKey } from "../../components/config";
import {
  describeKey, GENERATOR_COMMAND, PROGRAM_MAIN, nestedInput, pulumiConfigDeclarations, renderConfigurationDoc, renderPulumiYaml,
  REQUIRED_OUTSIDE_DEV, resolveDefaults, valueAt,
} from "../../tools/config/pulumi-yaml";

const NS = "agent-platform";
const ROOT = path.resolve(__dirname, "..", "..");
const committedPulumiYaml = readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
const committedDoc = readFileSync(path.join(ROOT, "docs", "configuration.md"), "utf8");
const keys = configKeys();
const keyByName = new Map(keys.map((k) => [k.key, k]));

interface Declaration {
  type?: unknown;
  items?: { type?: unknown };
  description?: unknown;
  default?: unknown;
  secret?: unknown;
}
const project = parse(committedPulumiYaml) as { name?: unknown; config?: Record<string, Declaration> };
const declared = Object.entries(project.config ?? {});

/** A config value as the Pulumi CLI hands a project default to the program: primitives as text, lists as JSON. */
function asPulumiPassesIt(value: unknown): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

const qualify = (flat: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(flat).map(([k, v]) => [`${NS}:${k}`, v]));

const prodBase: Record<string, string> = {
  environment: "prod", ...Object.fromEntries(Object.entries(REQUIRED_OUTSIDE_DEV).map(([k, v]) => [k, asPulumiPassesIt(v)])),
};
const devBase: Record<string, string> = { environment: "dev" };

describe("generated files", () => {
  it("Pulumi.yaml's config block is what the generator renders from the schema", () => {
    expect(committedPulumiYaml, `Pulumi.yaml is out of date with components/config/schema.ts: run \`${GENERATOR_COMMAND}\``)
      .toBe(renderPulumiYaml(committedPulumiYaml, keys));
  });

  it("docs/configuration.md is what the generator renders from the schema", () => {
    expect(committedDoc, `docs/configuration.md is out of date with components/config/schema.ts: run \`${GENERATOR_COMMAND}\``)
      .toBe(renderConfigurationDoc(keys, resolveDefaults(keys)));
  });
});

describe("Pulumi.yaml declarations", () => {
  it("declare exactly the keys with a fixed, non-secret default (Pulumi demands every other declared key from every stack)", () => {
    const expected = keys.filter((k) => k.default !== undefined && !k.secret).map((k) => k.key);
    expect(declared.map(([name]) => name)).toEqual(expected);
    expect(declared.length).toBeGreaterThan(30);
    for (const [name, declaration] of declared) {
      expect(declaration.default, `${name} has no default`).not.toBeUndefined();
      expect(declaration.default, `${name} has a null default`).not.toBeNull();
      expect(declaration.secret, `${name} is declared secret`).toBeUndefined();
    }
  });

  it.each(declared)("%s: the declaration is well formed and its default has the declared type, as Pulumi checks it", (name, declaration) => {
    const key = keyByName.get(name) as ConfigKey;
    expect(key, `${name} is not a key of the schema`).toBeDefined();
    expect(Object.keys(declaration).every((p) => ["type", "items", "description", "default"].includes(p))).toBe(true);
    expect(declaration.type).toBe(key.type);
    expect(declaration.description).toBe(describeKey(key));
    const value = declaration.default;
    switch (key.type) {
      case "string":
        expect(typeof value).toBe("string");
        break;
      case "integer":
        expect(Number.isInteger(value)).toBe(true);
        break;
      case "boolean":
        expect(typeof value).toBe("boolean");
        break;
      case "array":
        expect(declaration.items).toEqual({ type: key.items });
        expect(Array.isArray(value)).toBe(true);
        for (const item of value as unknown[]) expect(typeof item).toBe(key.items === "integer" ? "number" : key.items);
        break;
    }
  });

  it.each(declared)("%s: the declared default is accepted by the schema and is the schema's own default", (name, declaration) => {
    const resolvedFromPulumi = parseStackConfig(qualify({ ...prodBase, [name]: asPulumiPassesIt(declaration.default) }), NS, () => false);
    expect(valueAt(resolvedFromPulumi, name)).toEqual(declaration.default);
    const schemaDefault = valueAt(parsePlatformConfig(nestedInput(REQUIRED_OUTSIDE_DEV)), name);
    expect(declaration.default).toEqual(schemaDefault);
  });

  it.each([["prod", prodBase], ["dev", devBase]] as const)(
    "a %s stack resolves to the same config with and without the declared defaults applied by the CLI",
    (_name, base) => {
      const applied: Record<string, string> = { ...base };
      for (const [name, declaration] of declared) if (!(name in base)) applied[name] = asPulumiPassesIt(declaration.default);
      // Every declared key is applied except `environment`, which both stacks set themselves.
      expect(Object.keys(applied).length).toBe(Object.keys(base).length + declared.length - 1);
      expect(parseStackConfig(qualify(applied), NS, () => false)).toEqual(parseStackConfig(qualify(base), NS, () => false));
    },
  );
});

describe("renderers", () => {
  const environmentKey = keyByName.get("environment") as ConfigKey;

  it("append the allowed values to an enum description unless it names them all", () => {
    expect(describeKey(environmentKey)).toBe(`${environmentKey.description} Allowed: dev, staging, prod.`);
    const databaseMode = keyByName.get("database.mode") as ConfigKey;
    expect(describeKey(databaseMode)).toBe(databaseMode.description);
    const synthetic: ConfigKey = { key: "x.mode", type: "string", description: "Mode ab", enum: ["a", "b"], secret: false };
    expect(describeKey(synthetic)).toBe("Mode ab. Allowed: a, b.");
    expect(describeKey({ ...synthetic, description: "a or b." })).toBe("a or b.");
    expect(describeKey({ ...synthetic, enum: undefined })).toBe("Mode ab");
  });

  it("replace the config block, the runtime and main of Pulumi.yaml, keep the rest, and are stable", () => {
    const handEdited = "# project file\nname: demo # the name\nruntime: nodejs\nconfig:\n  stale:\n    type: string\n    default: x\nmain: src/\n";
    const once = renderPulumiYaml(handEdited, keys);
    expect(renderPulumiYaml(once, keys)).toBe(once);
    const reparsed = parse(once) as Record<string, unknown>;
    expect(reparsed.name).toBe("demo");
    // The engine's fast path: no ts-node type-check, the cached bundle as the program.
    expect(reparsed.runtime).toEqual({ name: "nodejs", options: { packagemanager: "npm", typescript: false } });
    expect(reparsed.main).toBe(PROGRAM_MAIN);
    expect(once).toContain("# project file");
    expect(once).toContain("# the name");
    expect(reparsed.config).toEqual(JSON.parse(JSON.stringify(pulumiConfigDeclarations(keys))));
    expect(once).not.toContain("stale");
    expect(once).toContain(GENERATOR_COMMAND);
  });

  it("quote string defaults that YAML would read as numbers", () => {
    const rendered = renderPulumiYaml("name: demo\n", keys);
    expect(rendered).toContain('default: "17"');
    expect(rendered).toContain('default: "1.34"');
  });

  it("document every key once, in its section, with type, default, secret flag and description", () => {
    const doc = renderConfigurationDoc(keys, resolveDefaults(keys));
    for (const key of keys) {
      const rows = doc.split("\n").filter((line) => line.startsWith(`| \`${key.key}\` |`));
      expect(rows, key.key).toHaveLength(1);
      const cells = (rows[0] ?? "").split(" | ");
      expect(cells[3], `${key.key} secret column`).toBe(key.secret ? "yes" : "no");
    }
    const headings = doc.split("\n").filter((l) => l.startsWith("## ")).map((l) => l.slice(3));
    expect(headings).toEqual([
      "Setting keys", "General", "Cluster (`cluster.*`)", "Agent server (`server.*`)", "Images (`image.*`)", "Ingress (`ingress.*`)",
      "Database (`database.*`)", "Cache (`cache.*`)", "Backups (`backup.*`)",
      // tools/config/pulumi-yaml.ts has no title for this section yet, so it is headed by its key pattern.
      "Observability (`observability.*`)", "LLM providers (`llm.*`)",
    ]);
    expect(doc).toContain("pulumi config set database.mode rds");
    expect(doc).toContain("pulumi config set --secret llm.openaiApiKey");
    // Lists as YAML lists in the stack file, as the CLI takes a type: array key (decision 0081).
    expect(doc).toContain("  agent-platform:cluster.publicAccessCidrs:\n    - 203.0.113.0/24\n");
    expect(doc).not.toMatch(/pulumi config set cluster\.publicAccessCidrs '\[/);
    expect(doc).toContain("| `database.mode` | `string` | prod, staging: `rds`; dev: `statefulset` | no |");
    expect(doc).toContain("| `database.backupRetentionDays` | `integer` | prod, staging: `14`; dev: `7` | no |");
    expect(doc).toContain("| `ingress.host` | `string` | unset | no |");
    expect(doc).toContain("| `llm.openaiApiKey` | `string` | unset | yes |");
    expect(doc).toContain("| `cluster.nodeInstanceTypes` | `array<string>` | `[\"m6i.large\"]` | no |");
    expect(doc).toContain("| `observability.backend` | `string` | `file` | no |");
    expect(doc).toContain("| `observability.collectorReplicas` | `integer` | prod, staging: `2`; dev: `1` | no |");
    expect(doc).toContain("| `observability.clickhousePassword` | `string` | unset | yes |");
  });
});
