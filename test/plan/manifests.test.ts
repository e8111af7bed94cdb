// The Kubernetes manifests the offline plan renders, for every plan stack: schema-valid, one object per file, in an
// order `kubectl apply -f DIR` can apply, and free of secret values.
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { CapturedStack } from "../../tools/plan/capture";
import { isKubernetesObject, isReviewOnly, kubernetesObject, manifestsOf, reviewOnlySecretsOf, toReviewOnlyYaml, toYaml, type Manifest } from "../../tools/plan/manifests";
import { planStack } from "../../tools/plan/plan-stack";
import { REDACTED, isSecretValue, type Json } from "../../tools/plan/wire";
import { validateKubernetesObject } from "../support/kubernetes-schema";
import { secretLeaves, secretStrings } from "./secret-values";
import { PLAN_STACKS } from "./stacks";

/** Namespaces every cluster has: objects may live there without the plan creating them. */
const SYSTEM_NAMESPACES = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);
const OPENAI_KEY = "sk-test-manifests-0123456789abcdefghijklmnop";

type Path = (string | number)[];

/** Paths of every scalar inside a secret wrapper of a wire value. */
function secretPaths(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  const walk = (node: unknown, at: Path, inSecret: boolean): void => {
    if (!inSecret && isSecretValue(node)) walk(node.value, at, true);
    else if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...at, i], inSecret));
    else if (typeof node === "object" && node !== null) for (const [k, v] of Object.entries(node)) walk(v, [...at, k], inSecret);
    else if (inSecret && node !== null && node !== undefined) out.push(at);
  };
  walk(value, path, false);
  return out;
}

function at(object: Json, path: Path): Json | undefined {
  let node: Json | undefined = object;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = Array.isArray(node) ? node[key as number] : node[key as string];
  }
  return node;
}

function metadataOf(object: Record<string, Json>): { name?: Json; namespace?: Json } {
  return (object.metadata ?? {}) as { name?: Json; namespace?: Json };
}

/** kubernetes:apps/v1:Deployment → apps/v1 Deployment; kubernetes:core/v1:Namespace → v1 Namespace. */
function apiOfType(type: string): { apiVersion: string; kind: string } | undefined {
  const match = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(type);
  if (!match) return undefined;
  const [, group = "", version = "", kind = ""] = match;
  return { apiVersion: `${group === "core" ? "" : `${group}/`}${version}`, kind };
}

/** Byte order, as `kubectl apply -f DIR` (Go's filepath walk) reads the files. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

describe.each(PLAN_STACKS)("manifests of the %s plan", (stack) => {
  let captured: CapturedStack;
  let manifests: Manifest[];

  beforeAll(async () => {
    ({ captured } = await planStack({ stack }));
    manifests = manifestsOf(captured);
  });

  it("has one manifest per Kubernetes object but the Secrets, of the kind its Pulumi type names", () => {
    const objects = captured.resources.filter((r) => isKubernetesObject(r) && !isReviewOnly(r));
    expect(objects.length).toBeGreaterThan(0);
    expect(manifests).toHaveLength(objects.length);
    expect(manifests.filter((m) => m.object.kind === "Secret")).toEqual([]);
    const secrets = reviewOnlySecretsOf(captured);
    expect(secrets.length).toBe(captured.resources.filter((r) => r.type === "kubernetes:core/v1:Secret").length);
    expect(secrets.length).toBeGreaterThan(0);
    for (const resource of objects) {
      const object = kubernetesObject(resource);
      expect({ apiVersion: object.apiVersion, kind: object.kind }, resource.urn).toEqual(apiOfType(resource.type));
    }
  });

  it("renders only objects that pass the Kubernetes schema", () => {
    const problems: string[] = [];
    for (const { file, object } of manifests) {
      try {
        validateKubernetesObject(object);
      } catch (error) {
        problems.push(`${file}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("writes exactly one YAML document per file, which parses back to the object", () => {
    for (const { file, object } of manifests) {
      const documents = parseAllDocuments(toYaml(object));
      expect(Array.isArray(documents) ? documents.length : -1, file).toBe(1);
      const [document] = Array.isArray(documents) ? documents : [];
      expect(document?.errors, file).toEqual([]);
      expect(document?.toJS(), file).toEqual(object);
    }
  });

  it("uses unique, shell-safe file names", () => {
    const files = manifests.map((m) => m.file);
    expect(new Set(files).size).toBe(files.length);
    for (const file of files) expect(file).toMatch(/^\d{2}-[a-z0-9][a-z0-9.-]*\.yaml$/);
  });

  it("sorts every Namespace before the namespaced objects, which live in namespaces that exist", () => {
    const files = manifests.map((m) => m.file).sort(byteOrder);
    const position = new Map(files.map((file, i) => [file, i]));
    const namespaces = manifests.filter((m) => m.object.kind === "Namespace");
    const namespaced = manifests.filter((m) => typeof metadataOf(m.object).namespace === "string");
    expect(namespaces.length).toBeGreaterThan(0);
    expect(namespaced.length).toBeGreaterThan(0);
    for (const ns of namespaces) expect(metadataOf(ns.object).namespace, ns.file).toBeUndefined();
    const lastNamespace = Math.max(...namespaces.map((m) => position.get(m.file) ?? Infinity));
    const firstNamespaced = Math.min(...namespaced.map((m) => position.get(m.file) ?? -Infinity));
    expect(lastNamespace).toBeLessThan(firstNamespaced);

    const created = new Set(namespaces.map((m) => metadataOf(m.object).name));
    for (const { file, object } of namespaced) {
      const namespace = metadataOf(object).namespace as string;
      expect(created.has(namespace) || SYSTEM_NAMESPACES.has(namespace), `${file} is in namespace ${namespace}, which nothing creates`).toBe(true);
    }
  });

  it("contains no secret value, and shows each secret as [secret]", () => {
    const secrets = secretStrings(captured);
    expect(secrets.length).toBeGreaterThan(0);
    const text = [...manifests.map((m) => toYaml(m.object)), ...reviewOnlySecretsOf(captured).map((m) => toReviewOnlyYaml(m.object))].join("\n---\n");
    expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);

    let redacted = 0;
    const objects = captured.resources.filter(isKubernetesObject);
    for (const resource of objects) {
      const object = kubernetesObject(resource);
      for (const path of secretPaths(resource.inputs)) {
        expect(at(object, path), `${resource.urn} ${path.join(".")}`).toBe(REDACTED);
        redacted++;
      }
    }
    // The credentials Secret is in every stack: the check above is not vacuous.
    expect(redacted).toBeGreaterThanOrEqual(2);
  });

  it("keeps an LLM provider key from the stack config out of the manifests", async () => {
    const plan = await planStack({ stack, secrets: { "agent-platform:llm.openaiApiKey": OPENAI_KEY } });
    const withKey = [...manifestsOf(plan.captured), ...reviewOnlySecretsOf(plan.captured)];
    expect(secretLeaves(plan.captured.resources.map((r) => r.inputs))).toContain(OPENAI_KEY);
    const text = withKey.map((m) => toYaml(m.object)).join("\n---\n");
    expect(text).not.toContain(OPENAI_KEY);
    const secret = withKey.find((m) => m.object.kind === "Secret" && (m.object.stringData as Record<string, Json> | undefined)?.OPENAI_API_KEY !== undefined);
    expect(secret?.object.stringData).toMatchObject({ OPENAI_API_KEY: REDACTED, LETTA_SERVER_PASSWORD: REDACTED });
  });
});
