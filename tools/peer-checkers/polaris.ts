// Polaris's default checks, evaluated by their own definitions: the check files and default config of
// FairwindsOps/polaris@v10.2.2 (pkg/config/checks/*.yaml, pkg/config/default.yaml), vendored unchanged in
// vendor/polaris. Each check's schema is rendered as Polaris renders it (Go template over the resource, with
// .Polaris.PodSpec/.PodTemplate/.Container: pkg/validator/schema.go getTemplateInput) and validated with ajv's
// draft 2019-09 validator where Polaris uses qri-io/jsonschema. The control flow follows pkg/validator/schema.go:
// controller checks on the whole object, pod checks on the pod spec, container checks per container (schemaTarget
// PodSpec: the pod spec with only that container), other kinds by their group/kind, and additional schemas pass when
// any object of that kind in the namespace matches (CheckAdditionalObjects). Custom Go validators
// (pdbMinAvailableGreaterThanHPAMinReplicas: pkg/validator/pdb_hpa_validator.go) are ported by hand.
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2019 from "ajv/dist/2019";
import type { ValidateFunction } from "ajv";
import { parse as parseYaml } from "yaml";
import { renderGoTemplate } from "./go-template";
import { groupKind, podSpecOf, podTemplateOf, type K8sObject, type PeerFinding } from "./model";

export const POLARIS_VERSION = "v10.2.2";
const VENDOR = path.join(__dirname, "vendor", "polaris");

interface Check {
  id: string;
  target: string;
  schemaTarget?: string;
  schemaString: string;
  additional: Record<string, string>;
  controllers: { include?: string[]; exclude?: string[] };
  containers: { include?: string[]; exclude?: string[] };
}

type Raw = Record<string, unknown>;

function loadCheck(id: string): Check {
  const raw = parseYaml(readFileSync(path.join(VENDOR, "checks", `${id}.yaml`), "utf8")) as Raw;
  const additional: Record<string, string> = { ...(raw["additionalSchemaStrings"] as Record<string, string> | undefined) };
  for (const [kind, schema] of Object.entries((raw["additionalSchemas"] as Record<string, unknown> | undefined) ?? {})) additional[kind] = JSON.stringify(schema);
  return {
    id,
    target: typeof raw["target"] === "string" ? raw["target"] : "",
    ...(typeof raw["schemaTarget"] === "string" ? { schemaTarget: raw["schemaTarget"] } : {}),
    schemaString: typeof raw["schemaString"] === "string" ? raw["schemaString"] : raw["schema"] ? JSON.stringify(raw["schema"]) : "",
    additional,
    controllers: (raw["controllers"] as Check["controllers"] | undefined) ?? {},
    containers: (raw["containers"] as Check["containers"] | undefined) ?? {},
  };
}

/** The checks Polaris's default config turns on, with their severity (warning or danger). */
export function polarisDefaultChecks(): Map<string, string> {
  const config = parseYaml(readFileSync(path.join(VENDOR, "default.yaml"), "utf8")) as { checks: Record<string, string> };
  return new Map(Object.entries(config.checks).filter(([, severity]) => severity !== "ignore"));
}

export function polarisCheckIds(): string[] {
  return readdirSync(path.join(VENDOR, "checks")).map((f) => f.replace(/\.yaml$/, ""));
}

// Go's RE2 takes inline flags such as (?i) anywhere; the check files use it at the start or after ^, where it means
// the whole pattern: as a JavaScript flag.
const goRegExp = Object.assign((pattern: string, u: string) => {
  const insensitive = pattern.includes("(?i)");
  return new RegExp(pattern.replaceAll("(?i)", ""), `${u}${insensitive ? "i" : ""}`);
}, { code: "new RegExp" });
const ajv = new Ajv2019({ strict: false, allErrors: false, validateSchema: false, code: { regExp: goRegExp } });
const compiled = new Map<string, ValidateFunction>();

function validator(schemaText: string): ValidateFunction | undefined {
  if (schemaText.trim() === "") return undefined;
  let fn = compiled.get(schemaText);
  if (!fn) {
    const schema = parseYaml(schemaText) as Raw | null;
    if (schema === null || typeof schema !== "object") return undefined;
    delete schema["$schema"];
    dropNullRequired(schema);
    fn = ajv.compile(schema);
    compiled.set(schemaText, fn);
  }
  return fn;
}

const HANDLED = ["Controller", "Container", "PodSpec", "PodTemplate"];

/** pkg/config/schema.go IsActionable. */
function actionable(check: Check, target: string, kind: string, isInit: boolean): boolean {
  if (HANDLED.includes(target)) {
    if (!(check.target === "PodTemplate" && target === "PodSpec") && check.target !== target) return false;
  } else if (check.target !== kind && !check.target.endsWith(`/${kind}`)) {
    return false;
  }
  if (check.controllers.include && check.controllers.include.length > 0 && !check.controllers.include.includes(kind)) return false;
  if (check.controllers.exclude?.includes(kind)) return false;
  if (check.target === "Container") {
    const has = (list: string[] | undefined, which: string) => list?.includes(which) ?? false;
    const which = isInit ? "initContainer" : "container";
    if (check.containers.include && check.containers.include.length > 0 && !has(check.containers.include, which)) return false;
    if (has(check.containers.exclude, which)) return false;
  }
  return true;
}

interface TestCase { target: string; object: K8sObject; container?: Raw; isInit?: boolean }

/** The object as JSON would carry it (no undefined members). */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The fields of core/v1 PodSecurityContext: Polaris reads the pod spec through the typed struct, which drops others. */
const POD_SECURITY_CONTEXT_FIELDS = new Set([
  "appArmorProfile", "fsGroup", "fsGroupChangePolicy", "runAsGroup", "runAsNonRoot", "runAsUser", "seLinuxChangePolicy",
  "seLinuxOptions", "seccompProfile", "supplementalGroups", "supplementalGroupsPolicy", "sysctls", "windowsOptions",
]);

/** A value through Go's encoding/json with omitempty: no nulls, no empty lists. */
function omitEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(omitEmpty);
  if (typeof v !== "object" || v === null) return v;
  const out: Raw = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null || x === undefined || (Array.isArray(x) && x.length === 0)) continue;
    out[k] = omitEmpty(x);
  }
  return out;
}

/** The pod spec as Polaris holds it: a corev1.PodSpec marshalled back to JSON (kube.GenericResource.PodSpec). */
function typedPodSpec(o: K8sObject): Raw | undefined {
  const spec = podSpecOf(o);
  if (!spec) return undefined;
  const typed = omitEmpty(plain(spec)) as Raw;
  const sc = typed["securityContext"];
  if (sc && typeof sc === "object") typed["securityContext"] = Object.fromEntries(Object.entries(sc).filter(([k]) => POD_SECURITY_CONTEXT_FIELDS.has(k)));
  return typed;
}

/** JSON Schema keywords Polaris's validator skips when their value is null (a template that rendered an empty list). */
function dropNullRequired(v: unknown): void {
  if (Array.isArray(v)) { v.forEach(dropNullRequired); return; }
  if (typeof v !== "object" || v === null) return;
  const o = v as Raw;
  if ("required" in o && !Array.isArray(o["required"])) delete o["required"];
  Object.values(o).forEach(dropNullRequired);
}

function templateInput(test: TestCase): Raw {
  const input = plain(test.object) as unknown as Raw;
  if (test.target === "PodSpec" || test.target === "Container") {
    const polaris: Raw = { PodSpec: typedPodSpec(test.object) };
    const template = podTemplateOf(test.object);
    if (template) polaris["PodTemplate"] = template;
    if (test.target === "Container") polaris["Container"] = omitEmpty(test.container);
    input["Polaris"] = plain(polaris);
  }
  return input;
}

function customCheck(id: string, test: TestCase, all: K8sObject[]): boolean {
  if (id !== "pdbMinAvailableGreaterThanHPAMinReplicas") return true;
  return pdbWithinHpa(test.object, all);
}

/**
 * pkg/validator/pdb_hpa_validator.go: the first PDB sharing any selector label with the Deployment's pod template
 * (matchesPDBForDeployment), and the HPA whose scaleTargetRef is that Deployment; the PDB's minAvailable must not
 * exceed the HPA's minReplicas. Any piece missing: passes. Namespaces are not compared, as upstream does not.
 */
function pdbWithinHpa(deployment: K8sObject, all: K8sObject[]): boolean {
  const labels = (podTemplateOf(deployment)?.["metadata"] as { labels?: Record<string, string> } | undefined)?.labels ?? {};
  const selector = (o: K8sObject) => (o.spec?.["selector"] as Raw | undefined)?.["matchLabels"] as Record<string, string> | undefined;
  const pdb = all.find((o) => o.kind === "PodDisruptionBudget" && Object.entries(selector(o) ?? {}).some(([k, v]) => labels[k] === v));
  const target = (o: K8sObject) => o.spec?.["scaleTargetRef"] as Raw | undefined;
  const hpa = all.find((o) => o.kind === "HorizontalPodAutoscaler" && target(o)?.["kind"] === "Deployment" && target(o)?.["name"] === deployment.metadata.name);
  const min = pdb?.spec?.["minAvailable"];
  const hpaMin = hpa?.spec?.["minReplicas"];
  if (!pdb || !hpa || min === undefined || typeof hpaMin !== "number") return true;
  const value = typeof min === "string" ? (min.endsWith("%") ? Math.ceil((Number(min.slice(0, -1)) / 100) * hpaMin) : NaN) : Number(min);
  return Number.isNaN(value) || value <= hpaMin;
}

function runCheck(check: Check, test: TestCase, all: K8sObject[]): boolean | undefined {
  if (!actionable(check, test.target, test.object.kind, test.isInit ?? false)) return undefined;
  const input = templateInput(test);
  const main = validator(renderGoTemplate(check.schemaString, input));
  let subject: unknown;
  if (check.schemaTarget === "PodSpec" && check.target === "Container") {
    subject = omitEmpty({ ...typedPodSpec(test.object), initContainers: [], containers: [test.container] });
  } else if (check.target === "PodSpec" || check.target === "PodTemplate") {
    subject = check.target === "PodSpec" ? typedPodSpec(test.object) : podTemplateOf(test.object);
  } else if (check.target === "Container") {
    subject = omitEmpty(test.container);
  } else {
    subject = test.object;
  }
  let passes = main ? main(plain(subject)) : customCheck(check.id, test, all);
  for (const [kind, template] of Object.entries(check.additional)) {
    if (!passes) break;
    const extra = validator(renderGoTemplate(template, input));
    if (!extra) continue;
    const ns = test.object.kind === "Namespace" ? test.object.metadata.name : test.object.metadata.namespace;
    const objects = all.filter((o) => groupKind(o) === kind && (o.metadata.namespace === undefined || o.metadata.namespace === ns));
    passes = objects.some((o) => extra(plain(o)));
  }
  return passes;
}

/** Every default Polaris check that fails on the objects, one finding per object (and container) it fails on. */
export function runPolaris(objects: K8sObject[]): PeerFinding[] {
  const severities = polarisDefaultChecks();
  const checks = [...severities.keys()].sort().map(loadCheck);
  const findings: PeerFinding[] = [];
  const record = (check: Check, test: TestCase) => {
    const passes = runCheck(check, test, objects);
    if (passes === false) {
      findings.push({
        checker: "polaris", check: check.id, severity: severities.get(check.id) ?? "warning",
        object: `${test.object.kind}/${test.object.metadata.name}`, ...(test.container ? { container: String(test.container["name"]) } : {}),
      });
    }
  };
  for (const object of objects) {
    const spec = podSpecOf(object);
    for (const check of checks) {
      if (spec) {
        record(check, { target: "Controller", object });
        record(check, { target: "", object });
        record(check, { target: "PodSpec", object });
        for (const c of (spec["initContainers"] as Raw[] | undefined) ?? []) record(check, { target: "Container", object, container: c, isInit: true });
        for (const c of (spec["containers"] as Raw[] | undefined) ?? []) record(check, { target: "Container", object, container: c });
      } else {
        record(check, { target: "", object });
      }
    }
  }
  return findings;
}

/** For the conformance test: does `checkId` pass (true), fail (false) or not run (undefined) on each object? */
export function polarisResults(checkId: string, objects: K8sObject[]): boolean[] {
  const check = loadCheck(checkId);
  const out: boolean[] = [];
  for (const object of objects) {
    const spec = podSpecOf(object);
    const tests: TestCase[] = spec
      ? [{ target: "Controller", object }, { target: "", object }, { target: "PodSpec", object },
        ...((spec["initContainers"] as Raw[] | undefined) ?? []).map((c) => ({ target: "Container", object, container: c, isInit: true })),
        ...((spec["containers"] as Raw[] | undefined) ?? []).map((c) => ({ target: "Container", object, container: c }))]
      : [{ target: "", object }];
    for (const t of tests) {
      const r = runCheck(check, t, objects);
      if (r !== undefined) out.push(r);
    }
  }
  return out;
}
