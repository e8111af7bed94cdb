// Renders the two artefacts generated from the config schema: the `config:` block of Pulumi.yaml and the
// configuration reference docs/configuration.md. Pure functions of their inputs; the CLI beside this file does
// the reading and writing (`npm run gen:pulumi-yaml`), and test/config/declarations.test.ts fails on drift.
//
// Pulumi treats a key declared in Pulumi.yaml without a `default` as required: every stack that does not set it
// fails with "Stack 'dev' is missing configuration value '…'" before the program runs. A default is copied into
// the stack's config in plain text, so a `secret: true` key can never carry one either. Hence only keys with a fixed,
// non-secret schema default are declared; optional keys, keys whose default depends on `environment`, and secrets
// are documented in docs/configuration.md and validated by the program (components/config/load.ts) all the same.
import { Pair, parseDocument, Scalar, type YAMLMap } from "yaml";
import { parsePlatformConfig } from "../../components/config/load";
import { Environment, values } from "../../components/config/enums";
import type { ConfigKey, PulumiConfigType } from "../../components/config/keys";

/** One key of Pulumi.yaml's `config:` block, as the Pulumi CLI reads it. */
export interface PulumiConfigDeclaration {
  type: PulumiConfigType;
  items?: { type: PulumiConfigType };
  description: string;
  default: unknown;
}

export const GENERATOR_COMMAND = "npm run gen:pulumi-yaml";

/** Whether Pulumi.yaml can declare the key without making it mandatory for every stack (see the file comment). */
export function isDeclarable(key: ConfigKey): boolean {
  return key.default !== undefined && !key.secret;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The key's description; for an enum, followed by "Allowed: a, b." unless the description names every value. */
export function describeKey(key: ConfigKey): string {
  const description = key.description.trim();
  if (!key.enum || key.enum.length === 0) return description;
  const names = (value: string) => new RegExp(`(?:^|[^\\w-])${escapeRegExp(value)}(?:$|[^\\w-])`).test(description);
  if (key.enum.every(names)) return description;
  const allowed = `Allowed: ${key.enum.join(", ")}.`;
  if (description === "") return allowed;
  return `${description}${/[.!?]$/.test(description) ? "" : "."} ${allowed}`;
}

/** The `config:` block of Pulumi.yaml: key (without namespace) → declaration, in schema order. */
export function pulumiConfigDeclarations(keys: readonly ConfigKey[]): Record<string, PulumiConfigDeclaration> {
  const declarations: Record<string, PulumiConfigDeclaration> = {};
  for (const key of keys) {
    if (!isDeclarable(key)) continue;
    // Property order as Pulumi's docs write it: type, items (required for arrays), description, default.
    declarations[key.key] = {
      type: key.type,
      ...(key.type === "array" ? { items: { type: key.items ?? "string" } } : {}),
      description: describeKey(key),
      default: key.default,
    };
  }
  return declarations;
}

/**
 * How the engine runs the program, generated like the config block. The nodejs runtime's `typescript` option
 * defaults to true, and then the SDK registers ts-node with `transpileOnly` unset, i.e. a full type-check of the
 * program before it runs (pulumi/pulumi@v3.248.0: sdk/nodejs/cmd/pulumi-language-nodejs/main.go:289-296 default
 * true, :902-904 PULUMI_NODEJS_TYPESCRIPT; sdk/nodejs/cmd/run/run.ts:259, :325-331 transpileOnly only from
 * PULUMI_NODEJS_TRANSPILE_ONLY or tsconfig's noCheck, :389-399 ts-node registered). With `typescript: false` the SDK
 * plainly `require`s `main` (run.ts:541) and awaits the function it exports (run.ts:576); tools/fast/program.cjs
 * loads index.ts through the same cached esbuild bundle as `npm run plan` (decision 0080). `main` is set here, not
 * left to package.json, because run.ts:283-304 would otherwise take package.json's `exports` or `main`, which belong
 * to the component package.
 */
export const PROGRAM_MAIN = "tools/fast/program.cjs";
export const RUNTIME = { name: "nodejs", options: { packagemanager: "npm", typescript: false } } as const;

const CONFIG_COMMENT = [
  ` Generated from components/config/schema.ts by \`${GENERATOR_COMMAND}\`; do not edit this block by hand.`,
  " Declared: keys with a fixed default. Optional keys, environment-dependent defaults and secrets are not declared,",
  " since Pulumi would then demand them from every stack; docs/configuration.md lists every key.",
].join("\n");

/**
 * Pulumi.yaml with its `config:` block replaced by the generated one. Everything else in `existing` (name, runtime,
 * description, comments) is kept. Stable: rendering its own output again gives the same bytes.
 */
export function renderPulumiYaml(existing: string, keys: readonly ConfigKey[]): string {
  const doc = parseDocument(existing);
  if (doc.errors.length > 0) throw new Error(`Pulumi.yaml is not valid YAML: ${doc.errors[0]?.message ?? ""}`);
  const root = doc.contents;
  if (!root || !("items" in root) || !Array.isArray(root.items) || root.items.some((item) => !(item instanceof Pair))) {
    throw new Error("Pulumi.yaml: expected a mapping at the top level");
  }
  doc.set("runtime", doc.createNode(RUNTIME));
  doc.set("main", PROGRAM_MAIN);
  doc.delete("config");
  const key = new Scalar("config");
  key.spaceBefore = true;
  key.commentBefore = CONFIG_COMMENT;
  (root as YAMLMap).items.push(new Pair(key, doc.createNode(pulumiConfigDeclarations(keys))));
  return doc.toString({ lineWidth: 0 });
}

// ---------------------------------------------------------------------------------------------------------------
// docs/configuration.md

export type EnvironmentName = (typeof Environment)[keyof typeof Environment];

/** Per key, the value it resolves to in each environment when the stack does not set it (undefined: stays unset). */
export type ResolvedDefaults = Record<string, Partial<Record<EnvironmentName, unknown>>>;

/**
 * The minimum a stack must set besides `environment` for the config to validate: an ingress host and, since
 * non-dev stacks default to cluster.mode=create and the alb ingress class, its ACM certificate. These keys have no
 * default; their placeholder values are never reported as defaults.
 */
export const REQUIRED_OUTSIDE_DEV = {
  "ingress.host": "agents.example.com",
  "ingress.certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000",
  "cluster.adminPrincipalArns": ["arn:aws:iam::123456789012:role/deploy"],
  // image.pullThroughCache is on with cluster.mode=create: Docker Hub's credential (its ARN names the registry's account).
  "image.dockerHubCredentialArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf",
} as const;

/** Read a dotted key out of the nested config. */
export function valueAt(config: unknown, dottedKey: string): unknown {
  let node: unknown = config;
  for (const part of dottedKey.split(".")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** The nested input of parsePlatformConfig for flat dotted keys. */
export function nestedInput(flat: Record<string, unknown>): Record<string, unknown> {
  const nested: Record<string, unknown> = {};
  for (const [dottedKey, value] of Object.entries(flat)) {
    const parts = dottedKey.split(".");
    let node = nested;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1] ?? ""] = value;
  }
  return nested;
}

/**
 * What each key without a fixed default resolves to, per environment, for a stack that sets only `environment`
 * (and, outside dev, the keys of REQUIRED_OUTSIDE_DEV, which are reported as unset).
 */
export function resolveDefaults(keys: readonly ConfigKey[]): ResolvedDefaults {
  const resolved: ResolvedDefaults = {};
  for (const environment of values(Environment)) {
    const flat: Record<string, unknown> = { environment, ...(environment === Environment.Dev ? {} : REQUIRED_OUTSIDE_DEV) };
    const config = parsePlatformConfig(nestedInput(flat));
    for (const key of keys) {
      if (key.default !== undefined) continue;
      (resolved[key.key] ??= {})[environment] = key.key in flat ? undefined : valueAt(config, key.key);
    }
  }
  return resolved;
}

const SECTION_TITLES: Record<string, string> = {
  "": "General",
  cluster: "Cluster (`cluster.*`)",
  server: "Agent server (`server.*`)",
  image: "Images (`image.*`)",
  ingress: "Ingress (`ingress.*`)",
  database: "Database (`database.*`)",
  cache: "Cache (`cache.*`)",
  backup: "Backups (`backup.*`)",
  observability: "Observability (`observability.*`)",
  llm: "LLM providers (`llm.*`)",
};

const cell = (text: string): string => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const code = (value: unknown): string => `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;

function typeName(key: ConfigKey): string {
  return key.type === "array" ? `array<${key.items ?? "string"}>` : key.type;
}

function defaultCell(key: ConfigKey, resolved: ResolvedDefaults): string {
  if (key.default !== undefined) return code(key.default);
  const perEnvironment = resolved[key.key] ?? {};
  const groups: { value: unknown; environments: string[] }[] = [];
  // Production first: it is the default environment.
  for (const environment of [...values(Environment)].reverse()) {
    const value = perEnvironment[environment];
    const group = groups.find((g) => JSON.stringify(g.value) === JSON.stringify(value));
    if (group) group.environments.push(environment);
    else groups.push({ value, environments: [environment] });
  }
  if (groups.length === 1 && groups[0]?.value === undefined) return "unset";
  return groups.map((g) => `${g.environments.join(", ")}: ${g.value === undefined ? "unset" : code(g.value)}`).join("; ");
}

/** docs/configuration.md: the reference of every key, one table per section, in schema order. */
export function renderConfigurationDoc(keys: readonly ConfigKey[], resolved: ResolvedDefaults): string {
  const lines: string[] = [
    "# Configuration reference",
    "",
    `Every stack setting the program reads, generated from the schema in \`components/config/schema.ts\` by \`${GENERATOR_COMMAND}\`, which also writes the \`config:\` block of \`Pulumi.yaml\`. Do not edit this file by hand: change the schema and run the command again. A test fails when either file is out of date.`,
    "",
    "## Setting keys",
    "",
    "Keys belong to the project namespace `agent-platform`; `pulumi config` adds it for you:",
    "",
    "```sh",
    "pulumi config set database.mode rds",
    "pulumi config set --secret llm.openaiApiKey sk-...   # keys marked secret: always --secret",
    "```",
    "",
    "A list (type `array`) is written as a YAML list in the stack file, `Pulumi.<stack>.yaml`:",
    "",
    "```yaml",
    "config:",
    "  agent-platform:cluster.publicAccessCidrs:",
    "    - 203.0.113.0/24",
    "```",
    "",
    "The Pulumi CLI hands the program a YAML list as JSON and refuses a string for a key `Pulumi.yaml` declares as `type: array` (`pulumi config set KEY '[\"…\"]'` stores a string), so the offline plan refuses a string for every list key. `pulumi config set --path` would split the dotted key names into nested maps (decision 0001): edit the file instead. Write versions and other text that looks like a number in quotes (`\"1.30\"`): YAML reads `1.30` unquoted as the number 1.3.",
    "",
    "The program validates the whole configuration before it creates anything and reports every bad key at once, with the value it rejected (never a secret's value). A key this reference does not list is an error, not ignored.",
    "",
    "A default that names environments depends on `environment`: it is what a stack that sets only `environment` gets. *unset* means the key stays empty unless you set it (the description says when it is required). Only keys with a fixed default are declared in `Pulumi.yaml`: Pulumi requires every stack to set a declared key that has no default, and cannot keep a secret default.",
  ];

  const sections = new Map<string, ConfigKey[]>();
  for (const key of keys) {
    const section = key.key.includes(".") ? key.key.slice(0, key.key.indexOf(".")) : "";
    sections.set(section, [...(sections.get(section) ?? []), key]);
  }
  for (const [section, sectionKeys] of sections) {
    lines.push("", `## ${SECTION_TITLES[section] ?? `\`${section}.*\``}`, "", "| Key | Type | Default | Secret | Description |", "| --- | --- | --- | --- | --- |");
    for (const key of sectionKeys) {
      lines.push(`| \`${key.key}\` | \`${typeName(key)}\` | ${cell(defaultCell(key, resolved))} | ${key.secret ? "yes" : "no"} | ${cell(describeKey(key))} |`);
    }
  }
  return `${lines.join("\n")}\n`;
}
