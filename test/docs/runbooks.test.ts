// docs/runbooks.md against the code: every alert rule links to `<base>#<alert name lower case>`, so each alert needs
// a heading with exactly that anchor, and its section must say the alert's severity. The names the commands use
// (Kubernetes objects, URNs, config keys) must exist in the plans and the config schema.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { configKeys } from "../../components/config";
import { DEFAULT_RUNBOOK_BASE_URL, alertRules, type Severity } from "../../components/observability/alert-rules";
import { REPO_ROOT } from "../plan/stacks";
import { runStack, type ProgramRun } from "../support/harness";
import { codeSnippets, readDoc, sectionOf, type Doc } from "./markdown";

const doc: Doc = readDoc("docs/runbooks.md");

/**
 * Every alert the module can produce, with its severity: the rules with every optional family on, plus any
 * `rule(component, "Name", "severity", ...)` call in the source, so an alert behind an option added later is not
 * missed because this test does not know the option.
 */
function alerts(): Map<string, Severity> {
  const out = new Map<string, Severity>();
  const groups = alertRules({ connectionBudget: 100, rds: true, elasticache: true, inClusterDatabase: true, backups: true });
  for (const rule of groups.flatMap((g) => g.rules)) out.set(rule.alert, rule.labels.severity);
  const source = readFileSync(path.join(REPO_ROOT, "components/observability/alert-rules.ts"), "utf8");
  for (const m of source.matchAll(/\brule\(\s*"[a-z-]+",\s*"([A-Za-z0-9]+)",\s*"(warning|critical)"/g)) out.set(m[1] as string, m[2] as Severity);
  return out;
}

const ALERTS = alerts();
const triage = doc.headings.find((h) => h.slug === "incident-triage");
/** The level-3 headings under "Incident triage": one per alert. */
const alertHeadings = doc.headings.filter((h) => triage !== undefined && h.level === 3 && h.line > triage.line
  && !doc.headings.some((x) => x.level <= 2 && x.line > triage.line && x.line < h.line));

describe("docs/runbooks.md and the alert rules", () => {
  it("finds the alerts (the module and its source agree on at least the ones the options produce)", () => {
    expect(ALERTS.size).toBeGreaterThanOrEqual(19);
    expect(ALERTS.get("AgentServerErrorRateHigh")).toBe("critical");
  });

  it("links alerts to this file: the rules' default base URL ends in docs/runbooks.md", () => {
    expect(new URL(DEFAULT_RUNBOOK_BASE_URL).pathname).toMatch(/\/docs\/runbooks\.md$/);
  });

  it.each([...ALERTS.keys()])("%s has a heading whose anchor is the runbook_url's fragment", (alert) => {
    const heading = doc.headings.find((h) => h.slug === alert.toLowerCase());
    expect(heading, `no heading with anchor #${alert.toLowerCase()} in docs/runbooks.md`).toBeDefined();
    expect(heading?.text).toBe(alert);
    expect(alertHeadings).toContain(heading);
  });

  it.each([...ALERTS])("the section of %s names its severity, %s", (alert, severity) => {
    const heading = doc.headings.find((h) => h.slug === alert.toLowerCase());
    const section = heading ? sectionOf(doc, heading) : "";
    const named = [...section.matchAll(/\*\*Severity: (\w+)\*\*/g)].map((m) => m[1]);
    expect(named, `${alert}: expected one "**Severity: ${severity}**"`).toEqual([severity]);
  });

  it("has no section for an alert that does not exist", () => {
    expect(alertHeadings.map((h) => h.text).filter((t) => !ALERTS.has(t))).toEqual([]);
  });

  it("gives every section a unique anchor", () => {
    const slugs = doc.headings.map((h) => h.slug);
    expect(slugs.filter((s, i) => slugs.indexOf(s) !== i)).toEqual([]);
  });
});

describe("the names docs/runbooks.md uses", () => {
  let prod: ProgramRun;
  let dev: ProgramRun;
  beforeAll(async () => {
    prod = await runStack("prod");
    dev = await runStack("dev");
  });

  const snippets = codeSnippets(doc).join("\n");

  /** `kind/name` as kubectl takes it, for the kinds the platform creates (Jobs made by hand are not in the plan). */
  const KINDS: Record<string, string> = {
    deployment: "Deployment", statefulset: "StatefulSet", cronjob: "CronJob", hpa: "HorizontalPodAutoscaler",
    ingress: "Ingress", service: "Service", svc: "Service", secret: "Secret", configmap: "ConfigMap",
  };

  it("names only Kubernetes objects the prod or dev plan creates, in the namespace the commands use", () => {
    const objects = new Set([prod, dev].flatMap((run) => run.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => {
      const inputs = run.inputs(r) as { kind?: string; metadata?: { name?: string; namespace?: string } };
      return `${inputs.metadata?.namespace ?? ""}/${inputs.kind ?? ""}/${inputs.metadata?.name ?? ""}`;
    })));
    const refs = [...snippets.matchAll(/\b(deployment|statefulset|cronjob|hpa|ingress|service|svc|secret|configmap)\/([a-z0-9][a-z0-9-]*)(?![\w…<-])/g)];
    expect(refs.length).toBeGreaterThan(20);
    const missing = refs.map((m) => `agent-platform/${KINDS[m[1] as string] ?? ""}/${m[2] ?? ""}`).filter((ref) => !objects.has(ref));
    expect([...new Set(missing)]).toEqual([]);
    // Every kubectl command names the namespace: nothing lands in `default`.
    const kubectl = snippets.split("\n").flatMap((line) => [...line.matchAll(/kubectl (?!-n agent-platform)[^`]*/g)].map((m) => m[0]));
    expect(kubectl).toEqual([]);
  });

  it("replaces only URNs the prod plan has", () => {
    const urns = new Set(prod.resources.map((r) => r.urn));
    const named = [...snippets.matchAll(/urn:pulumi:prod::[^'`\s]+/g)].map((m) => m[0]);
    // Only the encryption key is replaced by URN (the passwords rotate by a config generation, the RDS one by RDS).
    expect([...new Set(named)].map((urn) => urn.split("::").pop())).toEqual(["agents-secrets-encryption-key"]);
    expect(named.filter((urn) => !urns.has(urn))).toEqual([]);
  });

  it("sets only config keys the schema has, secret ones with --secret and no others", () => {
    const keys = new Map(configKeys().map((k) => [k.key, k]));
    const sets = [...snippets.matchAll(/pulumi config set (--secret )?(?:--path )?'?([A-Za-z0-9.:]+)/g)];
    expect(sets.length).toBeGreaterThan(5);
    for (const [, secret, key = ""] of sets) {
      if (key.startsWith("aws:")) continue;
      expect(keys.has(key), `unknown config key ${key}`).toBe(true);
      expect(secret !== undefined, `${key}: --secret ${keys.get(key)?.secret ? "missing" : "on a plain key"}`).toBe(keys.get(key)?.secret);
    }
  });

  it("mentions only config keys the schema has", () => {
    const keys = new Set(configKeys().map((k) => k.key));
    const sections = new Set(configKeys().map((k) => k.key.split(".")[0]));
    const mentioned = [...new Set([...snippets.matchAll(/\b([a-z]+)\.([a-z][A-Za-z0-9]*)\b/g)]
      .filter((m) => sections.has(m[1] as string) && !/^(sh|sql|md|json|ts|yaml|yml)$/.test(m[2] as string))
      .map((m) => `${m[1]}.${m[2]}`))];
    expect(mentioned.length).toBeGreaterThan(10);
    expect(mentioned.filter((k) => !keys.has(k))).toEqual([]);
  });

  it("names the stack outputs index.ts exports", () => {
    const outputs = new Set(Object.keys(prod.captured.outputs));
    const named = [...snippets.matchAll(/pulumi stack output (?:--show-secrets )?([A-Za-z]+)/g)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((o) => !outputs.has(o))).toEqual([]);
  });
});
